/**
 * The IO the session machine names, bound to the ports: discovery, the JWKS, the code exchange, the
 * refresh ledger, the refresh grant and revocation.
 *
 * @module
 */
import * as Effect from 'effect/Effect';
import { DiscoveryError, type HttpError, IdTokenError, TokenRequestError } from '../errors.ts';
import type {
  ExchangeCodeInput,
  ReadRefreshLedgerInput,
  RefreshTokensInput,
  RevokeTokenInput,
} from '../machine/actorInputs.ts';
import type { ReceivedTokens } from '../machine/context.ts';
import { isInvalidGrant } from '../machine/rules.ts';
import { accessTokenKey, decodeAccessTokenClaims } from '../oidc/accessToken.ts';
import { encodeBase64Url } from '../oidc/base64url.ts';
import type { IdTokenClaims } from '../oidc/claims.ts';
import { discoveryRequest, type ProviderMetadata, processDiscoveryResponse } from '../oidc/discovery.ts';
import { allowedAlgorithms, decodeJwt, type KeySource, verifyIdToken } from '../oidc/idToken.ts';
import { jwksRequest, processJwksResponse } from '../oidc/jwks.ts';
import { revocationRequest } from '../oidc/signOut.ts';
import {
  authorizationCodeGrantRequest,
  processTokenResponse,
  refreshTokenGrantRequest,
  type TokenResponse,
  type TokenTarget,
} from '../oidc/tokenRequest.ts';
import { Clock } from '../ports/Clock.ts';
import { Crypto } from '../ports/Crypto.ts';
import { Http } from '../ports/Http.ts';
import { ClientSettings } from './ClientSettings.ts';

/** Idempotent GETs (discovery, JWKS, userinfo) are retried twice on transient failures, after 150 then 600 ms. */
export const retryTransient = <A, E>(effect: Effect.Effect<A, E>, isTransient: (error: E) => boolean) => {
  // Spelt out rather than `Effect.retry` with a `Schedule`: the same three attempts, without bundling
  // the schedule and duration machinery into every edge app.
  const attempt = (retriesLeft: number, delayMs: number): Effect.Effect<A, E> =>
    Effect.catch(effect, (error) =>
      retriesLeft > 0 && isTransient(error)
        ? Effect.flatMap(Effect.sleep(delayMs), () => attempt(retriesLeft - 1, delayMs * 4))
        : Effect.fail(error),
    );
  return attempt(2, 150);
};

const isUnavailable = (error: { reason: string }) =>
  error.reason === 'Unavailable' || error.reason === 'Network' || error.reason === 'Timeout';

/** The provider's metadata, from the process-wide cache. */
export const discover = Effect.gen(function* () {
  const { config, cache } = yield* ClientSettings;
  const http = yield* Http;
  const clock = yield* Clock;
  const load = http.fetch(discoveryRequest(config.issuer)).pipe(
    Effect.mapError((error) => new DiscoveryError({ reason: 'Unavailable', message: error.message })),
    Effect.flatMap((response) => processDiscoveryResponse(response, config.issuer)),
  );
  return yield* cache.discovery(config.issuer, clock.now(), retryTransient(load, isUnavailable));
});

/** The provider keys for verifying its JWTs: the cached JWKS, and one re-fetch for an unknown `kid`. */
export const keySourceFor = (metadata: ProviderMetadata) =>
  Effect.gen(function* () {
    const { cache } = yield* ClientSettings;
    const http = yield* Http;
    const clock = yield* Clock;
    const load = retryTransient(
      http.fetch(jwksRequest(metadata.jwks_uri)).pipe(
        Effect.mapError((error) => new IdTokenError({ reason: 'KeysUnavailable', message: error.message })),
        Effect.flatMap(processJwksResponse),
      ),
      () => true,
    );
    return {
      current: Effect.suspend(() => cache.jwks(metadata.jwks_uri, clock.now(), load)),
      refetch: Effect.suspend(() => cache.refetchJwks(metadata.jwks_uri, clock.now(), load)),
    } satisfies KeySource;
  });

/** A transport failure at the token endpoint: nothing is known to have changed. */
const tokenEndpointUnavailable = (error: HttpError) =>
  new TokenRequestError({
    reason: 'Unavailable',
    message: `${error.message} Nothing was changed; try again later.`,
  });

const postToTokenEndpoint = (request: Request) =>
  Effect.gen(function* () {
    const http = yield* Http;
    // Token requests are never retried: a refresh that reached the provider may have rotated the token.
    const response = yield* http.fetch(request).pipe(Effect.mapError(tokenEndpointUnavailable));
    return yield* processTokenResponse(response);
  });

/** Fallback lifetime when a token response has no `expires_in` and the token is opaque. */
const defaultAccessTokenLifetimeMs = 300_000;

