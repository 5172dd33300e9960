import type { SignInTransaction } from '../oidc/signIn.ts';
import type { TokenTarget } from '../oidc/tokenRequest.ts';
import type { ReceivedTokens } from './context.ts';

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
  /** A caller needs an access token the session does not hold; `target` names resource and organization. */
  | { readonly type: 'app.refreshRequested'; readonly target: TokenTarget; readonly now: number }
  /** Another copy of this session (another request's cookie) already refreshed: take its result. */
  | { readonly type: 'app.tokensAdopted'; readonly received: ReceivedTokens }
  /** The app signs the user out. */
  | { readonly type: 'app.signOutRequested' }
  /** Time has passed; expired transactions are dropped and a session that cannot be renewed ends. */
  | { readonly type: 'clock.tick'; readonly now: number };
