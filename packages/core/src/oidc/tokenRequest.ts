import * as Effect from 'effect/Effect';
import { TokenRequestError } from '../errors.ts';
import { formPost } from './clientAuth.ts';
import type { NormalizedConfig } from './config.ts';
import type { ProviderMetadata } from './discovery.ts';
import { type JsonObject, optionalString, readJsonObject } from './json.ts';
import type { SignInTransaction } from './signIn.ts';

/** A successful token response (RFC 6749 §5.1), field names as on the wire. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in?: number | undefined;
  readonly refresh_token?: string | undefined;
  readonly id_token?: string | undefined;
  readonly scope?: string | undefined;
}

/** What a refresh grant asks for: the default token, an API resource, an organization, or both. */
export interface TokenTarget {
  readonly resource?: string | undefined;
  readonly organizationId?: string | undefined;
}

/** The authorization-code grant request (RFC 6749 §4.1.3, with the PKCE verifier of RFC 7636 §4.5). */
export const authorizationCodeGrantRequest = (
  metadata: ProviderMetadata,
  config: NormalizedConfig,
  code: string,
  transaction: SignInTransaction,
): Request =>
  formPost(
    metadata.token_endpoint,
    config,
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: transaction.redirectUri,
      code_verifier: transaction.codeVerifier,
    }),
  );

/**
 * The refresh-token grant request (RFC 6749 §6), with Logto's `resource` (RFC 8707) and
 * `organization_id` for API and organization tokens.
 */
export const refreshTokenGrantRequest = (
  metadata: ProviderMetadata,
  config: NormalizedConfig,
  refreshToken: string,
  target: TokenTarget,
): Request => {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  if (target.resource) body.set('resource', target.resource);
  if (target.organizationId) body.set('organization_id', target.organizationId);
  return formPost(metadata.token_endpoint, config, body);
};

const invalidResponse = (message: string, status?: number) =>
  new TokenRequestError({ reason: 'InvalidResponse', message, status });

/** Turns an error answer into a {@link TokenRequestError}: `Unavailable` for 5xx, `Rejected` for OAuth errors. */
export const processErrorResponse = (
  response: Response,
  endpoint: string,
): Effect.Effect<never, TokenRequestError> =>
  Effect.gen(function* () {
    if (response.status >= 500 || response.status === 429) {
      return yield* new TokenRequestError({
        reason: 'Unavailable',
        status: response.status,
        message: `The provider's ${endpoint} endpoint answered ${response.status}; nothing was changed, try again later.`,
      });
    }
    const body = yield* readJsonObject(response).pipe(Effect.orElseSucceed((): JsonObject => ({})));
    const error = optionalString(body.error);
    if (!error) {
      return yield* invalidResponse(
        `The provider's ${endpoint} endpoint answered ${response.status} without an OAuth error.`,
        response.status,
      );
    }
    const errorDescription = optionalString(body.error_description);
    return yield* new TokenRequestError({
      reason: 'Rejected',
      status: response.status,
      error,
      errorDescription,
      message: `The provider rejected the ${endpoint} request: ${error}${errorDescription ? ` (${errorDescription})` : ''}.`,
    });
  });

/** Validates a token response (RFC 6749 §5.1): a Bearer `access_token` and well-typed optional fields. */
export const processTokenResponse = (response: Response): Effect.Effect<TokenResponse, TokenRequestError> =>
  Effect.gen(function* () {
    if (response.status !== 200) return yield* processErrorResponse(response, 'token');
    const body = yield* readJsonObject(response).pipe(
      Effect.mapError(() => invalidResponse('The token response is not a JSON object.', 200)),
    );
    const accessToken = optionalString(body.access_token);
    if (!accessToken) return yield* invalidResponse('The token response has no access_token.');
    // RFC 6749 §5.1: token_type is case-insensitive.
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
      return yield* invalidResponse('The token response is not a Bearer token; only Bearer is supported.');
    }
    const expiresIn = body.expires_in;
    if (
      expiresIn !== undefined &&
      (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0)
    ) {
      return yield* invalidResponse('The token response has an invalid expires_in.');
    }
    for (const field of ['refresh_token', 'id_token', 'scope'] as const) {
      if (body[field] !== undefined && typeof body[field] !== 'string') {
        return yield* invalidResponse(`The token response has an invalid ${field}.`);
      }
    }
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      refresh_token: optionalString(body.refresh_token),
      id_token: optionalString(body.id_token),
      scope: typeof body.scope === 'string' ? body.scope : undefined,
    };
  });
