/**
 * Server-side sessions: the cookie holds only a random, signed 256-bit session id; the session lives
 * in any [unstorage](https://unstorage.unjs.io) store (memory, Redis, Cloudflare KV, Vercel KV, …),
 * so every instance of an app sees the same session and one instance's refresh is every instance's.
 *
 * The id is rotated at sign-in (no fixation) and deleted at sign-out; sessions can be found and ended
 * by the `sid` and `sub` of their ID token (back-channel logout). When the store cannot be reached,
 * requests that carry a session fail with a `StorageError` (adapters answer 503) and nothing is lost;
 * requests without a session cookie never touch the store.
 *
 * @module
 */

import { ConfigError } from '../errors.ts';
import { type ClockShape, systemClock } from '../ports/Clock.ts';
import { parseCookieHeader } from './cookieHeader.ts';
import { LruCache } from './LruCache.ts';
import type { SessionKeyValueStore } from './SessionKeyValueStore.ts';
import type { OpenSessionOptions, RequestSession, SessionSelector, SessionsOfKind } from './Sessions.ts';
import { StoreRequestSession, type StoreSessionContext } from './StoreRequestSession.ts';
import { resolveSessionConfig } from './sessionConfig.ts';
import {
  deriveSigningKey,
  type SigningKey,
  signSessionId,
  type VerifiedSessionId,
  verifySessionId,
} from './sessionId.ts';
import { SessionStore } from './sessionStore.ts';
import { signedInClaims } from './storedSession.ts';

/** How {@link StoreSessions} names and signs its cookie and keeps sessions in the store. */
export interface StoreSessionsConfig {
  /**
   * Where sessions live: an unstorage `Storage` (`createStorage({ driver })`). Entries are written
   * with unstorage's `ttl` option (seconds); the Redis, Cloudflare KV and Vercel KV drivers expire
   * them, the memory and fs drivers ignore it (expired entries still read as missing, but stay
   * until overwritten: use those for development only).
   */
  readonly store: SessionKeyValueStore;
  /** One secret or a list for rotation: the first signs session ids, all verify. Each ≥ 32 characters. */
  readonly secrets: string | readonly string[];
  /** Cookie name; default `'logto_session'` (the same rules as cookie mode). */
  readonly cookieName?: string | undefined;
  /** Max-Age of the cookie and TTL of the stored session, in seconds; default 14 days (Logto's refresh-token TTL). */
  readonly maxAgeSeconds?: number | undefined;
  /** TTL of a pending sign-in in the store, in seconds; default 600. */
  readonly transactionMaxAgeSeconds?: number | undefined;
  /** Prefix of every store key; default `'logto:'`. Letters, digits and `_ . : -`. */
  readonly keyPrefix?: string | undefined;
  /** Cookie Path, default `'/'`. */
  readonly path?: string | undefined;
  /** How long one store call may take before it fails (and the request with it), in ms; default 3000. */
  readonly storeTimeoutMs?: number | undefined;
  /** What stored entries' expiry is measured against; default {@link systemClock}. */
  readonly clock?: ClockShape | undefined;
}

/** Cookie values verified (or signed) per instance: enough for every active user of a busy server process. */
const verifiedCapacity = 10_000;

const invalid = (message: string) => new ConfigError({ reason: 'InvalidOption', message });

const isStore = (value: unknown): value is SessionKeyValueStore =>
  typeof value === 'object' &&
  value !== null &&
  ['getItem', 'setItem', 'removeItem'].every(
    (method) => typeof (value as Record<string, unknown>)[method] === 'function',
  );

const checkConfig = (config: StoreSessionsConfig) => {
  if (typeof config !== 'object' || config === null) {
    throw invalid('StoreSessions: pass a config object, e.g. `new StoreSessions({ store, secrets })`.');
  }
  if (!isStore(config.store)) {
    throw invalid(
      "StoreSessions: store must be an unstorage Storage, e.g. `createStorage({ driver: redisDriver({ url }) })` (import { createStorage } from 'unstorage').",
    );
  }
  for (const option of ['maxCookieBytes', 'chunkBudget'] as const) {
    if (option in config) {
      throw invalid(
        `StoreSessions: ${option} applies to cookie sessions only; the store-mode cookie is one id.`,
      );
    }
  }
  const keyPrefix = config.keyPrefix ?? 'logto:';
  if (typeof keyPrefix !== 'string' || !/^[A-Za-z0-9_.:-]*$/.test(keyPrefix) || keyPrefix.includes('::')) {
    throw invalid(
      `StoreSessions: keyPrefix must hold only letters, digits and "_ . : -" (no "::"), got ${JSON.stringify(keyPrefix)}.`,
    );
  }
  const storeTimeoutMs = config.storeTimeoutMs ?? 3000;
  if (typeof storeTimeoutMs !== 'number' || !Number.isSafeInteger(storeTimeoutMs) || storeTimeoutMs < 1) {
    throw invalid(
      `StoreSessions: storeTimeoutMs must be a positive whole number, got ${String(storeTimeoutMs)}.`,
    );
  }
  let resolved: ReturnType<typeof resolveSessionConfig>;
  try {
    const { secrets, cookieName, maxAgeSeconds, transactionMaxAgeSeconds, path } = config;
    resolved = resolveSessionConfig({ secrets, cookieName, maxAgeSeconds, transactionMaxAgeSeconds, path });
  } catch (error) {
    // The same rules as cookie mode, reported under this class's name.
    if (error instanceof ConfigError)
      throw invalid(error.message.replace(/^CookieSessions:/, 'StoreSessions:'));
    throw error;
  }
  const clock = config.clock ?? systemClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw invalid('StoreSessions: clock must have a now() method returning milliseconds, like systemClock.');
  }
  return { ...resolved, keyPrefix, storeTimeoutMs, clock };
};

