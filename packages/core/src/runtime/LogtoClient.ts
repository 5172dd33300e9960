import * as Cause from 'effect/Cause';
import * as Context from 'effect/Context';
import * as Effect from 'effect/Effect';
import * as Layer from 'effect/Layer';
import { ConfigError, type LogoutTokenError, type NotAuthenticated } from '../errors.ts';
import { accessTokenKey } from '../oidc/accessToken.ts';
import type { AccessTokenClaims, IdTokenClaims, UserInfoResponse } from '../oidc/claims.ts';
import { type LogtoConfig, type NormalizedConfig, normalizeConfig } from '../oidc/config.ts';
import { type LogoutTokenClaims, SeenLogoutTokens } from '../oidc/logoutToken.ts';
import type { SignInOptions } from '../oidc/signIn.ts';
import { Clock, type ClockShape, systemClock } from '../ports/Clock.ts';
import { Crypto, type CryptoShape, webCrypto } from '../ports/Crypto.ts';
import { Http, type HttpShape, makeFetchHttp } from '../ports/Http.ts';
import { Lock, type LockShape, makeMemoryLock } from '../ports/Lock.ts';
import { checkLogger, consoleLogger, type Logger } from '../ports/Logger.ts';
import { fromStorage, MemoryStorage, type Storage, StorageService } from '../ports/Storage.ts';
import { ClientSettings, type ClientSettingsShape, type SessionInspector } from './ClientSettings.ts';
import * as Operations from './operations.ts';
import { defaultProviderCache, type ProviderCache } from './providerCache.ts';
import { RefreshLedger } from './refreshLedger.ts';
import { cachedAccessTokenAt, claimsAt, notSignedIn, signedInAt } from './sessionReads.ts';
import { readSessionRecord, type SessionRecord, sessionKey, signedOutRecord } from './sessionRecord.ts';

/** The ports and tunables of a client; every field is optional. */
export interface LogtoClientOptions {
  /** Where the session lives; default a fresh {@link MemoryStorage}. */
  readonly storage?: Storage | undefined;
  /** The `fetch` to use (default `globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Per-request timeout in ms (default 10 000). */
  readonly timeoutMs?: number | undefined;
  /** A whole HTTP port, instead of `fetch` and `timeoutMs`. */
  readonly http?: HttpShape | undefined;
  readonly clock?: ClockShape | undefined;
  readonly crypto?: CryptoShape | undefined;
  /** The single-flight lock; default one in-process lock table shared by every client. */
  readonly lock?: LockShape | undefined;
  /** Discovery and JWKS cache; default one per process. */
  readonly cache?: ProviderCache | undefined;
  /** Recent refresh results; default one per process. */
  readonly ledger?: RefreshLedger | undefined;
  /** Back-channel logout tokens accepted lately (replays are refused); default one record per process. */
  readonly logoutTokens?: SeenLogoutTokens | undefined;
  /** A cached access token is reused only while it has more than this left (default 60 000 ms). */
  readonly tokenExpirySkewMs?: number | undefined;
  /** Allowed clock difference for ID tokens, in seconds (default 60). */
  readonly clockToleranceSeconds?: number | undefined;
  /** How long a sign-in may take, in ms (default 10 minutes). */
  readonly transactionTtlMs?: number | undefined;
  /**
   * Opt-in: called after every step of the session machine, with secrets redacted — e.g. to watch
   * the machine live in Stately's inspector (`@statelyai/inspect`). Off by default.
   */
  readonly inspect?: SessionInspector | undefined;
  /**
   * Where a refresh that failed is logged, once (the provider refused the refresh token and the
   * session ended, or the provider could not be reached): the error's tag and reason, never a token.
   * `{ debug, info, warn, error }`, each `(details, message)`: pino's logger as it is; default
   * `consoleLogger`. `LogtoServer` passes its own.
   */
  readonly logger?: Logger | undefined;
}

const sharedLock = makeMemoryLock();
const sharedLedger = new RefreshLedger();
const sharedLogoutTokens = new SeenLogoutTokens();
const normalized = new WeakMap<LogtoConfig, NormalizedConfig>();
/** Loggers already checked: a server's clients, one per request, share one. */
const checkedLoggers = new WeakSet<object>();

const clientLogger = (logger: Logger | undefined): Logger => {
  if (logger === undefined) return consoleLogger;
  if (checkedLoggers.has(logger)) return logger;
  const checked = checkLogger(logger, 'LogtoClient');
  checkedLoggers.add(checked);
  return checked;
};

const checkedConfig = (config: LogtoConfig): NormalizedConfig => {
  const cached = typeof config === 'object' && config !== null ? normalized.get(config) : undefined;
  if (cached) return cached;
  const result = normalizeConfig(config);
  if (result instanceof ConfigError) throw result;
  normalized.set(config, result);
  return result;
};

const nonNegative = (value: number | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError({
      reason: 'InvalidOption',
      message: `options.${name} must be a non-negative number.`,
    });
  }
  return value;
};

