/**
 * Logout tokens (OpenID Connect Back-Channel Logout 1.0): verified like an ID token — the same keys,
 * algorithms, `iss`, `aud` and `iat` checks — plus the checks that make it a logout token and not
 * anything else signed by the provider.
 *
 * @module
 */
import * as Effect from 'effect/Effect';
import { type IdTokenError, LogoutTokenError } from '../errors.ts';
import {
  checkAudience,
  checkExpiry,
  checkIssuedAt,
  checkIssuer,
  type KeySource,
  verifyProviderJws,
} from './idToken.ts';

/** The `events` member that makes a JWT a logout token (§2.4). */
export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** The claims of a verified logout token: `sid`, `sub` or both name the sessions to end. */
export interface LogoutTokenClaims {
  readonly iss: string;
  readonly aud: string | readonly string[];
  readonly iat: number;
  readonly jti: string;
  readonly exp?: number | undefined;
  readonly events: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The user whose sessions end; without `sid`, all of them. */
  readonly sub?: string | undefined;
  /** The provider session that ended (the `sid` of the ID tokens issued in it). */
  readonly sid?: string | undefined;
  readonly [claim: string]: unknown;
}

/**
 * The logout tokens seen lately, by issuer and `jti`, each kept until the token expires: a bounded
 * in-memory record (one process; the oldest entries go first when full).
 */
export class SeenLogoutTokens {
  readonly #until = new Map<string, number>();

  constructor(readonly capacity = 10_000) {}