/**
 * Server-side sessions over an unstorage store: create one per app, then `open` each request's
 * `Cookie` header and send back `setCookieHeaders()` — the same interface as {@link CookieSessions},
 * so adapters take either. `LogtoServer` builds one from `session: { store, secrets }`.
 *
 * @example
 * ```ts
 * import { createStorage } from 'unstorage';
 * import redisDriver from 'unstorage/drivers/redis';
 *
 * const sessions = new StoreSessions({
 *   store: createStorage({ driver: redisDriver({ url: process.env.REDIS_URL }) }),
 *   secrets: [process.env.SESSION_SECRET!],
 * });
 * const storage = sessions.open(request.headers.get('cookie'), { secure: true });
 * ```
 * @see https://unstorage.unjs.io/drivers
 */
export class StoreSessions implements SessionsOfKind<'store'> {
  /** The session lives in a server-side store. */
  readonly kind = 'store' as const;
  readonly #store: SessionStore;
  readonly #context: StoreSessionContext;
  readonly #secrets: readonly string[];
  #keys: Promise<readonly SigningKey[]> | undefined;
  /**
   * Cookie values already found authentic (or signed) by this instance, by the whole value: a hit is
   * byte-for-byte a value verified before under the same keys and cookie name (both fixed per
   * instance), so an unchanged cookie skips the HMAC and nothing weaker is checked. Failures are
   * never kept, so forged values cannot push out real ones.
   */
  readonly #verified = new LruCache<VerifiedSessionId>(verifiedCapacity);

  /** Validates `config` once; throws `ConfigError('InvalidOption')` saying what to fix. */
  constructor(config: StoreSessionsConfig) {
    const resolved = checkConfig(config);
    this.#secrets = resolved.secrets;
    this.#store = new SessionStore({
      store: config.store,
      keyPrefix: resolved.keyPrefix,
      maxAgeSeconds: resolved.maxAgeSeconds,
      transactionMaxAgeSeconds: resolved.transactionMaxAgeSeconds,
      timeoutMs: resolved.storeTimeoutMs,
      clock: resolved.clock,
    });
    this.#context = {
      store: this.#store,
      cookieName: resolved.cookieName,
      path: resolved.path,
      maxAgeSeconds: resolved.maxAgeSeconds,
      verify: (value) => this.#verify(value),
      sign: (id) => this.#sign(id),
    };
  }

  /**
   * Binds one request's cookies. `secure` sets the Secure attribute (adapters pass
   * `url.protocol === 'https:'`). Synchronous: the id is verified and the store read lazily in `get()`.
   */
  open(cookieHeader: string | null | undefined, options: OpenSessionOptions): RequestSession {
    const secure = options?.secure === true;
    const name = this.#context.cookieName;
    if (!secure && (name.startsWith('__Secure-') || name.startsWith('__Host-'))) {
      throw invalid(
        `StoreSessions: cookieName "${name}" needs Secure cookies; serve over https or drop the prefix.`,
      );
    }
    return new StoreRequestSession(this.#context, parseCookieHeader(cookieHeader), secure);
  }

  /**
   * Ends the sessions of an OpenID session (`sid`) or of a user (`sub`; with both, the session with that
   * `sid` if it belongs to that `sub`), as a back-channel logout asks; returns how many were ended.
   * Their cookies then read as signed out on every instance.
   *
   * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCActions
   */
  async deleteSessions(selector: SessionSelector): Promise<number> {
    const { sid, sub } = selector ?? {};
    const given = (value: unknown) => typeof value === 'string' && value !== '';
    if (!given(sid) && !given(sub)) {
      throw invalid('deleteSessions needs a non-empty sid or sub.');
    }
    const [kind, claim] = given(sid) ? (['sid', sid!] as const) : (['sub', sub!] as const);
    const ids = await this.#store.indexedIds(kind, claim);
    return this.#store.endSessions(ids, (entry) => {
      if (entry === null || entry === 'deleted') return false;
      const claims = signedInClaims(entry.value);
      // The index may list sessions that have changed since (signed out, another user): the stored ID token decides.
      if (claims?.[kind] !== claim) return false;
      return !(given(sid) && given(sub)) || claims.sub === sub;
    });
  }

  async #verify(value: string): Promise<VerifiedSessionId | null> {
    const cached = this.#verified.get(value);
    if (cached !== undefined) return cached;
    const verified = await verifySessionId(await this.#derivedKeys(), this.#context.cookieName, value);
    if (verified !== null) this.#verified.set(value, verified);
    return verified;
  }

  async #sign(id: string): Promise<string> {
    const [key] = await this.#derivedKeys();
    const value = await signSessionId(key!, this.#context.cookieName, id);
    // The browser sends this exact value back with its next request: it needs no HMAC then.
    this.#verified.set(value, { id, keyIndex: 0 });
    return value;
  }

  /** Every secret's signing key, derived once; a failed derivation is retried on the next call. */
  #derivedKeys(): Promise<readonly SigningKey[]> {
    if (this.#keys === undefined) {
      const keys = Promise.all(this.#secrets.map((secret) => deriveSigningKey(secret)));
      this.#keys = keys;
      keys.catch(() => {
        if (this.#keys === keys) this.#keys = undefined;
      });
    }
    return this.#keys;
  }
}