const checkStorage = (storage: Storage | undefined): Storage => {
  if (storage === undefined) return new MemoryStorage();
  // Spelt out rather than looped: this runs for every request's client.
  const methods = storage as unknown as Record<string, unknown>;
  if (
    typeof methods.get === 'function' &&
    typeof methods.set === 'function' &&
    typeof methods.delete === 'function'
  ) {
    return storage;
  }
  throw new ConfigError({
    reason: 'InvalidOption',
    message: 'options.storage must have get, set and delete methods.',
  });
};

/**
 * Checks a client's config and options as `new LogtoClient` does, without building one (servers check
 * theirs once, at construction); throws `ConfigError` saying what to fix.
 */
export const checkClientOptions = (config: LogtoConfig, options: LogtoClientOptions = {}): void => {
  checkedConfig(config);
  if (options.storage !== undefined) checkStorage(options.storage);
  nonNegative(options.tokenExpirySkewMs, 60_000, 'tokenExpirySkewMs');
  clientLogger(options.logger);
};

/** Builds the services a client runs on, as one Effect layer: the Effect API's entry point. */
export const makeLogtoLayer = (
  config: LogtoConfig,
  options: LogtoClientOptions = {},
): Layer.Layer<Operations.LogtoServices> =>
  Layer.succeedContext(makeServices(checkedConfig(config), checkStorage(options.storage), options));

const makeServices = (
  config: NormalizedConfig,
  storage: Storage,
  options: LogtoClientOptions,
  openedAt = (options.clock ?? systemClock).now(),
) => {
  const settings: ClientSettingsShape = {
    config,
    tokenExpirySkewMs: nonNegative(options.tokenExpirySkewMs, 60_000, 'tokenExpirySkewMs'),
    clockToleranceSeconds: nonNegative(options.clockToleranceSeconds, 60, 'clockToleranceSeconds'),
    transactionTtlMs: nonNegative(options.transactionTtlMs, 600_000, 'transactionTtlMs'),
    cache: options.cache ?? defaultProviderCache,
    ledger: options.ledger ?? sharedLedger,
    logoutTokens: options.logoutTokens ?? sharedLogoutTokens,
    openedAt,
    inspect: options.inspect,
    logger: clientLogger(options.logger),
    live: { current: undefined },
  };
  return Context.make(ClientSettings, settings).pipe(
    Context.add(Http, options.http ?? makeFetchHttp({ fetch: options.fetch, timeoutMs: options.timeoutMs })),
    Context.add(StorageService, fromStorage(storage)),
    Context.add(Clock, options.clock ?? systemClock),
    Context.add(Crypto, options.crypto ?? webCrypto),
    Context.add(Lock, options.lock ?? sharedLock),
  );
};

/**
 * Signs users in with Logto — the tutorial's API as Promises. Cheap to construct (config checks are
 * memoised per config object), so server adapters build one per request over that request's storage.
 * Errors are the tagged classes of `errors.ts`, so `instanceof` works.
 *
 * @example
 * ```ts
 * const client = new LogtoClient({ endpoint: 'https://tenant.logto.app', appId, appSecret });
 * const url = await client.signIn({ redirectUri: 'https://app.example/callback' });
 * // … the user comes back to /callback …
 * await client.handleSignInCallback(request.url);
 * const claims = await client.getIdTokenClaims();
 * ```
 */
export class LogtoClient {
  /** The checked configuration, with reserved scopes and defaults filled in. */
  readonly config: NormalizedConfig;
  readonly #storage: Storage;
  readonly #options: LogtoClientOptions;
  readonly #clock: ClockShape;
  readonly #skewMs: number;
  readonly #openedAt: number;
  #services: Context.Context<Operations.LogtoServices> | undefined;
  #lastRaw: string | null = null;
  #lastRecord: SessionRecord = signedOutRecord;

  constructor(config: LogtoConfig, options: LogtoClientOptions = {}) {
    this.config = checkedConfig(config);
    this.#storage = checkStorage(options.storage);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#skewMs = nonNegative(options.tokenExpirySkewMs, 60_000, 'tokenExpirySkewMs');
    clientLogger(options.logger);
    this.#openedAt = this.#clock.now();
  }

  async #run<A, E>(effect: Effect.Effect<A, E, Operations.LogtoServices>): Promise<A> {
    this.#services ??= makeServices(this.config, this.#storage, this.#options, this.#openedAt);
    const exit = await Effect.runPromiseExit(Effect.provide(effect, this.#services));
    if (exit._tag === 'Success') return exit.value;
    // Rethrow the original tagged error, so `instanceof` works for Promise users.
    throw Cause.squash(exit.cause);
  }

  /** The stored session, parsed once per distinct stored value (the hot path: no machine, no crypto). */
  async #record(): Promise<SessionRecord> {
    return this.#recordOf(await this.#storage.get(sessionKey));
  }

