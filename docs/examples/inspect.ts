/**
 * Watching the session machine in Stately's inspector: run it as a live actor with `inspect`. The
 * actors are yours to bind (`sessionMachine.provide`); here they are functions you pass in.
 *
 * `npx tsx docs/examples/inspect.ts` opens the inspector and plays a session: sign-in, a refresh,
 * sign-out, with made-up tokens. `test/examples.test.ts` runs `inspectedSession` with a plain observer.
 *
 * @module
 */
import type {
  ExchangeCodeInput,
  ReceivedTokens,
  RefreshTokensInput,
  RevokeTokenInput,
  SignInTransaction,
} from '@logto-machine/core';
import { sessionMachine } from '@logto-machine/core/machine';
import { type ActorOptions, createActor, fromPromise } from 'xstate';

/** The IO the machine names: what a runtime binds its actors to. */
export interface SessionIo {
  exchangeCode(input: ExchangeCodeInput): Promise<ReceivedTokens>;
  refreshTokens(input: RefreshTokensInput): Promise<ReceivedTokens>;
  revokeToken(input: RevokeTokenInput): Promise<void>;
}

// #region actor
/** The session machine as a live actor, its actors bound to `io`, every step reported to `inspect`. */
export const inspectedSession = (
  io: SessionIo,
  inspect: NonNullable<ActorOptions<typeof sessionMachine>['inspect']>,
) =>
  createActor(
    sessionMachine.provide({
      actors: {
        exchangeCode: fromPromise(({ input }) => io.exchangeCode(input)),
        refreshTokens: fromPromise(({ input }) => io.refreshTokens(input)),
        revokeToken: fromPromise(({ input }) => io.revokeToken(input)),
      },
    }),
    { inspect },
  ).start();
// #endregion actor

/** Made-up tokens, for a session that only exists to be watched. */
export const fakeTokens = (now: number): ReceivedTokens => ({
  requestedAt: now,
  idToken: 'header.payload.signature',
  idTokenExpiresAt: now + 3_600_000,
  refreshToken: `refresh-${now}`,
  accessTokenKey: '#',
  accessToken: { token: `access-${now}`, scope: '', expiresAt: now + 3_600_000, receivedAt: now },
});

/** A transaction as `signIn()` would make it. */
export const fakeTransaction = (now: number): SignInTransaction => ({
  state: 'state-1',
  nonce: 'nonce-1',
  codeVerifier: 'verifier-1',
  redirectUri: 'http://127.0.0.1:3000/callback',
  expiresAt: now + 600_000,
});

if (import.meta.url === new URL(process.argv[1] ?? '', 'file:').href) {
  // #region inspector
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  const { createInspectorServer } = await import('@statelyai/inspect/server');
  createInspectorServer(); // relays to the inspector UI, which it opens in your browser
  const inspector = createWebSocketInspector({ url: 'ws://localhost:8080' });

  const io: SessionIo = {
    exchangeCode: async () => fakeTokens(Date.now()),
    refreshTokens: async () => fakeTokens(Date.now()),
    revokeToken: async () => {},
  };
  const session = inspectedSession(io, inspector.inspect);
  // #endregion inspector
  const pause = () => new Promise((resolve) => setTimeout(resolve, 1500));
  const transaction = fakeTransaction(Date.now());
  session.send({ type: 'app.signInRequested', transaction, now: Date.now() });
  await pause();
  session.send({ type: 'app.callbackReceived', transaction, code: 'code-1', now: Date.now() });
  await pause();
  session.send({
    type: 'app.refreshRequested',
    target: { resource: 'https://api.example.com' },
    now: Date.now(),
  });
  await pause();
  session.send({ type: 'app.signOutRequested' });
}
