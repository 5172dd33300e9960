/**
 * The inputs of the actors the session machine invokes, which a runtime binds to its IO. Kept apart
 * from `sessionMachine.ts` so that naming them never pulls in the machine's XState types (the main
 * entry exports them; only `@logto-machine/core/machine` exports the machine).
 *
 * @module
 */
import type { SignInTransaction } from '../oidc/signIn.ts';
import type { TokenTarget } from '../oidc/tokenRequest.ts';
import type { SessionTokens } from './context.ts';

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

/** Input of the `readRefreshLedger` actor: the refresh token about to be presented. */
export interface ReadRefreshLedgerInput {
  readonly refreshToken: string;
}
