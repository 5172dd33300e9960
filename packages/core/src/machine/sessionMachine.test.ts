import { getShortestPaths, getStateNodes } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { type AnyEventObject, initialTransition, type SnapshotFrom, transition } from 'xstate';
import type { SignInTransaction } from '../oidc/signIn.ts';
import { maxPendingTransactions, type ReceivedTokens, type SessionTokens } from './context.ts';
import type { SessionEvent } from './events.ts';
import { sessionMachine } from './sessionMachine.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;

const t0 = Date.UTC(2026, 0, 1);
const minute = 60_000;
const hour = 60 * minute;
const tags = [
  'signedOut',
  'signingIn',
  'handlingCallback',
  'authenticated',
  'refreshing',
  'signingOut',
  'expired',
];

const transaction = (state: string, expiresAt = t0 + 10 * minute): SignInTransaction => ({
  state,
  nonce: `nonce-${state}`,
  codeVerifier: `verifier-${state}`,
  redirectUri: 'https://app.example/callback',
  expiresAt,
});

const received = (overrides: Partial<ReceivedTokens> = {}): ReceivedTokens => ({
  requestedAt: t0,
  idToken: 'id-token-1',
  idTokenExpiresAt: t0 + hour,
  refreshToken: 'rt-1',
  accessTokenKey: '#',
  accessToken: { token: 'at-1', scope: 'openid profile', expiresAt: t0 + hour },
  ...overrides,
});

const rejectedRefreshToken = {
  _tag: 'TokenRequestError',
  reason: 'Rejected',
  error: 'invalid_grant',
  message: 'The provider rejected the token request: invalid_grant.',
};
const providerDown = {
  _tag: 'TokenRequestError',
  reason: 'Unavailable',
  status: 503,
  message: "The provider's token endpoint answered 503; nothing was changed, try again later.",
};

/** One pure step: the machine's next snapshot and the actions it asks the runtime to run. */
const step = (snapshot: Snapshot, event: SessionEvent | AnyEventObject) =>
  transition(sessionMachine, snapshot, event as SessionEvent);

/** The snapshot after `events`, from signed out. */
const stepThrough = (...events: (SessionEvent | AnyEventObject)[]) =>
  events.reduce<Snapshot>(
    (snapshot, event) => step(snapshot, event)[0],
    initialTransition(sessionMachine)[0],
  );

const signInRequested = (tx: SignInTransaction, now = t0): SessionEvent => ({
  type: 'app.signInRequested',
  transaction: tx,
  now,
});
const callbackReceived = (tx: SignInTransaction, now = t0 + minute): SessionEvent => ({
  type: 'app.callbackReceived',
  transaction: tx,
  code: `code-${tx.state}`,
  now,
});
const done = (id: string, output?: unknown) => ({ type: `xstate.done.actor.${id}`, output });
const failed = (id: string, error: unknown) => ({ type: `xstate.error.actor.${id}`, error });

const spawned = (actions: readonly { type: string; params?: unknown }[]) =>
  actions
    .filter((action) => action.type === 'xstate.spawnChild')
    .map((action) => {
      const { src, input } = action.params as { src: string; input: unknown };
      return { src, input };
    });

const tagsOf = (snapshot: Snapshot) => tags.filter((tag) => snapshot.hasTag(tag as never));

/** Signed in with the tokens of `output`. */
const signedIn = (output = received()) =>
  stepThrough(
    signInRequested(transaction('s-1')),
    callbackReceived(transaction('s-1')),
    done('exchangeCode', output),
  );