  /**
   * The record of a stored value. A request reads its session several times (`isAuthenticated`, then
   * the claims) and gets the same string back each time: the last one is kept, so only the first read
   * looks it up.
   */
  #recordOf(raw: string | null): SessionRecord {
    if (raw !== this.#lastRaw) {
      this.#lastRaw = raw;
      this.#lastRecord = readSessionRecord(raw) ?? signedOutRecord;
    }
    return this.#lastRecord;
  }

  /** The stored session when the storage has it at hand (`Storage.peek`): no wait at all; else `undefined`. */
  #recordAtHand(): SessionRecord | undefined {
    const raw = this.#storage.peek?.(sessionKey);
    return raw === undefined ? undefined : this.#recordOf(raw);
  }

  /** Starts a sign-in and returns the URL to redirect the user to. */
  signIn(options: SignInOptions): Promise<string> {
    return this.#run(Operations.signIn(options));
  }

  /** Completes the sign-in from the full callback URL; returns the `postRedirectUri` given to `signIn`. */
  handleSignInCallback(callbackUrl: string): Promise<{ postRedirectUri: string | undefined }> {
    return this.#run(Operations.handleSignInCallback(callbackUrl));
  }

  /** Whether a user is signed in with a session that can still be renewed. Local: no request is made. */
  async isAuthenticated(): Promise<boolean> {
    const record = this.#recordAtHand() ?? (await this.#record());
    return signedInAt(record, this.#clock.now()) ?? this.#run(Operations.isAuthenticated);
  }

  /** The signed-in user's ID-token claims; throws {@link NotAuthenticated} when signed out. */
  async getIdTokenClaims(): Promise<IdTokenClaims> {
    const record = this.#recordAtHand() ?? (await this.#record());
    const claims = claimsAt(record, this.#clock.now());
    if (claims) return claims;
    if (claims === undefined) return this.#run(Operations.getIdTokenClaims);
    throw notSignedIn();
  }

  /** The raw ID token, or `null` when signed out. */
  getIdToken(): Promise<string | null> {
    return this.#run(Operations.getIdToken);
  }

  /** The refresh token, or `null`. */
  getRefreshToken(): Promise<string | null> {
    return this.#run(Operations.getRefreshToken);
  }

  /**
   * An access token: the default (userinfo) token without `resource`, else a JWT for that API resource
   * (and organization, when given). `null` when signed out or when the provider cannot be reached.
   * Throws {@link SessionExpired} when the provider ended the session, {@link ConfigError} for a resource
   * that was not configured.
   */
  async getAccessToken(resource?: string, organizationId?: string): Promise<string | null> {
    const record = this.#recordAtHand() ?? (await this.#record());
    const key = accessTokenKey(resource, organizationId);
    const cached = cachedAccessTokenAt(record, key, this.#clock.now(), this.#skewMs);
    if (cached !== undefined) return cached;
    return this.#run(Operations.getAccessToken({ resource, organizationId }));
  }

  /** The claims of the access token for `resource` (JWT access tokens only, else `null`). */
  getAccessTokenClaims(resource?: string, organizationId?: string): Promise<AccessTokenClaims | null> {
    return this.#run(Operations.getAccessTokenClaims({ resource, organizationId }));
  }

  /** An organization token (`aud` `urn:logto:organization:<id>`); needs the organizations scope. */
  getOrganizationToken(organizationId: string): Promise<string | null> {
    return this.getAccessToken(undefined, organizationId ?? '');
  }

  /** The claims of the organization token for `organizationId`. */
  getOrganizationTokenClaims(organizationId: string): Promise<AccessTokenClaims | null> {
    return this.getAccessTokenClaims(undefined, organizationId ?? '');
  }

  /** Fetches userinfo with the default access token; its `sub` is checked against the ID token. */
  fetchUserInfo(): Promise<UserInfoResponse> {
    return this.#run(Operations.fetchUserInfo);
  }

  /**
   * Signs out: revokes the refresh token (best effort), clears the session and returns the provider's
   * end-session URL to redirect to.
   */
  signOut(postLogoutRedirectUri?: string): Promise<string | null> {
    return this.#run(Operations.signOut(postLogoutRedirectUri));
  }

  /**
   * The session's tags and last failure (e.g. `SessionExpired` after the provider rejected the refresh
   * token). While this client refreshes, its tags include `refreshing`.
   */
  getSessionState(): Promise<{
    tags: ReadonlySet<string>;
    failure: { tag: string; reason?: string | undefined; message: string } | null;
  }> {
    return this.#run(Operations.getSessionState);
  }

  /**
   * Verifies a back-channel logout token (OpenID Connect Back-Channel Logout 1.0 §2.6) and returns
   * its claims; throws {@link LogoutTokenError}. Ending the sessions it names (`sid`, `sub`) is up to
   * the caller — `LogtoServer`'s back-channel route does it in store mode.
   */
  verifyLogoutToken(logoutToken: string): Promise<LogoutTokenClaims> {
    return this.#run(Operations.verifyLogoutToken(logoutToken));
  }
}
