import { assign, emit, fromPromise, setup } from 'xstate';
import { accessTokenKey } from '../oidc/accessToken.ts';
import type {
  ExchangeCodeInput,
  ReadRefreshLedgerInput,
  RefreshTokensInput,
  RevokeTokenInput,
} from './actorInputs.ts';
import {
  adoptedTokens,
  emptyContext,
  pruneTransactions,
  type ReceivedTokens,
  type RecordedRefresh,
  type RefreshPolicy,
  type SessionContext,
  toFailure,
  tokensAfterRefresh,
  tokensFromExchange,
  withoutTransaction,
} from './context.ts';
import type { SessionEmitted, SessionEvent } from './events.ts';
import {
  canRefresh,
  coversRequest,
  isInvalidGrant,
  isSessionOver,
  isStaleCopy,
  selectAccessToken,
  sessionEnded,
  wasRejectedElsewhere,
  wasRotatedElsewhere,
} from './rules.ts';

/** An actor the runtime must bind: until then, it fails saying so. */
const unbound = (name: string) => async (): Promise<never> => {
  throw new Error(
    `The session machine's "${name}" actor is not bound: provide it with machine.provide({ actors }).`,
  );
};

/** Without a runtime's policy: refresh whenever no token is fresh, adopt what is recorded. */
const policyOf = (policy: RefreshPolicy | undefined, now: number): RefreshPolicy =>
  policy ?? { skewMs: 0, openedAt: now, adoptionGraceMs: 0 };

