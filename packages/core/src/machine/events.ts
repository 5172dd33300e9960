import type { SignInTransaction } from '../oidc/signIn.ts';
import type { TokenTarget } from '../oidc/tokenRequest.ts';
import type { RefreshPolicy } from './context.ts';

/**
 * Everything that can happen to a session, named `<source>.<fact>`. Time arrives as `now`
 * (ms since the epoch); randomness arrives inside the transaction.
 */
export type SessionEvent =
  /** The app started a sign-in; the runtime made the transaction (state, nonce, PKCE verifier). */
  | { readonly type: 'app.signInRequested'; readonly transaction: SignInTransaction; readonly now: number }
  /** A callback passed its checks; its code is to be exchanged within its pending transaction. */
  | {
      readonly type: 'app.callbackReceived';
      readonly transaction: SignInTransaction;
      readonly code: string;
      readonly now: number;
    }
  /** A callback for a pending transaction was rejected (provider error, `iss` mismatch): the transaction is spent. */
  | { readonly type: 'app.callbackRejected'; readonly state: string }
  /**
   * A caller needs an access token for `target`. A runtime that serialises refreshes (one at a time per
   * refresh token) sends `refreshToken`, the token it holds the lock for, and `policy`; without them the
   * machine refreshes whenever no fresh token is cached (skew 0).
   */
  | {
      readonly type: 'app.refreshRequested';
      readonly target: TokenTarget;
      readonly now: number;
      readonly refreshToken?: string | undefined;
      readonly policy?: RefreshPolicy | undefined;
    }
  /** The app signs the user out. */
  | { readonly type: 'app.signOutRequested' }
  /** Time has passed; expired transactions are dropped and a session that cannot be renewed ends. */
  | { readonly type: 'clock.tick'; readonly now: number };

/**
 * What the machine tells its runtime (XState `emit`), beside its next snapshot: the refresh outcomes a
 * runtime acts on.
 */
export type SessionEmitted =
  /** The refresh was served by a result another copy of the session recorded; nothing was presented. */
  | { readonly type: 'refresh.adopted' }
  /**
   * The refresh token changed under the caller (another writer stored a rotated one while it waited, or
   * it was just adopted without a token for the target): refresh again, serialised on the new token.
   */
  | { readonly type: 'refresh.rotatedElsewhere' };