describe('sign-in', () => {
  it('starts signed out, with nothing pending', () => {
    const [snapshot, actions] = initialTransition(sessionMachine);
    expect(tagsOf(snapshot)).toEqual(['signedOut']);
    expect(snapshot.context).toEqual({ transactions: {}, tokens: null, failure: null });
    expect(actions).toEqual([]);
  });

  it('keeps the transaction of a requested sign-in, and starts no IO', () => {
    const [snapshot, actions] = step(stepThrough(), signInRequested(transaction('s-1')));
    expect(tagsOf(snapshot)).toEqual(['signingIn']);
    expect(snapshot.context.transactions).toEqual({ 's-1': transaction('s-1') });
    expect(spawned(actions)).toEqual([]);
  });

  it('keeps the transactions of sign-ins started in several tabs', () => {
    const snapshot = stepThrough(signInRequested(transaction('s-1')), signInRequested(transaction('s-2')));
    expect(Object.keys(snapshot.context.transactions).sort()).toEqual(['s-1', 's-2']);
  });

  it(`drops the oldest transaction beyond ${maxPendingTransactions} pending sign-ins`, () => {
    const states = Array.from({ length: maxPendingTransactions + 1 }, (_, index) => `s-${index}`);
    const snapshot = stepThrough(
      ...states.map((state, index) => signInRequested(transaction(state, t0 + hour + index))),
    );
    expect(Object.keys(snapshot.context.transactions).sort()).toEqual(states.slice(1).sort());
  });

  it('prunes expired transactions when another sign-in starts', () => {
    const snapshot = stepThrough(
      signInRequested(transaction('s-old', t0 + minute)),
      signInRequested(transaction('s-new', t0 + hour), t0 + 2 * minute),
    );
    expect(Object.keys(snapshot.context.transactions)).toEqual(['s-new']);
  });

  it('prunes expired transactions on a clock tick', () => {
    const snapshot = stepThrough(signInRequested(transaction('s-1', t0 + minute)), {
      type: 'clock.tick',
      now: t0 + minute,
    });
    expect(snapshot.context.transactions).toEqual({});
  });
});

describe('callback', () => {
  it('is ignored for a transaction that is not pending', () => {
    const before = stepThrough(signInRequested(transaction('s-1')));
    const [snapshot, actions] = step(before, callbackReceived(transaction('s-2')));
    expect(tagsOf(snapshot)).toEqual(['signingIn']);
    expect(snapshot.context).toEqual(before.context);
    expect(spawned(actions)).toEqual([]);
  });

  it('is ignored for an expired transaction', () => {
    const tx = transaction('s-1', t0 + minute);
    const [snapshot, actions] = step(stepThrough(signInRequested(tx)), callbackReceived(tx, t0 + minute));
    expect(tagsOf(snapshot)).toEqual(['signingIn']);
    expect(spawned(actions)).toEqual([]);
  });

  it('spends the transaction and asks for the code exchange', () => {
    const tx = transaction('s-1');
    const [snapshot, actions] = step(stepThrough(signInRequested(tx)), callbackReceived(tx));
    expect(tagsOf(snapshot)).toEqual(['handlingCallback']);
    expect(snapshot.context.transactions).toEqual({});
    expect(spawned(actions)).toEqual([{ src: 'exchangeCode', input: { code: 'code-s-1', transaction: tx } }]);
  });

  it('a rejected callback spends its transaction', () => {
    const snapshot = stepThrough(signInRequested(transaction('s-1')), {
      type: 'app.callbackRejected',
      state: 's-1',
    });
    expect(snapshot.context.transactions).toEqual({});
  });

  it('signs in with the exchanged tokens', () => {
    const snapshot = signedIn();
    expect(tagsOf(snapshot)).toEqual(['authenticated']);
    expect(snapshot.context.tokens).toEqual({
      idToken: 'id-token-1',
      idTokenExpiresAt: t0 + hour,
      refreshToken: 'rt-1',
      accessTokens: { '#': received().accessToken },
    } satisfies SessionTokens);
    expect(snapshot.context.failure).toBeNull();
  });

  it('returns to signingIn with the failure when another sign-in is still pending', () => {
    const snapshot = stepThrough(
      signInRequested(transaction('s-1')),
      signInRequested(transaction('s-2')),
      callbackReceived(transaction('s-1')),
      failed('exchangeCode', providerDown),
    );
    expect(tagsOf(snapshot)).toEqual(['signingIn']);
    expect(Object.keys(snapshot.context.transactions)).toEqual(['s-2']);
    expect(snapshot.context.failure).toEqual({
      tag: 'TokenRequestError',
      reason: 'Unavailable',
      message: providerDown.message,
    });
  });

  it('returns to signedOut with the failure when nothing else is pending', () => {
    const snapshot = stepThrough(
      signInRequested(transaction('s-1')),
      callbackReceived(transaction('s-1')),
      failed('exchangeCode', {
        _tag: 'IdTokenError',
        reason: 'NonceMismatch',
        message: 'nonce does not match',
      }),
    );
    expect(tagsOf(snapshot)).toEqual(['signedOut']);
    expect(snapshot.context.tokens).toBeNull();
    expect(snapshot.context.failure).toMatchObject({ tag: 'IdTokenError', reason: 'NonceMismatch' });
  });

  it('keeps the current session when a second sign-in fails', () => {
    const snapshot = stepThrough(
      signInRequested(transaction('s-1')),
      callbackReceived(transaction('s-1')),
      done('exchangeCode', received()),
      signInRequested(transaction('s-2')),
      callbackReceived(transaction('s-2')),
      failed('exchangeCode', providerDown),
    );
    expect(tagsOf(snapshot)).toEqual(['authenticated']);
    expect(snapshot.context.tokens?.refreshToken).toBe('rt-1');
    expect(snapshot.context.failure?.reason).toBe('Unavailable');
  });
});

