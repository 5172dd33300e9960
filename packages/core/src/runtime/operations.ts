/**
 * The client's operations as Effects over the ports — the Effect API, and what the Promise facade runs.
 *
 * @module
 */
import * as Effect from 'effect/Effect';
import {
  CallbackError,
  ConfigError,
  LogoutTokenError,
  type LogtoMachineError,
  UserInfoError,
} from '../errors.ts';
import type { SessionContext } from '../machine/context.ts';
import type { SessionEvent } from '../machine/events.ts';
import { isSessionOver, isTransientFailure, selectAccessToken } from '../machine/rules.ts';
import { accessTokenKey, decodeAccessTokenClaims } from '../oidc/accessToken.ts';
import { encodeBase64Url } from '../oidc/base64url.ts';
import { validateCallback } from '../oidc/callback.ts';
import type { AccessTokenClaims, IdTokenClaims, UserInfoResponse } from '../oidc/claims.ts';
import { allowedAlgorithms } from '../oidc/idToken.ts';
import { verifyLogoutToken as verifyLogoutTokenClaims } from '../oidc/logoutToken.ts';
import { UserInfoScope } from '../oidc/scopes.ts';
import { buildAuthorizationUrl, checkRedirectUri, type SignInOptions } from '../oidc/signIn.ts';
import { buildEndSessionUrl } from '../oidc/signOut.ts';
import type { TokenTarget } from '../oidc/tokenRequest.ts';
import { processUserInfoResponse, userInfoRequest } from '../oidc/userInfo.ts';
import { Clock } from '../ports/Clock.ts';
import { Crypto } from '../ports/Crypto.ts';
import { Http } from '../ports/Http.ts';
import { Lock } from '../ports/Lock.ts';
import { type Logger, type LogLevel, logFailureOnce } from '../ports/Logger.ts';
import { StorageService } from '../ports/Storage.ts';
import { discover, keySourceFor, refreshTokenKey, retryTransient } from './actors.ts';
import { ClientSettings } from './ClientSettings.ts';
import { persist, step } from './interpreter.ts';
import { claimsAt, notSignedIn, sessionEndedError, signedInAt } from './sessionReads.ts';
import {
  decodeTransaction,
  readSessionRecord,
  type SessionRecord,
  sessionKey,
  signedOutRecord,
  transactionKey,
} from './sessionRecord.ts';

/** The services every operation runs on. */
export type LogtoServices = ClientSettings | Clock | Crypto | Http | Lock | StorageService;

interface Loaded {
  readonly raw: string | null;
  readonly record: SessionRecord;
}

const loadSession = Effect.gen(function* () {
  const storage = yield* StorageService;
  const raw = yield* storage.get(sessionKey);
  // A record that cannot be read (tampered, truncated, older format) is a signed-out session.
  return { raw, record: readSessionRecord(raw) ?? signedOutRecord } satisfies Loaded;
});

const contextOf = (
  record: SessionRecord,
  transactions: SessionContext['transactions'] = {},
): SessionContext => ({
  transactions,
  tokens: record.tokens,
  failure: record.failure,
  refresh: null,
});

/** Runs one event from a loaded session and writes the result. */
const run = (loaded: Loaded, event: SessionEvent, transactions: SessionContext['transactions'] = {}) =>
  Effect.gen(function* () {
    const result = yield* step(loaded.record.state, contextOf(loaded.record, transactions), event);
    yield* persist({ record: loaded.record, raw: loaded.raw, transactions }, result);
    return result;
  });

/** The session, moved to `expired` first when it can no longer be renewed (no refresh token, ID token expired). */
const loadLiveSession = Effect.gen(function* () {
  const loaded = yield* loadSession;
  const now = (yield* Clock).now();
  if (!isSessionOver(loaded.record.tokens, now)) return loaded;
  yield* run(loaded, { type: 'clock.tick', now });
  return yield* loadSession;
});

const randomToken = Effect.gen(function* () {
  return encodeBase64Url((yield* Crypto).randomBytes(32));
});

