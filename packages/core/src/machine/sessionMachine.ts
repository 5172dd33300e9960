import { assign, fromPromise, setup } from 'xstate';
import type { SignInTransaction } from '../oidc/signIn.ts';
import type { TokenTarget } from '../oidc/tokenRequest.ts';
import {
  emptyContext,
  isInvalidGrant,
  isSessionOver,
  pruneTransactions,
  type ReceivedTokens,
  type SessionContext,
  type SessionTokens,
  toFailure,
  tokensAfterRefresh,
  tokensFromExchange,
  withoutTransaction,
} from './context.ts';
import type { SessionEvent } from './events.ts';

/** Input of the `exchangeCode` actor: the authorization code and the transaction it belongs to. */
export interface ExchangeCodeInput {
  readonly code: string;
  readonly transaction: SignInTransaction;
}

/** Input of the `refreshTokens` actor. */
export interface RefreshTokensInput {
  readonly tokens: SessionTokens;
  readonly target: TokenTarget;
}

/** Input of the `revokeToken` actor. */
export interface RevokeTokenInput {
  readonly refreshToken: string;
}

const unbound = (name: string) =>
  fromPromise<never, unknown>(async () => {
    throw new Error(
      `The session machine's "${name}" actor is not bound: provide it with machine.provide({ actors }).`,
    );
  });

/**
 * The session as a state machine: `signedOut` → `signingIn` → `handlingCallback` → `authenticated`
 * (with `idle` ⇄ `refreshing`) → `signingOut` → `signedOut`, and `expired` when the provider rejects the
 * refresh token. It performs no IO: the actors `exchangeCode`, `refreshTokens` and `revokeToken` are
 * bound by the runtime. Query it by tag (`authenticated`, `refreshing`, `signingIn`, `expired`),
 * never by state path.
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
  },
  actors: {
    exchangeCode: unbound('exchangeCode') as unknown as ReturnType<
      typeof fromPromise<ReceivedTokens, ExchangeCodeInput>
    >,
    refreshTokens: unbound('refreshTokens') as unknown as ReturnType<
      typeof fromPromise<ReceivedTokens, RefreshTokensInput>
    >,
    revokeToken: unbound('revokeToken') as unknown as ReturnType<typeof fromPromise<void, RevokeTokenInput>>,
  },
  guards: {
    hasTransaction: ({ context, event }) =>
      event.type === 'app.callbackReceived' &&
      Object.hasOwn(context.transactions, event.transaction.state) &&
      event.transaction.expiresAt > event.now,
    hasTokens: ({ context }) => context.tokens !== null,
    hasTransactions: ({ context }) => Object.keys(context.transactions).length > 0,
    hasRefreshToken: ({ context }) => context.tokens?.refreshToken !== undefined,
    isSessionOver: ({ context, event }) =>
      event.type === 'clock.tick' && isSessionOver(context.tokens, event.now),
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
    recordFailure: assign((_, params: { error: unknown }) => ({ failure: toFailure(params.error) })),
    clearTokens: assign({ tokens: null }),
    recordSessionOver: assign({
      failure: {
        tag: 'SessionExpired',
        reason: 'NoRefreshToken',
        message: 'The ID token expired and there is no refresh token to renew it; sign in again.',
      },
    }),
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
            actions: ['clearTokens', 'recordSessionOver', 'pruneTransactions'],
          },
          { actions: 'pruneTransactions' },
        ],
      },
      states: {
        idle: {
          on: {
            'app.refreshRequested': { guard: 'hasRefreshToken', target: 'refreshing' },
            'app.tokensAdopted': {
              actions: {
                type: 'storeRefreshedTokens',
                params: ({ event }) => ({ received: event.received }),
              },
            },
          },
        },
        refreshing: {
          tags: ['refreshing'],
          invoke: {
            id: 'refreshTokens',
            src: 'refreshTokens',
            input: ({ context, event }) => {
              if (event.type !== 'app.refreshRequested' || !context.tokens) {
                throw new Error('refreshTokens starts on a refresh request in a session only');
              }
              return { tokens: context.tokens, target: event.target };
            },
            onDone: {
              target: 'idle',
              actions: { type: 'storeRefreshedTokens', params: ({ event }) => ({ received: event.output }) },
            },
            onError: [
              {
                guard: { type: 'isRefreshTokenRejected', params: ({ event }) => ({ error: event.error }) },
                target: '#session.expired',
                actions: [
                  'clearTokens',
                  {
                    type: 'recordFailure',
                    params: () => ({
                      error: {
                        _tag: 'SessionExpired',
                        reason: 'RefreshTokenRejected',
                        message:
                          'The provider rejected the refresh token (expired, revoked or reused); sign in again.',
                      },
                    }),
                  },
                ],
              },
              {
                target: 'idle',
                actions: { type: 'recordFailure', params: ({ event }) => ({ error: event.error }) },
              },
            ],
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
