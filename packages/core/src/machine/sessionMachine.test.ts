import { getShortestPaths, getStateNodes } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { type AnyEventObject, initialTransition, type SnapshotFrom, transition } from 'xstate';
import type { SignInTransaction } from '../oidc/signIn.ts';
import {
  maxPendingTransactions,
  type ReceivedTokens,
  type RecordedRefresh,
  type RefreshPolicy,
  type SessionTokens,
} from './context.ts';
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
/** The ledger's answer when no other copy of the session presented the refresh token lately. */
const nothingRecorded = { type: 'xstate.done.actor.readRefreshLedger', output: null };
const failed = (id: string, error: unknown) => ({ type: `xstate.error.actor.${id}`, error });

const spawned = (actions: readonly { type: string; params?: unknown }[]) =>
  actions
    .filter((action) => action.type === 'xstate.spawnChild')
    .map((action) => {
      const { src, input } = action.params as { src: string; input: unknown };
      return { src, input };
    });

const emittedBy = (actions: readonly { type: string; params?: unknown }[]) =>
  actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: { type: string } }).event.type);

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
    expect(snapshot.context).toEqual({ transactions: {}, tokens: null, failure: null, refresh: null });
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

  it('reads the refresh ledger, then asks for a refresh grant, tagged refreshing while still authenticated', () => {
    const before = signedIn();
    const [reading, readActions] = step(before, refreshRequested());
    expect(tagsOf(reading)).toEqual(['authenticated', 'refreshing']);
    expect(spawned(readActions)).toEqual([{ src: 'readRefreshLedger', input: { refreshToken: 'rt-1' } }]);
    const [granting, grantActions] = step(reading, nothingRecorded);
    expect(tagsOf(granting)).toEqual(['authenticated', 'refreshing']);
    expect(spawned(grantActions)).toEqual([
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
      nothingRecorded,
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
      nothingRecorded,
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
      nothingRecorded,
      done(
        'refreshTokens',
        received({ idToken: undefined, idTokenExpiresAt: undefined, refreshToken: undefined }),
      ),
    );
    expect(snapshot.context.tokens).toMatchObject({ idToken: 'id-token-1', refreshToken: 'rt-1' });
  });

  it('ends the session when the provider rejects the refresh token (invalid_grant)', () => {
    const [snapshot] = step(
      step(step(signedIn(), refreshRequested())[0], nothingRecorded)[0],
      failed('refreshTokens', rejectedRefreshToken),
    );
    expect(tagsOf(snapshot)).toEqual(['expired']);
    expect(snapshot.context.tokens).toBeNull();
    expect(snapshot.context.failure).toMatchObject({ tag: 'SessionExpired', reason: 'RefreshTokenRejected' });
  });

  it('keeps the session after a transient failure, recording it', () => {
    const before = signedIn();
    const [snapshot] = step(
      step(step(before, refreshRequested())[0], nothingRecorded)[0],
      failed('refreshTokens', providerDown),
    );
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
      nothingRecorded,
      failed('refreshTokens', providerDown),
      refreshRequested(),
      nothingRecorded,
      done('refreshTokens', received()),
    );
    expect(snapshot.context.failure).toBeNull();
  });
});