/** Starts a sign-in: records a transaction and returns the authorization URL to redirect to. */
export const signIn = (options: SignInOptions) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    const crypto = yield* Crypto;
    const redirectUri = checkRedirectUri(options?.redirectUri);
    if (redirectUri instanceof ConfigError) return yield* redirectUri;
    const metadata = yield* discover;
    const codeVerifier = yield* randomToken;
    const codeChallenge = encodeBase64Url(yield* crypto.sha256(new TextEncoder().encode(codeVerifier)));
    const now = clock.now();
    const transaction = {
      state: yield* randomToken,
      nonce: yield* randomToken,
      codeVerifier,
      redirectUri,
      ...(options.postRedirectUri === undefined ? {} : { postRedirectUri: options.postRedirectUri }),
      expiresAt: now + settings.transactionTtlMs,
    };
    yield* run(yield* loadSession, { type: 'app.signInRequested', transaction, now });
    return buildAuthorizationUrl(metadata, settings.config, transaction, codeChallenge, options);
  });

const stateOf = (callbackUrl: string) =>
  typeof callbackUrl === 'string' && URL.canParse(callbackUrl)
    ? new URL(callbackUrl).searchParams.get('state')
    : null;

/** Completes a sign-in from the callback URL: checks it, exchanges the code, verifies the ID token. */
export const handleSignInCallback = (callbackUrl: string) =>
  Effect.gen(function* () {
    const storage = yield* StorageService;
    const clock = yield* Clock;
    const lock = yield* Lock;
    const state = stateOf(callbackUrl);
    // One callback at a time per transaction: a double-submitted callback must not redeem the code twice.
    return yield* lock.withLock(
      `callback:${state ?? ''}`,
      Effect.gen(function* () {
        const transaction = state ? decodeTransaction(yield* storage.get(transactionKey(state))) : null;
        const transactions = transaction ? { [transaction.state]: transaction } : {};
        const metadata = yield* discover;
        const loaded = yield* loadSession;
        const now = clock.now();
        const validated = validateCallback(callbackUrl, transactions, metadata, now);
        if (validated instanceof CallbackError) {
          if (transaction)
            yield* run(loaded, { type: 'app.callbackRejected', state: transaction.state }, transactions);
          return yield* validated;
        }
        const event = {
          type: 'app.callbackReceived' as const,
          transaction: validated.transaction,
          code: validated.code,
          now,
        };
        const result = yield* step(loaded.record.state, contextOf(loaded.record, transactions), event);
        // A new sign-in is written under a new session id, never under an id known before it (no
        // fixation, not even while the callback runs); a failed one leaves the session where it was.
        if (result.actorFailure === undefined && storage.rotateId) yield* storage.rotateId();
        yield* persist({ record: loaded.record, raw: loaded.raw, transactions }, result);
        if (result.actorFailure !== undefined)
          return yield* Effect.fail(result.actorFailure as CallbackError);
        return { postRedirectUri: validated.transaction.postRedirectUri };
      }),
    );
  });

/** Whether a user is signed in, with a session that can still be renewed. */
export const isAuthenticated = Effect.gen(function* () {
  const { record } = yield* loadLiveSession;
  return signedInAt(record, (yield* Clock).now()) === true;
});

/** The signed-in user's ID-token claims (verified when received). */
export const getIdTokenClaims = Effect.gen(function* () {
  const { record } = yield* loadLiveSession;
  const claims = claimsAt(record, (yield* Clock).now());
  if (!claims) return yield* notSignedIn();
  return claims;
});

/** The raw ID token, or `null` when signed out. */
export const getIdToken = Effect.map(loadLiveSession, ({ record }) => record.tokens?.idToken ?? null);

/** The refresh token, or `null`. */
export const getRefreshToken = Effect.map(
  loadLiveSession,
  ({ record }) => record.tokens?.refreshToken ?? null,
);