  /** Records `key` until `until` (seconds); `false` when it was already recorded and is still live. */
  claim(key: string, until: number, now: number): boolean {
    const known = this.#until.get(key);
    if (known !== undefined && known >= now) return false;
    this.#until.delete(key);
    if (this.#until.size >= this.capacity) this.#sweep(now);
    if (this.#until.size >= this.capacity) this.#until.delete(this.#until.keys().next().value!);
    this.#until.set(key, until);
    return true;
  }

  #sweep(now: number) {
    for (const [key, until] of this.#until) if (until < now) this.#until.delete(key);
  }

  /** How many tokens are remembered. */
  get size(): number {
    return this.#until.size;
  }
}

/** What a logout token must satisfy. Times are seconds since the epoch. */
export interface LogoutTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  readonly algorithms: readonly string[];
  readonly now: number;
  /** Allowed clock difference in seconds. */
  readonly clockTolerance: number;
  /**
   * How long a token without `exp` is accepted after its `iat`, in seconds (default 120, the
   * lifetime §4 recommends): without a bound, a captured token could end every later session of its `sub`.
   */
  readonly maxAgeSeconds?: number | undefined;
  /** Where replayed `jti`s are caught (§2.6 step 8); none: replays are not checked. */
  readonly seen?: SeenLogoutTokens | undefined;
}

const defaultMaxAgeSeconds = 120;

const reject = (reason: LogoutTokenError['reason'], message: string) =>
  new LogoutTokenError({ reason, message: `The logout token was rejected: ${message}` });

/** An ID-token check's failure, as the same failure of a logout token. */
const fromIdTokenError = (error: IdTokenError) =>
  new LogoutTokenError({
    reason: error.reason as LogoutTokenError['reason'],
    message: error.message.replace(/^The ID token/, 'The logout token'),
  });

const idTokenCheck = (error: IdTokenError | undefined) => (error ? fromIdTokenError(error) : undefined);

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** §2.4: `exp` is optional here (unlike in an ID token), but an expired token is refused. */
export const checkOptionalExpiry = (claims: Record<string, unknown>, now: number, tolerance: number) => {
  if (claims.exp === undefined) return undefined;
  if (typeof claims.exp !== 'number') return reject('Malformed', 'exp is not a number.');
  return idTokenCheck(checkExpiry(claims, now, tolerance));
};

/** A token without `exp` is refused once it is older than `maxAge`: it must not stay usable forever. */
export const checkAge = (claims: Record<string, unknown>, now: number, maxAge: number, tolerance: number) =>
  claims.exp !== undefined || (claims.iat as number) + maxAge + tolerance > now
    ? undefined
    : reject('Stale', `it has no exp and was issued more than ${maxAge} seconds ago.`);

export const checkJwtId = (claims: Record<string, unknown>) =>
  nonEmptyString(claims.jti) ? undefined : reject('MissingJwtId', 'jti is missing.');

/** §2.4: `events` is an object with the back-channel logout member, whose value is an object. */
export const checkEvents = (claims: Record<string, unknown>) => {
  const { events } = claims;
  if (events === undefined) return reject('MissingEvents', 'events is missing.');
  if (
    typeof events !== 'object' ||
    events === null ||
    Array.isArray(events) ||
    !(backchannelLogoutEvent in events)
  )
    return reject('InvalidEvents', `events has no member ${backchannelLogoutEvent}.`);
  const value = (events as Record<string, unknown>)[backchannelLogoutEvent];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? undefined
    : reject('InvalidEvents', `the events member ${backchannelLogoutEvent} is not a JSON object.`);
};

/** §2.4: a logout token names a session (`sid`), a user (`sub`), or both. */
export const checkSubjectOrSession = (claims: Record<string, unknown>) => {
  const { sub, sid } = claims;
  if (sub === undefined && sid === undefined)
    return reject('MissingSubjectAndSession', 'it has neither sid nor sub.');
  if (sub !== undefined && !nonEmptyString(sub)) return reject('Malformed', 'sub is not a string.');
  if (sid !== undefined && !nonEmptyString(sid)) return reject('Malformed', 'sid is not a string.');
  return undefined;
};

/** §2.4: a `nonce` is prohibited, so a logout token can never pass for an ID token, nor the reverse. */
export const checkNoNonce = (claims: Record<string, unknown>) =>
  claims.nonce === undefined ? undefined : reject('NoncePresent', 'it has a nonce claim.');

/** §2.6 step 8: a `jti` already seen from this issuer, while that token is still live, is a replay. */
const checkReplay = (claims: LogoutTokenClaims, expected: LogoutTokenExpectations) => {
  if (!expected.seen) return undefined;
  const maxAge = expected.maxAgeSeconds ?? defaultMaxAgeSeconds;
  const until = (claims.exp ?? claims.iat + maxAge) + expected.clockTolerance;
  return expected.seen.claim(`${claims.iss} ${claims.jti}`, until, expected.now)
    ? undefined
    : reject('Replayed', 'a logout token with this jti was already received.');
};

/**
 * Verifies a logout token (OpenID Connect Back-Channel Logout 1.0 §2.6): the signature and algorithm
 * as for an ID token, `iss`, `aud`, `iat`, `exp` when present, `jti`, the back-channel `events`
 * member, `sid` and/or `sub`, no `nonce` — and, last, that its `jti` was not seen before.
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 * @example
 * ```ts
 * const claims = yield* verifyLogoutToken(token, keySource, { issuer, clientId, algorithms, now, clockTolerance: 60 });
 * ```
 */
export const verifyLogoutToken = (
  jwt: string,
  keySource: KeySource,
  expected: LogoutTokenExpectations,
): Effect.Effect<LogoutTokenClaims, LogoutTokenError> =>
  Effect.gen(function* () {
    const { payload: claims } = yield* verifyProviderJws(jwt, keySource, expected.algorithms).pipe(
      Effect.mapError(fromIdTokenError),
    );
    const { now, clockTolerance } = expected;
    const failure =
      idTokenCheck(checkIssuer(claims, expected.issuer)) ??
      idTokenCheck(checkAudience(claims, expected.clientId)) ??
      idTokenCheck(checkIssuedAt(claims, now, clockTolerance)) ??
      checkOptionalExpiry(claims, now, clockTolerance) ??
      checkAge(claims, now, expected.maxAgeSeconds ?? defaultMaxAgeSeconds, clockTolerance) ??
      checkJwtId(claims) ??
      checkEvents(claims) ??
      checkSubjectOrSession(claims) ??
      checkNoNonce(claims) ??
      checkReplay(claims as LogoutTokenClaims, expected);
    if (failure) return yield* failure;
    return claims as LogoutTokenClaims;
  });