describe('refresh', () => {
  const refreshRequested = (target = { resource: 'https://api.example' }): SessionEvent => ({
    type: 'app.refreshRequested',
    target,
    now: t0 + 30 * minute,
  });

  it('asks for a refresh grant and is tagged refreshing while still authenticated', () => {
    const before = signedIn();
    const [snapshot, actions] = step(before, refreshRequested());
    expect(tagsOf(snapshot)).toEqual(['authenticated', 'refreshing']);
    expect(spawned(actions)).toEqual([
      {
        src: 'refreshTokens',
        input: { tokens: before.context.tokens, target: { resource: 'https://api.example' } },
      },
    ]);
  });

  it('is not attempted without a refresh token', () => {
    const [snapshot, actions] = step(signedIn(received({ refreshToken: undefined })), refreshRequested());
    expect(tagsOf(snapshot)).toEqual(['authenticated']);
    expect(spawned(actions)).toEqual([]);
  });

  it('stores the rotated refresh token and the new access token, keeping live tokens and dropping expired ones', () => {
    const initial = received({
      accessTokenKey: '#',
      accessToken: { token: 'at-default', scope: '', expiresAt: t0 + hour },
    });
    const snapshot = stepThrough(
      signInRequested(transaction('s-1')),
      callbackReceived(transaction('s-1')),
      done('exchangeCode', initial),
      refreshRequested({ resource: 'https://short.example' }),
      done(
        'refreshTokens',
        received({
          requestedAt: t0 + minute,
          idToken: undefined,
          idTokenExpiresAt: undefined,
          refreshToken: 'rt-2',
          accessTokenKey: 'https://short.example#',
          accessToken: { token: 'at-short', scope: 'read', expiresAt: t0 + 5 * minute },
        }),
      ),
      refreshRequested({ resource: 'https://api.example' }),
      done(
        'refreshTokens',
        received({
          requestedAt: t0 + 10 * minute,
          idToken: 'id-token-2',
          idTokenExpiresAt: t0 + 2 * hour,
          refreshToken: 'rt-3',
          accessTokenKey: 'https://api.example#',
          accessToken: { token: 'at-api', scope: 'read', expiresAt: t0 + 70 * minute },
        }),
      ),
    );
    expect(tagsOf(snapshot)).toEqual(['authenticated']);
    expect(snapshot.context.tokens).toEqual({
      idToken: 'id-token-2',
      idTokenExpiresAt: t0 + 2 * hour,
      refreshToken: 'rt-3',
      accessTokens: {
        '#': { token: 'at-default', scope: '', expiresAt: t0 + hour },
        'https://api.example#': { token: 'at-api', scope: 'read', expiresAt: t0 + 70 * minute },
      },
    });
  });

  it('keeps the ID token and refresh token when the response has none', () => {
    const snapshot = stepThrough(
      signInRequested(transaction('s-1')),
      callbackReceived(transaction('s-1')),
      done('exchangeCode', received()),
      refreshRequested(),
      done(
        'refreshTokens',
        received({ idToken: undefined, idTokenExpiresAt: undefined, refreshToken: undefined }),
      ),
    );
    expect(snapshot.context.tokens).toMatchObject({ idToken: 'id-token-1', refreshToken: 'rt-1' });
  });

  it('ends the session when the provider rejects the refresh token (invalid_grant)', () => {
    const [snapshot] = step(
      step(signedIn(), refreshRequested())[0],
      failed('refreshTokens', rejectedRefreshToken),
    );
    expect(tagsOf(snapshot)).toEqual(['expired']);
    expect(snapshot.context.tokens).toBeNull();
    expect(snapshot.context.failure).toMatchObject({ tag: 'SessionExpired', reason: 'RefreshTokenRejected' });
  });

  it('keeps the session after a transient failure, recording it', () => {
    const before = signedIn();
    const [snapshot] = step(step(before, refreshRequested())[0], failed('refreshTokens', providerDown));
    expect(tagsOf(snapshot)).toEqual(['authenticated']);
    expect(snapshot.context.tokens).toEqual(before.context.tokens);
    expect(snapshot.context.failure).toMatchObject({ tag: 'TokenRequestError', reason: 'Unavailable' });
  });

  it('clears the recorded failure after the next successful refresh', () => {
    const snapshot = stepThrough(
      signInRequested(transaction('s-1')),
      callbackReceived(transaction('s-1')),
      done('exchangeCode', received()),
      refreshRequested(),
      failed('refreshTokens', providerDown),
      refreshRequested(),
      done('refreshTokens', received()),
    );
    expect(snapshot.context.failure).toBeNull();
  });
});