/** Checks that a token target was asked for at sign-in: an unknown resource would burn the refresh token. */
export const checkTarget = (target: TokenTarget) =>
  Effect.gen(function* () {
    const { config } = yield* ClientSettings;
    if (target.resource !== undefined && !config.resources.includes(target.resource)) {
      return yield* new ConfigError({
        reason: 'ResourceNotRequested',
        message: `"${target.resource}" is not in config.resources. Add it there and sign in again: the provider refuses resources the sign-in did not ask for (and may rotate the refresh token while refusing).`,
      });
    }
    if (target.organizationId !== undefined && !config.scopes.includes(UserInfoScope.Organizations)) {
      return yield* new ConfigError({
        reason: 'OrganizationsScopeNotRequested',
        message: `Organization tokens need the "${UserInfoScope.Organizations}" scope: add it to config.scopes and sign in again.`,
      });
    }
    if (
      target.organizationId !== undefined &&
      (typeof target.organizationId !== 'string' || target.organizationId === '')
    ) {
      return yield* new ConfigError({
        reason: 'InvalidOption',
        message: 'The organization id must be a non-empty string.',
      });
    }
  });

/**
 * Logs a refresh that failed, once: the error's tag, reason and message (never a token) and what it was
 * for (an API resource and an organization id are names, not secrets).
 */
const logRefreshFailure = (logger: Logger, error: unknown, target: TokenTarget, level: LogLevel) => {
  const { _tag, reason, message } = error as { _tag?: string; reason?: string; message?: string };
  const tag = _tag ?? 'unknown';
  const outcome =
    level === 'error'
      ? 'The provider could not be reached: the request goes on without a new access token.'
      : 'The request fails with this error.';
  const said = (message ?? 'No message.').replace(/\.?$/, '.');
  logFailureOnce(
    logger,
    level,
    error,
    {
      event: 'logto.refreshFailed',
      error: tag,
      ...(reason === undefined ? {} : { reason }),
      ...(target.resource === undefined ? {} : { resource: target.resource }),
      ...(target.organizationId === undefined ? {} : { organizationId: target.organizationId }),
    },
    `[logto-machine] A token refresh failed: ${tag}${reason ? ` (${reason})` : ''}: ${said} ${outcome}`,
  );
};

/**
 * Steps the machine's refresh under the refresh token's lock (single-flight): on the session as stored
 * now, which another request may have refreshed while this one waited. `'rotated'` when the machine
 * says the refresh token changed under the caller (`refresh.rotatedElsewhere`): retry on the new one.
 */
const refreshUnderLock = (refreshToken: string, target: TokenTarget, key: string) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    const loaded = yield* loadSession;
    if (loaded.record.tokens === null) return null;
    const result = yield* run(loaded, {
      type: 'app.refreshRequested',
      target,
      now: clock.now(),
      refreshToken,
      policy: {
        skewMs: settings.tokenExpirySkewMs,
        openedAt: settings.openedAt,
        adoptionGraceMs: settings.ledger.adoptionGraceMs,
      },
    });
    if (result.emitted.includes('refresh.rotatedElsewhere')) return 'rotated' as const;
    if (result.tags.has('expired')) {
      const ended = sessionEndedError(result.context.failure);
      logRefreshFailure(settings.logger, ended, target, 'warn');
      return yield* ended;
    }
    const failure = result.actorFailure;
    if (failure !== undefined) {
      if (isTransientFailure(failure)) {
        logRefreshFailure(settings.logger, failure, target, 'error');
        return null;
      }
      logRefreshFailure(settings.logger, failure, target, 'warn');
      return yield* Effect.fail(failure as LogtoMachineError);
    }
    // A token just received is handed out even when it lives shorter than the skew.
    return selectAccessToken(result.context.tokens, key, clock.now(), 0)?.token ?? null;
  });

/**
 * An access token for `target` (the default userinfo token, an API resource, an organization), from
 * the cache while it has more than the skew left, else from one refresh grant shared by every caller
 * holding the same refresh token. `null` when signed out or when the provider is unreachable.
 */
export const getAccessToken = (target: TokenTarget = {}) =>
  Effect.gen(function* () {
    yield* checkTarget(target);
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    const lock = yield* Lock;
    const key = accessTokenKey(target.resource, target.organizationId);
    for (let attempt = 0; attempt < 4; attempt++) {
      const { record } = yield* loadLiveSession;
      if (!signedInAt(record, clock.now())) return null;
      const cached = selectAccessToken(record.tokens, key, clock.now(), settings.tokenExpirySkewMs);
      if (cached) return cached.token;
      const refreshToken = record.tokens?.refreshToken;
      if (refreshToken === undefined) return null;
      const outcome = yield* lock.withLock(
        yield* refreshTokenKey(refreshToken),
        refreshUnderLock(refreshToken, target, key),
      );
      if (outcome !== 'rotated') return outcome;
    }
    return null;
  });