/**
 * The session as a state machine: `signedOut` → `signingIn` → `handlingCallback` → `authenticated`
 * (with `idle` ⇄ `refreshing`) → `signingOut` → `signedOut`, and `expired` when the session can no
 * longer be renewed. Every session rule is a guard here, over the pure functions of `rules.ts`.
 *
 * A refresh first reads what other copies of the session recorded (`readRefreshLedger`, bound by a
 * runtime that shares results between copies; by default nothing is recorded): a dead or stale copy
 * ends, a result that serves the request is adopted (`refresh.adopted`), a rotated refresh token is
 * adopted and the caller told to refresh again on it (`refresh.rotatedElsewhere`); only then is the
 * refresh token presented (`refreshTokens`). It performs no IO: the actors are bound by the runtime.
 * Query it by tag (`authenticated`, `refreshing`, `signingIn`, `expired`), never by state path.
 *
 * @example
 * ```ts
 * import { initialTransition, transition } from 'xstate';
 * const [signedOut] = initialTransition(sessionMachine);
 * const [next, actions] = transition(sessionMachine, signedOut, { type: 'app.signInRequested', transaction, now });
 * ```
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    emitted: {} as SessionEmitted,
  },
  actors: {
    exchangeCode: fromPromise<ReceivedTokens, ExchangeCodeInput>(unbound('exchangeCode')),
    refreshTokens: fromPromise<ReceivedTokens, RefreshTokensInput>(unbound('refreshTokens')),
    revokeToken: fromPromise<void, RevokeTokenInput>(unbound('revokeToken')),
    readRefreshLedger: fromPromise<RecordedRefresh | null, ReadRefreshLedgerInput>(async () => null),
  },
  guards: {
    hasTransaction: ({ context, event }) =>
      event.type === 'app.callbackReceived' &&
      Object.hasOwn(context.transactions, event.transaction.state) &&
      event.transaction.expiresAt > event.now,
    hasTokens: ({ context }) => context.tokens !== null,
    hasTransactions: ({ context }) => Object.keys(context.transactions).length > 0,
    hasRefreshToken: ({ context }) => canRefresh(context.tokens),
    isSessionOver: ({ context, event }) =>
      event.type === 'clock.tick' && isSessionOver(context.tokens, event.now),
    holdsFreshToken: ({ context, event }) =>
      event.type === 'app.refreshRequested' &&
      selectAccessToken(
        context.tokens,
        accessTokenKey(event.target.resource, event.target.organizationId),
        event.now,
        policyOf(event.policy, event.now).skewMs,
      ) !== null,
    wasRotatedWhileWaiting: ({ context, event }) =>
      event.type === 'app.refreshRequested' &&
      event.refreshToken !== undefined &&
      event.refreshToken !== context.tokens?.refreshToken,
    wasRejectedElsewhere: (_, params: { recorded: RecordedRefresh | null }) =>
      wasRejectedElsewhere(params.recorded),
    isStaleCopy: ({ context }, params: { recorded: RecordedRefresh | null }) =>
      context.refresh != null && isStaleCopy(params.recorded, context.tokens?.refreshToken, context.refresh),
    coversRequest: ({ context }, params: { recorded: RecordedRefresh | null }) =>
      context.refresh != null && coversRequest(params.recorded, context.refresh),
    wasRotatedElsewhere: ({ context }, params: { recorded: RecordedRefresh | null }) =>
      wasRotatedElsewhere(params.recorded, context.tokens?.refreshToken),
    isRefreshTokenRejected: (_, params: { error: unknown }) => isInvalidGrant(params.error),
  },
  actions: {
    addTransaction: assign({
      transactions: ({ context, event }) =>
        event.type === 'app.signInRequested'
          ? pruneTransactions(
              { ...context.transactions, [event.transaction.state]: event.transaction },
              event.now,
            )
          : context.transactions,
    }),
    pruneTransactions: assign({
      transactions: ({ context, event }) =>
        event.type === 'clock.tick'
          ? pruneTransactions(context.transactions, event.now)
          : context.transactions,
    }),
    spendTransaction: assign({
      transactions: ({ context, event }) =>
        event.type === 'app.callbackReceived'
          ? withoutTransaction(context.transactions, event.transaction.state)
          : event.type === 'app.callbackRejected'
            ? withoutTransaction(context.transactions, event.state)
            : context.transactions,
    }),
    storeSession: assign((_, params: { received: ReceivedTokens }) => ({
      tokens: tokensFromExchange(params.received),
      failure: null,
    })),
    storeRefreshedTokens: assign(({ context }, params: { received: ReceivedTokens }) => ({
      tokens: context.tokens && tokensAfterRefresh(context.tokens, params.received),
      failure: null,
    })),
    adoptTokens: assign(({ context }, params: { recorded: RecordedRefresh | null }) => ({
      tokens:
        context.tokens && params.recorded?.received
          ? tokensAfterRefresh(
              context.tokens,
              adoptedTokens({ ...params.recorded, received: params.recorded.received }),
            )
          : context.tokens,
      failure: null,
    })),
    startRefresh: assign({
      refresh: ({ event }) =>
        event.type === 'app.refreshRequested'
          ? {
              target: event.target,
              key: accessTokenKey(event.target.resource, event.target.organizationId),
              now: event.now,
              policy: policyOf(event.policy, event.now),
            }
          : null,
    }),
    endRefresh: assign({ refresh: null }),
    announceAdopted: emit({ type: 'refresh.adopted' }),
    announceRotatedElsewhere: emit({ type: 'refresh.rotatedElsewhere' }),
    recordFailure: assign((_, params: { error: unknown }) => ({ failure: toFailure(params.error) })),
    recordSessionEnded: assign((_, params: { reason: keyof typeof sessionEnded }) => ({
      failure: sessionEnded[params.reason],
    })),
    clearTokens: assign({ tokens: null }),
    clearFailure: assign({ failure: null }),
  },
}).createMachine({
  id: 'session',
  initial: 'signedOut',
  context: emptyContext,
  on: {
    'clock.tick': { actions: 'pruneTransactions' },
    'app.callbackRejected': { actions: 'spendTransaction' },
  },
  states: {
    signedOut: {
      tags: ['signedOut'],
      on: {
        'app.signInRequested': { target: 'signingIn', actions: 'addTransaction' },
        'app.callbackReceived': {
          guard: 'hasTransaction',
          target: 'handlingCallback',
          actions: 'spendTransaction',
        },
      },
    },
    signingIn: {
      tags: ['signingIn'],
      on: {
        'app.signInRequested': { actions: 'addTransaction' },
        'app.callbackReceived': {
          guard: 'hasTransaction',
          target: 'handlingCallback',
          actions: 'spendTransaction',
        },
        'app.signOutRequested': { target: 'signedOut', actions: 'clearFailure' },
      },
    },
    handlingCallback: {
      tags: ['handlingCallback'],
      invoke: {
        id: 'exchangeCode',
        src: 'exchangeCode',
        input: ({ event }) => {
          if (event.type !== 'app.callbackReceived')
            throw new Error('exchangeCode starts on a callback only');
          return { code: event.code, transaction: event.transaction };
        },
        onDone: {
          target: 'authenticated',
          actions: { type: 'storeSession', params: ({ event }) => ({ received: event.output }) },
        },
        onError: [
          {
            guard: 'hasTokens',
            target: 'authenticated',
            actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
          },
          {
            guard: 'hasTransactions',
            target: 'signingIn',
            actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
          },
          {
            target: 'signedOut',
            actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
          },
        ],
      },
    },
    authenticated: {
      tags: ['authenticated'],
      initial: 'idle',
      on: {
        'app.signInRequested': { actions: 'addTransaction' },
        'app.callbackReceived': {
          guard: 'hasTransaction',
          target: 'handlingCallback',
          actions: 'spendTransaction',
        },
        'app.signOutRequested': [
          { guard: 'hasRefreshToken', target: 'signingOut' },
          { target: 'signedOut', actions: ['clearTokens', 'clearFailure'] },
        ],
        'clock.tick': [
          {
            guard: 'isSessionOver',
            target: 'expired',
            actions: [
              'clearTokens',
              { type: 'recordSessionEnded', params: { reason: 'NoRefreshToken' } },
              'pruneTransactions',
            ],
          },
          { actions: 'pruneTransactions' },
        ],
      },
      states: {
        idle: {
          on: {
            'app.refreshRequested': [
              // Another request refreshed while this one waited for the refresh token's lock.
              { guard: 'holdsFreshToken' },
              // The stored refresh token is no longer the one the caller locked: lock the new one.
              { guard: 'wasRotatedWhileWaiting', actions: 'announceRotatedElsewhere' },
              { guard: 'hasRefreshToken', target: 'refreshing', actions: 'startRefresh' },
            ],
          },
        },
        refreshing: {
          tags: ['refreshing'],
          initial: 'readingLedger',
          exit: 'endRefresh',
          states: {
            readingLedger: {
              invoke: {
                id: 'readRefreshLedger',
                src: 'readRefreshLedger',
                input: ({ context }) => ({ refreshToken: context.tokens?.refreshToken ?? '' }),
                onDone: [
                  {
                    guard: {
                      type: 'wasRejectedElsewhere',
                      params: ({ event }) => ({ recorded: event.output }),
                    },
                    target: '#session.expired',
                    actions: [
                      'clearTokens',
                      { type: 'recordSessionEnded', params: { reason: 'RefreshTokenRejected' } },
                    ],
                  },
                  {
                    guard: { type: 'isStaleCopy', params: ({ event }) => ({ recorded: event.output }) },
                    target: '#session.expired',
                    actions: [
                      'clearTokens',
                      { type: 'recordSessionEnded', params: { reason: 'StaleSession' } },
                    ],
                  },
                  {
                    guard: { type: 'coversRequest', params: ({ event }) => ({ recorded: event.output }) },
                    target: '#session.authenticated.idle',
                    actions: [
                      { type: 'adoptTokens', params: ({ event }) => ({ recorded: event.output }) },
                      'announceAdopted',
                    ],
                  },
                  {
                    guard: {
                      type: 'wasRotatedElsewhere',
                      params: ({ event }) => ({ recorded: event.output }),
                    },
                    target: '#session.authenticated.idle',
                    actions: [
                      { type: 'adoptTokens', params: ({ event }) => ({ recorded: event.output }) },
                      'announceRotatedElsewhere',
                    ],
                  },
                  { target: 'granting' },
                ],
                onError: {
                  target: '#session.authenticated.idle',
                  actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
                },
              },
            },
            granting: {
              invoke: {
                id: 'refreshTokens',
                src: 'refreshTokens',
                input: ({ context }) => {
                  if (!context.tokens || !context.refresh) {
                    throw new Error('refreshTokens starts on a refresh request in a session only');
                  }
                  return { tokens: context.tokens, target: context.refresh.target };
                },
                onDone: {
                  target: '#session.authenticated.idle',
                  actions: {
                    type: 'storeRefreshedTokens',
                    params: ({ event }) => ({ received: event.output }),
                  },
                },
                onError: [
                  {
                    guard: {
                      type: 'isRefreshTokenRejected',
                      params: ({ event }) => ({ error: event.error }),
                    },
                    target: '#session.expired',
                    actions: [
                      'clearTokens',
                      { type: 'recordSessionEnded', params: { reason: 'RefreshTokenRejected' } },
                    ],
                  },
                  {
                    target: '#session.authenticated.idle',
                    actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
                  },
                ],
              },
            },
          },
        },
      },
    },
    signingOut: {
      tags: ['signingOut'],
      invoke: {
        id: 'revokeToken',
        src: 'revokeToken',
        input: ({ context }) => ({ refreshToken: context.tokens?.refreshToken ?? '' }),
        // Revocation is best effort (RFC 7009 §2.2): the local session ends whatever the answer.
        onDone: { target: 'signedOut', actions: ['clearTokens', 'clearFailure'] },
        onError: { target: 'signedOut', actions: ['clearTokens', 'clearFailure'] },
      },
    },
    expired: {
      tags: ['expired'],
      on: {
        'app.signInRequested': { target: 'signingIn', actions: 'addTransaction' },
        'app.callbackReceived': {
          guard: 'hasTransaction',
          target: 'handlingCallback',
          actions: 'spendTransaction',
        },
        'app.signOutRequested': { target: 'signedOut', actions: 'clearFailure' },
      },
    },
  },
});

/** The session machine's type. */
export type SessionMachine = typeof sessionMachine;
