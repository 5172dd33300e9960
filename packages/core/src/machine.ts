/**
 * `@logto-machine/core/machine`: the session as an XState v5 machine, {@link sessionMachine}, for a
 * runtime of your own (a queue worker, a test) that steps it with XState's `transition()` and
 * executes the actors it asks for. `LogtoClient` and `LogtoServer` already run it; most apps never
 * import this entry.
 *
 * It is an entry of its own because its declarations are XState's: `sessionMachine`'s type is built
 * from `xstate`'s types, so importing this entry type-checks `xstate`'s declaration files too. Those
 * do not compile under `exactOptionalPropertyTypes` with `skipLibCheck: false`; a project with both
 * that imports this entry needs `skipLibCheck: true`. The main entry `@logto-machine/core` names no
 * XState type and type-checks under any strict settings.
 *
 * @example
 * ```ts
 * import { sessionMachine } from '@logto-machine/core/machine';
 * import { initialTransition, transition } from 'xstate';
 *
 * const [signedOut] = initialTransition(sessionMachine);
 * const [signingIn, actions] = transition(sessionMachine, signedOut, { type: 'app.signInRequested', transaction, now });
 * ```
 * @module
 */

export type {
  ExchangeCodeInput,
  ReadRefreshLedgerInput,
  RefreshTokensInput,
  RevokeTokenInput,
} from './machine/actorInputs.ts';
// The machine's own vocabulary (also exported by `@logto-machine/core`), so a runtime imports nothing else.
export type {
  AccessTokenEntry,
  ReceivedTokens,
  RecordedRefresh,
  RefreshPolicy,
  RefreshRequest,
  SessionContext,
  SessionFailure,
  SessionTokens,
} from './machine/context.ts';
export type { SessionEmitted, SessionEvent } from './machine/events.ts';
export { type SessionMachine, sessionMachine } from './machine/sessionMachine.ts';