/** The claims of the access token for `target`, decoded (JWT access tokens only; `null` otherwise). */
export const getAccessTokenClaims = (target: TokenTarget = {}) =>
  Effect.map(getAccessToken(target), (token): AccessTokenClaims | null =>
    token ? decodeAccessTokenClaims(token) : null,
  );

/** Fetches the signed-in user's userinfo with the default access token, checking its `sub`. */
export const fetchUserInfo = Effect.gen(function* () {
  const http = yield* Http;
  const claims: IdTokenClaims = yield* getIdTokenClaims;
  const metadata = yield* discover;
  if (!metadata.userinfo_endpoint) {
    return yield* new UserInfoError({
      reason: 'InvalidResponse',
      message: 'The provider has no userinfo endpoint.',
    });
  }
  const accessToken = yield* getAccessToken({});
  if (!accessToken) {
    return yield* new UserInfoError({
      reason: 'Unavailable',
      message: 'No access token for userinfo could be had; try again later.',
    });
  }
  const request = http.fetch(userInfoRequest(metadata.userinfo_endpoint, accessToken)).pipe(
    Effect.mapError((error) => new UserInfoError({ reason: 'Unavailable', message: error.message })),
    Effect.flatMap((response) => processUserInfoResponse(response, claims.sub)),
  );
  return (yield* retryTransient(request, (error) => error.reason === 'Unavailable')) as UserInfoResponse;
});

/**
 * Signs out: revokes the refresh token (best effort), clears the session, and returns the provider's
 * end-session URL (with `id_token_hint` and `post_logout_redirect_uri`) to redirect to.
 */
export const signOut = (postLogoutRedirectUri?: string) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    if (postLogoutRedirectUri !== undefined) {
      const checked = checkRedirectUri(postLogoutRedirectUri, 'postLogoutRedirectUri');
      if (checked instanceof ConfigError) return yield* checked;
    }
    const loaded = yield* loadSession;
    const idTokenHint = loaded.record.tokens?.idToken;
    yield* run(loaded, { type: 'app.signOutRequested' });
    const metadata = yield* discover;
    return (
      buildEndSessionUrl(metadata, settings.config, { postLogoutRedirectUri, idTokenHint }) ??
      postLogoutRedirectUri ??
      null
    );
  });

/**
 * The session's tags (`authenticated`, `refreshing`, `signingIn`, `signingOut`, `expired`, `signedOut`)
 * and last failure. While this client's machine runs an actor (a refresh, say), its state then.
 */
export const getSessionState = Effect.gen(function* () {
  const { live } = yield* ClientSettings;
  if (live.current) return live.current;
  const { record } = yield* loadLiveSession;
  return { tags: record.tags, failure: record.failure };
});

/**
 * Verifies a back-channel logout token with the client's settings: the provider's keys and ID-token
 * algorithms, this app as `aud`, the clock tolerance; a `jti` already accepted (the client's
 * `logoutTokens`, one record per process by default) is refused. Touches no session: ending the
 * sessions it names is the caller's part.
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 */
export const verifyLogoutToken = (logoutToken: string) =>
  Effect.gen(function* () {
    const settings = yield* ClientSettings;
    const clock = yield* Clock;
    if (typeof logoutToken !== 'string' || logoutToken === '') {
      return yield* new LogoutTokenError({
        reason: 'Missing',
        message: 'The back-channel logout request has no logout_token.',
      });
    }
    const metadata = yield* discover;
    return yield* verifyLogoutTokenClaims(logoutToken, yield* keySourceFor(metadata), {
      issuer: settings.config.issuer,
      clientId: settings.config.appId,
      algorithms: allowedAlgorithms(metadata.id_token_signing_alg_values_supported),
      now: Math.floor(clock.now() / 1000),
      clockTolerance: settings.clockToleranceSeconds,
      seen: settings.logoutTokens,
    });
  });