describe('refresh coordination (copies of one session, refreshes serialised per refresh token)', () => {
  const api = { resource: 'https://api.example' };
  const now = t0 + 30 * minute;
  const policy: RefreshPolicy = { skewMs: minute, openedAt: now - 1_000, adoptionGraceMs: 5_000 };
  const request = (overrides: Partial<Extract<SessionEvent, { type: 'app.refreshRequested' }>> = {}) =>
    ({ type: 'app.refreshRequested', target: api, now, refreshToken: 'rt-1', policy, ...overrides }) as const;
  /** What another copy recorded after presenting `rt-1`: by default rotated to `rt-2`, with a token for `api`. */
  const recorded = (overrides: Partial<RecordedRefresh> = {}): RecordedRefresh => ({
    received: received({
      requestedAt: now - 2_000,
      idToken: undefined,
      idTokenExpiresAt: undefined,
      refreshToken: 'rt-2',
      accessTokenKey: 'https://api.example#',
      accessToken: { token: 'at-adopted', scope: '', expiresAt: now + hour, receivedAt: now - 2_000 },
    }),
    nextRefreshToken: 'rt-2',
    recordedAt: now - 2_000,
    ...overrides,
  });
  const readLedger = (answer: RecordedRefresh | null, event = request()) =>
    step(step(signedIn(), event)[0], done('readRefreshLedger', answer));

  it('does nothing when the session already holds a fresh token (another request refreshed meanwhile)', () => {
    const before = signedIn(
      received({
        accessTokenKey: 'https://api.example#',
        accessToken: { token: 'at-fresh', scope: '', expiresAt: now + hour },
      }),
    );
    const [snapshot, actions] = step(before, request());
    expect(snapshot.value).toEqual({ authenticated: 'idle' });
    expect(snapshot.context).toEqual(before.context);
    expect(actions).toEqual([]);
  });

  it('tells the caller to lock the new refresh token when the stored one changed while it waited', () => {
    const [snapshot, actions] = step(signedIn(), request({ refreshToken: 'rt-0' }));
    expect(snapshot.value).toEqual({ authenticated: 'idle' });
    expect(emittedBy(actions)).toEqual(['refresh.rotatedElsewhere']);
    expect(spawned(actions)).toEqual([]);
  });

  it('ends the session, presenting nothing, when another copy saw the refresh token rejected', () => {
    const [snapshot, actions] = readLedger(recorded({ received: null, nextRefreshToken: 'rt-1' }));
    expect(tagsOf(snapshot)).toEqual(['expired']);
    expect(snapshot.context.tokens).toBeNull();
    expect(snapshot.context.failure).toMatchObject({ tag: 'SessionExpired', reason: 'RefreshTokenRejected' });
    expect(spawned(actions)).toEqual([]);
  });

  it('ends a stale copy: opened after the rotation, beyond the grace (neither adopts nor presents)', () => {
    const late = request({ policy: { ...policy, openedAt: now - 2_000 + 5_001 } });
    const [snapshot, actions] = readLedger(recorded(), late);
    expect(tagsOf(snapshot)).toEqual(['expired']);
    expect(snapshot.context.tokens).toBeNull();
    expect(snapshot.context.failure).toMatchObject({ tag: 'SessionExpired', reason: 'StaleSession' });
    expect(spawned(actions)).toEqual([]);
  });

  it('adopts a recorded result that serves the request, presenting nothing (refresh.adopted)', () => {
    const [snapshot, actions] = readLedger(recorded());
    expect(snapshot.value).toEqual({ authenticated: 'idle' });
    expect(snapshot.context.tokens?.refreshToken).toBe('rt-2');
    expect(snapshot.context.tokens?.accessTokens['https://api.example#']?.token).toBe('at-adopted');
    expect(snapshot.context.refresh).toBeNull();
    expect(emittedBy(actions)).toEqual(['refresh.adopted']);
    expect(spawned(actions)).toEqual([]);
  });

  it('adopts a rotated refresh token that does not serve the target, and asks to refresh again on it', () => {
    const [snapshot, actions] = readLedger(
      recorded(),
      request({ target: { resource: 'https://other.example' } }),
    );
    expect(snapshot.value).toEqual({ authenticated: 'idle' });
    expect(snapshot.context.tokens?.refreshToken).toBe('rt-2');
    expect(emittedBy(actions)).toEqual(['refresh.rotatedElsewhere']);
    expect(spawned(actions)).toEqual([]);
  });

  it('presents the refresh token when the ledger holds nothing, or a result for another target without rotation', () => {
    for (const answer of [null, recorded({ nextRefreshToken: 'rt-1' })]) {
      const [snapshot, actions] = readLedger(
        answer,
        request({ target: { resource: 'https://other.example' } }),
      );
      expect(snapshot.value).toEqual({ authenticated: { refreshing: 'granting' } });
      expect(spawned(actions).map((action) => action.src)).toEqual(['refreshTokens']);
    }
  });

  it('reaches every outcome of a refresh along a path of events (@xstate/graph)', () => {
    const events = [
      request(),
      request({ refreshToken: 'rt-0' }),
      request({ policy: { ...policy, openedAt: now + hour } }),
      done('readRefreshLedger', null),
      done('readRefreshLedger', recorded()),
      done('readRefreshLedger', recorded({ received: null, nextRefreshToken: 'rt-1' })),
      done('refreshTokens', received({ refreshToken: 'rt-3' })),
      failed('refreshTokens', rejectedRefreshToken),
      failed('refreshTokens', providerDown),
    ] as SessionEvent[];
    const outcomes = {
      adopted: (state: Snapshot) =>
        state.context.tokens?.accessTokens['https://api.example#']?.token === 'at-adopted',
      granted: (state: Snapshot) => state.context.tokens?.refreshToken === 'rt-3',
      rejected: (state: Snapshot) => state.context.failure?.reason === 'RefreshTokenRejected',
      stale: (state: Snapshot) => state.context.failure?.reason === 'StaleSession',
      transient: (state: Snapshot) => state.context.failure?.reason === 'Unavailable',
    };
    for (const [outcome, toState] of Object.entries(outcomes)) {
      const paths = getShortestPaths(sessionMachine, { events, fromState: signedIn(), toState });
      expect(paths.length, outcome).toBeGreaterThan(0);
      const [path] = paths;
      expect(
        path?.steps.some((stepOf) => stepOf.event.type === 'app.refreshRequested'),
        outcome,
      ).toBe(true);
      expect(path?.state.context.refresh ?? null, outcome).toBeNull();
    }
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
        stepThrough(
          signInRequested(transaction('s-1')),
          callbackReceived(transaction('s-1')),
          done('exchangeCode', received()),
          { type: 'app.refreshRequested', target: { resource: 'https://api.example' }, now: t0 },
          nothingRecorded,
          failed('refreshTokens', rejectedRefreshToken),
        ),
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
      target: { resource: 'https://api.example' },
      now: t0,
    });
    expect(tagsOf(snapshot)).toEqual(['authenticated', 'refreshing']);
    expect(spawned(actions).map((action) => action.src)).toEqual(['readRefreshLedger']);
  });
});

describe('reachability', () => {
  const tx = transaction('s-1');
  const events = [
    signInRequested(tx),
    callbackReceived(tx),
    { type: 'app.callbackRejected', state: 's-1' },
    { type: 'app.refreshRequested', target: { resource: 'https://api.example' }, now: t0 + minute },
    nothingRecorded,
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

  const pathOf = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([parent, child]) => `${parent}.${pathOf(child)}`)
          .join();
  const reached = new Set(
    getShortestPaths(sessionMachine, { events }).map((path) => pathOf(path.state.value)),
  );

  it.each([
    'signedOut',
    'signingIn',
    'handlingCallback',
    'authenticated.idle',
    'authenticated.refreshing.readingLedger',
    'authenticated.refreshing.granting',
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