const accessTokenExpiry = (tokens: TokenResponse, requestedAt: number) => {
  if (tokens.expires_in !== undefined) return requestedAt + tokens.expires_in * 1000;
  const exp = decodeAccessTokenClaims(tokens.access_token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : requestedAt + defaultAccessTokenLifetimeMs;
};

const verifyReceivedIdToken = (
  idToken: string,
  metadata: ProviderMetadata,
  expected: { nonce?: string | undefined; previous?: IdTokenClaims | undefined },
) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    return yield* verifyIdToken(idToken, yield* keySourceFor(metadata), {
      issuer: settings.config.issuer,
      clientId: settings.config.appId,
      algorithms: allowedAlgorithms(metadata.id_token_signing_alg_values_supported),
      now: Math.floor(clock.now() / 1000),
      clockTolerance: settings.clockToleranceSeconds,
      ...expected,
    });
  });

const received = (
  tokens: TokenResponse,
  requestedAt: number,
  target: TokenTarget,
  claims: IdTokenClaims | undefined,
): ReceivedTokens => ({
  requestedAt,
  idToken: claims ? tokens.id_token : undefined,
  idTokenExpiresAt: claims ? claims.exp * 1000 : undefined,
  refreshToken: tokens.refresh_token,
  accessTokenKey: accessTokenKey(target.resource, target.organizationId),
  accessToken: {
    token: tokens.access_token,
    scope: tokens.scope ?? '',
    expiresAt: accessTokenExpiry(tokens, requestedAt),
    receivedAt: requestedAt,
  },
});

/** `exchangeCode`: the authorization-code grant, and the ID token checked with the transaction's nonce. */
export const exchangeCode = ({ code, transaction }: ExchangeCodeInput) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    const metadata = yield* discover;
    const requestedAt = clock.now();
    const tokens = yield* postToTokenEndpoint(
      authorizationCodeGrantRequest(metadata, settings.config, code, transaction),
    );
    if (!tokens.id_token) {
      return yield* new TokenRequestError({
        reason: 'InvalidResponse',
        message: 'The token response has no id_token; the openid scope must be granted.',
      });
    }
    const claims = yield* verifyReceivedIdToken(tokens.id_token, metadata, { nonce: transaction.nonce });
    return received(tokens, requestedAt, {}, claims);
  });

/** The lock and ledger key of a refresh token: its SHA-256, so no store ever sees the token itself. */
export const refreshTokenKey = (refreshToken: string) =>
  Effect.gen(function* () {
    const crypto = yield* Crypto;
    return encodeBase64Url(yield* crypto.sha256(new TextEncoder().encode(refreshToken)));
  });

const grant = (refreshToken: string, target: TokenTarget, previousIdToken: string) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    const metadata = yield* discover;
    const requestedAt = clock.now();
    const tokens = yield* postToTokenEndpoint(
      refreshTokenGrantRequest(metadata, settings.config, refreshToken, target),
    );
    let claims: IdTokenClaims | undefined;
    if (tokens.id_token) {
      const previous = decodeJwt(previousIdToken);
      const previousClaims = 'payload' in previous ? (previous.payload as IdTokenClaims) : undefined;
      claims = yield* verifyReceivedIdToken(tokens.id_token, metadata, {
        previous: previousClaims,
        nonce: previousClaims?.nonce,
      });
    }
    return received(tokens, requestedAt, target, claims);
  });

/**
 * `readRefreshLedger`: what another copy of the session got for `refreshToken`, if it was presented
 * lately (the caller holds the token's lock, so no grant for it is in flight).
 */
export const readRefreshLedger = ({ refreshToken }: ReadRefreshLedgerInput) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    return settings.ledger.get(yield* refreshTokenKey(refreshToken), clock.now()) ?? null;
  });

/**
 * Presents `refreshToken` once and records the result in the ledger, so every other copy of the
 * session adopts it instead of presenting the token again. The caller holds the token's lock.
 */
const presentRefreshToken = (refreshToken: string, target: TokenTarget, previousIdToken: string) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    const key = yield* refreshTokenKey(refreshToken);
    const result = yield* grant(refreshToken, target, previousIdToken).pipe(
      Effect.tapError((error) =>
        Effect.sync(() => {
          if (isInvalidGrant(error)) settings.ledger.record(key, null, refreshToken, clock.now());
        }),
      ),
    );
    settings.ledger.record(key, result, result.refreshToken ?? refreshToken, clock.now());
    return result;
  });

/** `refreshTokens`: one refresh grant for `target`, single-flight per refresh token. */
export const refreshTokens = ({ tokens, target }: RefreshTokensInput) =>
  tokens.refreshToken === undefined
    ? Effect.fail(
        new TokenRequestError({ reason: 'InvalidResponse', message: 'The session has no refresh token.' }),
      )
    : presentRefreshToken(tokens.refreshToken, target, tokens.idToken);

/** `revokeToken`: best-effort revocation of the refresh token (RFC 7009); failures are ignored. */
export const revokeToken = ({ refreshToken }: RevokeTokenInput) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const http = yield* Http;
    const metadata = yield* discover;
    const request = revocationRequest(metadata, settings.config, refreshToken);
    if (request) yield* http.fetch(request);
  }).pipe(Effect.ignore);
