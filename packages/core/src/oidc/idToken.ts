import * as Effect from 'effect/Effect';
import type { JSONWebKeySet } from 'jose';
// jose's subpaths, not its index: the index also loads JWE decryption, whose CompressionStream makes
// Next's Edge build warn of "A Node.js API" in every app whose middleware signs users in.
import * as joseErrors from 'jose/errors';
import { createLocalJWKSet } from 'jose/jwks/local';
import { compactVerify } from 'jose/jws/compact/verify';
import { IdTokenError } from '../errors.ts';
import { decodeJsonSegment } from './base64url.ts';
import type { IdTokenClaims } from './claims.ts';

/** Asymmetric JWS algorithms the SDK accepts; `none` and HMAC are never accepted (the JWKS is public). */
export const supportedAlgorithms: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** The algorithms to accept: the provider's advertised ones that are asymmetric, or all asymmetric ones. */
export const allowedAlgorithms = (advertised: readonly string[] | undefined): readonly string[] => {
  const allowed = advertised?.filter((alg) => supportedAlgorithms.includes(alg)) ?? [];
  return allowed.length > 0 ? allowed : supportedAlgorithms;
};

/** Where verification gets the provider's keys: the cached JWKS, and a re-fetch for an unknown `kid`. */
export interface KeySource {
  readonly current: Effect.Effect<JSONWebKeySet, IdTokenError>;
  /** Re-fetches the JWKS (at most once per cooldown); `null` when the cooldown forbids it. */
  readonly refetch: Effect.Effect<JSONWebKeySet | null, IdTokenError>;
}

/** What an ID token must satisfy. Times are seconds since the epoch. */
export interface IdTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  readonly algorithms: readonly string[];
  readonly now: number;
  /** Allowed clock difference in seconds (default 60). */
  readonly clockTolerance: number;
  /** The transaction's nonce (sign-in), or the original ID token's nonce (refresh). */
  readonly nonce?: string | undefined;
  /** On refresh: the claims of the ID token being replaced (OpenID Connect Core §12.2). */
  readonly previous?: IdTokenClaims | undefined;
}

const reject = (reason: IdTokenError['reason'], message: string) =>
  new IdTokenError({ reason, message: `The ID token was rejected: ${message}` });