describe('clock', () => {
  it('ends a session whose ID token expired and that has no refresh token', () => {
    const [snapshot] = step(signedIn(received({ refreshToken: undefined })), {
      type: 'clock.tick',
      now: t0 + hour,
    });
    expect(tagsOf(snapshot)).toEqual(['expired']);
    expect(snapshot.context.tokens).toBeNull();
    expect(snapshot.context.failure).toMatchObject({ tag: 'SessionExpired', reason: 'NoRefreshToken' });
  });

  it('keeps a session with a refresh token past its ID token expiry', () => {
    const before = signedIn();
    const [snapshot] = step(before, { type: 'clock.tick', now: t0 + 2 * hour });
    expect(tagsOf(snapshot)).toEqual(['authenticated']);
    expect(snapshot.context.tokens).toEqual(before.context.tokens);
  });

  it('keeps a session without refresh token while its ID token is valid', () => {
    const [snapshot] = step(signedIn(received({ refreshToken: undefined })), {
      type: 'clock.tick',
      now: t0 + hour - 1,
    });
    expect(tagsOf(snapshot)).toEqual(['authenticated']);
  });
});

describe('sign-out', () => {
  it('revokes the refresh token, then signs out', () => {
    const [signingOut, actions] = step(signedIn(), { type: 'app.signOutRequested' });
    expect(tagsOf(signingOut)).toEqual(['signingOut']);
    expect(spawned(actions)).toEqual([{ src: 'revokeToken', input: { refreshToken: 'rt-1' } }]);

    const [snapshot] = step(signingOut, done('revokeToken'));
    expect(tagsOf(snapshot)).toEqual(['signedOut']);
    expect(snapshot.context.tokens).toBeNull();
  });

  it('signs out locally when revocation fails (best effort, RFC 7009 §2.2)', () => {
    const [signingOut] = step(signedIn(), { type: 'app.signOutRequested' });
    const [snapshot] = step(signingOut, failed('revokeToken', providerDown));
    expect(tagsOf(snapshot)).toEqual(['signedOut']);
    expect(snapshot.context.tokens).toBeNull();
    expect(snapshot.context.failure).toBeNull();
  });

  it('signs out at once without a refresh token to revoke', () => {
    const [snapshot, actions] = step(signedIn(received({ refreshToken: undefined })), {
      type: 'app.signOutRequested',
    });
    expect(tagsOf(snapshot)).toEqual(['signedOut']);
    expect(snapshot.context.tokens).toBeNull();
    expect(spawned(actions)).toEqual([]);
  });

  it('leaves an expired session', () => {
    const expired = stepThrough(
      signInRequested(transaction('s-1')),
      callbackReceived(transaction('s-1')),
      done('exchangeCode', received({ refreshToken: undefined })),
      { type: 'clock.tick', now: t0 + 2 * hour },
    );
    const [snapshot] = step(expired, { type: 'app.signOutRequested' });
    expect(tagsOf(snapshot)).toEqual(['signedOut']);
    expect(snapshot.context.failure).toBeNull();
  });
});

