import { CallbackError } from '../errors.ts';
import type { ProviderMetadata } from './discovery.ts';
import type { SignInTransaction } from './signIn.ts';

/** A callback that passed every check: the code to exchange and the transaction it belongs to. */
export interface ValidatedCallback {
  readonly code: string;
  readonly transaction: SignInTransaction;
}

const fail = (reason: CallbackError['reason'], message: string, extra: Partial<CallbackError> = {}) =>
  new CallbackError({ reason, message, ...extra });

const sameEndpoint = (a: URL, b: URL) => a.origin === b.origin && a.pathname === b.pathname;

/**
 * Checks an authorization response (OpenID Connect Core §3.1.2.5–7, RFC 9207) against the pending
 * transactions: a known, unexpired `state`; the URL at the transaction's exact `redirect_uri`
 * (origin and path — not a prefix test); the provider's `error`; `iss` when present, or when discovery
 * says the provider always sends it; a `code`.
 */
export const validateCallback = (
  callbackUrl: string,
  transactions: Readonly<Record<string, SignInTransaction>>,
  metadata: ProviderMetadata,
  now: number,
): ValidatedCallback | CallbackError => {
  if (typeof callbackUrl !== 'string' || !URL.canParse(callbackUrl)) {
    return fail(
      'InvalidUrl',
      'The callback URL is not an absolute URL; pass the full URL the provider redirected to.',
    );
  }
  const url = new URL(callbackUrl);
  const params = url.searchParams;
  const state = params.get('state');
  if (!state) {
    return fail('MissingState', 'The callback has no state parameter; start the sign-in again.');
  }
  const transaction = Object.hasOwn(transactions, state) ? transactions[state] : undefined;
  if (!transaction || transaction.expiresAt <= now) {
    return fail(
      'UnknownState',
      'No pending sign-in matches this callback (already used, expired, or started in another browser or on another host such as localhost vs 127.0.0.1); start the sign-in again.',
    );
  }
  if (!sameEndpoint(url, new URL(transaction.redirectUri))) {
    return fail(
      'RedirectUriMismatch',
      `The callback arrived at ${url.origin}${url.pathname}, not at the redirect URI the sign-in used; handle the callback on that exact URL.`,
    );
  }
  const iss = params.get('iss');
  if (iss === null && metadata.authorization_response_iss_parameter_supported) {
    return fail(
      'MissingIssuer',
      'The callback has no iss parameter although the provider always sends one (RFC 9207); start the sign-in again.',
    );
  }
  if (iss !== null && iss !== metadata.issuer) {
    return fail(
      'IssuerMismatch',
      'The callback came from another issuer than the configured one (RFC 9207 mix-up defence); start the sign-in again.',
    );
  }
  const error = params.get('error');
  if (error) {
    const errorDescription = params.get('error_description') ?? undefined;
    return fail(
      'ProviderError',
      `The provider ended the sign-in with "${error}"${errorDescription ? `: ${errorDescription}` : ''}.`,
      { error, errorDescription },
    );
  }
  const code = params.get('code');
  if (!code) {
    return fail('MissingCode', 'The callback has no authorization code; start the sign-in again.');
  }
  return { code, transaction };
};