/** Decodes a compact JWT's header and payload without verifying anything. */
export const decodeJwt = (
  jwt: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | IdTokenError => {
  const parts = typeof jwt === 'string' ? jwt.split('.') : [];
  const header = parts.length === 3 ? decodeJsonSegment(parts[0]!) : null;
  const payload = parts.length === 3 ? decodeJsonSegment(parts[1]!) : null;
  return header && payload
    ? { header, payload }
    : reject('Malformed', 'it is not a compact JWS with JSON header and payload.');
};

export const checkAlgorithm = (header: Record<string, unknown>, algorithms: readonly string[]) =>
  typeof header.alg === 'string' && algorithms.includes(header.alg)
    ? undefined
    : reject(
        'UnsupportedAlgorithm',
        `alg ${JSON.stringify(header.alg)} is not one of ${algorithms.join(', ')}.`,
      );

export const checkIssuer = (claims: Record<string, unknown>, issuer: string) =>
  claims.iss === issuer ? undefined : reject('InvalidIssuer', `iss is not the configured issuer ${issuer}.`);

export const checkAudience = (claims: Record<string, unknown>, clientId: string) => {
  const { aud } = claims;
  const ok = aud === clientId || (Array.isArray(aud) && aud.includes(clientId));
  return ok ? undefined : reject('InvalidAudience', 'aud does not contain this application id.');
};

/** OpenID Connect Core §3.1.3.7 steps 4–5: several audiences need `azp`, and `azp` must be us. */
export const checkAuthorizedParty = (claims: Record<string, unknown>, clientId: string) => {
  const several = Array.isArray(claims.aud) && claims.aud.length > 1;
  if (several && claims.azp === undefined)
    return reject('InvalidAuthorizedParty', 'aud has several values and no azp.');
  if (claims.azp !== undefined && claims.azp !== clientId) {
    return reject('InvalidAuthorizedParty', 'azp is not this application id.');
  }
  return undefined;
};

export const checkExpiry = (claims: Record<string, unknown>, now: number, tolerance: number) => {
  if (typeof claims.exp !== 'number') return reject('MissingExpiry', 'exp is missing.');
  return claims.exp + tolerance > now
    ? undefined
    : reject('Expired', 'exp has passed; check the server clock.');
};

export const checkIssuedAt = (claims: Record<string, unknown>, now: number, tolerance: number) => {
  if (typeof claims.iat !== 'number') return reject('MissingIssuedAt', 'iat is missing.');
  return claims.iat - tolerance <= now
    ? undefined
    : reject('IssuedInFuture', 'iat is in the future; check this server clock.');
};

export const checkSubject = (claims: Record<string, unknown>) =>
  typeof claims.sub === 'string' && claims.sub !== ''
    ? undefined
    : reject('MissingSubject', 'sub is missing.');

export const checkNonce = (
  claims: Record<string, unknown>,
  nonce: string | undefined,
  refreshing: boolean,
) => {
  // §12.2: a refreshed ID token should carry no nonce; if it does, it must be the original one.
  if (refreshing && claims.nonce === undefined) return undefined;
  return claims.nonce === nonce
    ? undefined
    : reject('NonceMismatch', 'nonce does not match the sign-in request.');
};

const sameAudience = (a: unknown, b: unknown) => {
  const [left, right] = [[a].flat(), [b].flat()];
  return left.length === right.length && left.every((audience) => right.includes(audience));
};

/**
 * OpenID Connect Core §12.2: a refreshed ID token keeps `iss`, `sub` and `aud`, and has the `azp` of
 * the original — none if the original had none.
 */
export const checkSameSession = (claims: Record<string, unknown>, previous: IdTokenClaims | undefined) => {
  if (!previous) return undefined;
  if (claims.iss !== previous.iss) return reject('IssuerChanged', 'the refreshed ID token has another iss.');
  if (claims.sub !== previous.sub)
    return reject('SubjectChanged', 'the refreshed ID token is for another user.');
  if (!sameAudience(claims.aud, previous.aud))
    return reject('InvalidAudience', 'the refreshed ID token has another aud.');
  if (claims.azp !== previous.azp)
    return reject('InvalidAuthorizedParty', 'the refreshed ID token has another azp than the original.');
  return undefined;
};

/**
 * Verifies the signature. Without a `kid`, several keys may fit the header: each is tried in turn
 * (the conformance case `kid-absent-multiple-jwks`), and the first that verifies wins.
 */
const verifySignature = (jwt: string, keys: JSONWebKeySet, algorithms: readonly string[]) =>
  Effect.tryPromise({
    try: async () => {
      const options = { algorithms: [...algorithms] };
      try {
        return await compactVerify(jwt, createLocalJWKSet(keys), options);
      } catch (error) {
        if (!(error instanceof joseErrors.JWKSMultipleMatchingKeys)) throw error;
        for await (const candidate of error as unknown as AsyncIterable<CryptoKey>) {
          try {
            return await compactVerify(jwt, candidate, options);
          } catch {}
        }
        throw error;
      }
    },
    catch: (error) =>
      error instanceof joseErrors.JWKSNoMatchingKey
        ? ('no-key' as const)
        : reject('InvalidSignature', 'the signature does not verify with the provider keys.'),
  });

/**
 * Decodes a JWS signed by the provider and verifies it: the algorithm against the allow-list, the
 * signature against the JWKS (re-fetched once for an unknown `kid`). No claim is checked.
 */
export const verifyProviderJws = (
  jwt: string,
  keySource: KeySource,
  algorithms: readonly string[],
): Effect.Effect<{ header: Record<string, unknown>; payload: Record<string, unknown> }, IdTokenError> =>
  Effect.gen(function* () {
    const decoded = decodeJwt(jwt);
    if (decoded instanceof IdTokenError) return yield* decoded;
    const algorithmError = checkAlgorithm(decoded.header, algorithms);
    if (algorithmError) return yield* algorithmError;

    const first = yield* verifySignature(jwt, yield* keySource.current, algorithms).pipe(Effect.result);
    if (first._tag === 'Failure') {
      if (first.failure !== 'no-key') return yield* first.failure;
      const refetched = yield* keySource.refetch;
      if (!refetched) return yield* reject('NoMatchingKey', 'no provider key matches its kid.');
      yield* verifySignature(jwt, refetched, algorithms).pipe(
        Effect.mapError((error) =>
          error === 'no-key' ? reject('NoMatchingKey', 'no provider key matches its kid.') : error,
        ),
      );
    }
    return decoded;
  });

/**
 * Verifies an ID token (OpenID Connect Core §3.1.3.7): the algorithm against the allow-list, the
 * signature against the JWKS (re-fetched once for an unknown `kid`), then each claim check.
 */
export const verifyIdToken = (
  jwt: string,
  keySource: KeySource,
  expected: IdTokenExpectations,
): Effect.Effect<IdTokenClaims, IdTokenError> =>
  Effect.gen(function* () {
    const decoded = yield* verifyProviderJws(jwt, keySource, expected.algorithms);
    const claims = decoded.payload;
    const refreshing = expected.previous !== undefined;
    const failure =
      checkIssuer(claims, expected.issuer) ??
      checkAudience(claims, expected.clientId) ??
      checkAuthorizedParty(claims, expected.clientId) ??
      checkExpiry(claims, expected.now, expected.clockTolerance) ??
      checkIssuedAt(claims, expected.now, expected.clockTolerance) ??
      checkSubject(claims) ??
      checkNonce(claims, expected.nonce, refreshing) ??
      checkSameSession(claims, expected.previous);
    if (failure) return yield* failure;
    return claims as IdTokenClaims;
  });