describe('persistence', () => {
  const roundTrip = (snapshot: Snapshot) => {
    const persisted = JSON.parse(JSON.stringify(sessionMachine.getPersistedSnapshot(snapshot)));
    return sessionMachine.resolveState({ value: persisted.value, context: persisted.context });
  };

  it.each([
    ['signed out', () => stepThrough()],
    ['signing in', () => stepThrough(signInRequested(transaction('s-1')))],
    ['authenticated', () => signedIn()],
    [
      'expired',
      () =>
        step(
          step(signedIn(), { type: 'app.refreshRequested', target: {}, now: t0 })[0],
          failed('refreshTokens', rejectedRefreshToken),
        )[0],
    ],
  ])('restores a %s session with the same tags and context', (_, make) => {
    const snapshot = make();
    const restored = roundTrip(snapshot);
    expect(tagsOf(restored)).toEqual(tagsOf(snapshot));
    expect(restored.context).toEqual(snapshot.context);
  });

  it('a restored session keeps working: it can refresh', () => {
    const [snapshot, actions] = step(roundTrip(signedIn()), {
      type: 'app.refreshRequested',
      target: {},
      now: t0,
    });
    expect(tagsOf(snapshot)).toEqual(['authenticated', 'refreshing']);
    expect(spawned(actions).map((action) => action.src)).toEqual(['refreshTokens']);
  });
});

describe('reachability', () => {
  const tx = transaction('s-1');
  const events = [
    signInRequested(tx),
    callbackReceived(tx),
    { type: 'app.callbackRejected', state: 's-1' },
    { type: 'app.refreshRequested', target: {}, now: t0 + minute },
    { type: 'app.signOutRequested' },
    { type: 'clock.tick', now: t0 + 2 * hour },
    done('exchangeCode', received()),
    done('exchangeCode', received({ refreshToken: undefined })),
    failed('exchangeCode', providerDown),
    done('refreshTokens', received({ refreshToken: 'rt-2' })),
    failed('refreshTokens', rejectedRefreshToken),
    failed('refreshTokens', providerDown),
    done('revokeToken'),
    failed('revokeToken', providerDown),
  ] as SessionEvent[];

  const reached = new Set(
    getShortestPaths(sessionMachine, { events }).map((path) =>
      typeof path.state.value === 'string'
        ? path.state.value
        : Object.entries(path.state.value)
            .map(([parent, child]) => `${parent}.${child}`)
            .join(),
    ),
  );

  it.each([
    'signedOut',
    'signingIn',
    'handlingCallback',
    'authenticated.idle',
    'authenticated.refreshing',
    'signingOut',
    'expired',
  ])('reaches %s', (state) => {
    expect(reached).toContain(state);
  });

  it('reaches every atomic state the machine declares', () => {
    const atomic = getStateNodes(sessionMachine.root)
      .filter((node) => node.type === 'atomic')
      .map((node) => node.path.join('.'));
    expect([...reached].sort()).toEqual(atomic.sort());
  });
});
