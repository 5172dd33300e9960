/**
 * Encrypted, chunked cookie sessions shared by every server adapter: one {@link CookieSessions} per
 * app holds the keys and a decrypt cache; {@link CookieSessions.open} binds one request's cookies as a
 * {@link Storage} whose writes become `Set-Cookie` headers.
 *
 * Unlike `@logto/node`'s `CookieStorage` (one cookie, raw SHA-256 key, no rotation, no chunking), the
 * key comes from HKDF, secrets rotate, each value is bound to its cookie name, a session that outgrows
 * one cookie is split rather than dropped, and each pending sign-in has its own cookie.
 *
 * @module
 */
import { ConfigError } from '../errors.ts';
import type { Storage } from '../ports/Storage.ts';
import { parseCookieHeader } from './cookieHeader.ts';
import { LruCache } from './LruCache.ts';
import { RequestCookieSession, type SessionSealer } from './RequestCookieSession.ts';
import { deriveSealingKey, seal, unseal } from './sealing.ts';
import { type ResolvedSessionConfig, resolveSessionConfig } from './sessionConfig.ts';

/** How {@link CookieSessions} names, encrypts, sizes and ages its cookies. */
export interface CookieSessionsConfig {
  /** One secret or a list for rotation: the first encrypts, all decrypt. Each ≥ 32 characters. */
  readonly secrets: string | readonly string[];
  /**
   * Cookie name prefix; default `'logto_session'`. Must be a cookie name without `.`; `_session`,
   * `_interaction`, `_interaction_resume` and names starting with `_ldp_` (the provider's) are refused.
   */
  readonly cookieName?: string;
  /** Max-Age of the session cookie in seconds; default 14 days (Logto's refresh-token TTL). */
  readonly maxAgeSeconds?: number;
  /** Max-Age of a sign-in transaction cookie in seconds; default 600. */
  readonly transactionMaxAgeSeconds?: number;
  /** Largest Set-Cookie header (name + value + attributes) in bytes; default 4096; chunks above that. */
  readonly maxCookieBytes?: number;
  /** Cookie Path, default `'/'`. */
  readonly path?: string;
  /** How many cookies the session may use before a one-time `console.warn`; default 2. */
  readonly chunkBudget?: number;
}

/** One request's cookies as a {@link Storage} of `session` and `transaction:<state>` keys. */
export interface CookieSession extends Storage {
  /**
   * The `Set-Cookie` header values for everything set or deleted since `open()`, stale chunks
   * included; empty when nothing changed. Call it after every `set`/`delete` has settled.
   */
  setCookieHeaders(): string[];
}

/** Decrypted values kept per instance: enough for every active user of a busy server process. */
const decryptCacheCapacity = 1000;

/**
 * Encrypted cookie sessions: create one per app (it caches keys and decryptions), then `open` each
 * request's `Cookie` header and send back `setCookieHeaders()`.
 *
 * @example
 * ```ts
 * const sessions = new CookieSessions({ secrets: env.SESSION_SECRET });
 * const storage = sessions.open(request.headers.get('cookie'), { secure: url.protocol === 'https:' });
 * const client = new LogtoClient(config, { storage });
 * // … handle the request …
 * for (const cookie of storage.setCookieHeaders()) response.headers.append('set-cookie', cookie);
 * ```
 */
export class CookieSessions {
  readonly #config: ResolvedSessionConfig;
  readonly #decrypted = new LruCache<string>(decryptCacheCapacity);
  #keys: Promise<readonly CryptoKey[]> | undefined;
  #warned = false;
  readonly #sealer: SessionSealer;

  /** Validates `config` once; throws `ConfigError('InvalidOption')` saying what to fix. */
  constructor(config: CookieSessionsConfig) {
    this.#config = resolveSessionConfig(config);
    this.#sealer = {
      config: this.#config,
      seal: (plaintext, name) => this.#seal(plaintext, name),
      unseal: (sealed, name) => this.#unseal(sealed, name),
      oversized: (bytes, cookies) => this.#warnOversized(bytes, cookies),
    };
  }

  /**
   * Binds one request's cookies. `secure` sets the Secure attribute (adapters pass
   * `url.protocol === 'https:'`). Synchronous: decryption happens lazily in `get()`.
   */
  open(cookieHeader: string | null | undefined, options: { secure: boolean }): CookieSession {
    const secure = options?.secure === true;
    const name = this.#config.cookieName;
    if (!secure && (name.startsWith('__Secure-') || name.startsWith('__Host-'))) {
      // Browsers drop such cookies without Secure, which would loop the user through sign-in.
      throw new ConfigError({
        reason: 'InvalidOption',
        message: `CookieSessions: cookieName "${name}" needs Secure cookies; serve over https or drop the prefix.`,
      });
    }
    return new RequestCookieSession(this.#sealer, parseCookieHeader(cookieHeader), secure);
  }

  /** Every secret's key, derived once; a failed derivation is retried on the next call. */
  #derivedKeys(): Promise<readonly CryptoKey[]> {
    if (this.#keys === undefined) {
      const keys = Promise.all(this.#config.secrets.map(deriveSealingKey));
      this.#keys = keys;
      keys.catch(() => {
        if (this.#keys === keys) this.#keys = undefined;
      });
    }
    return this.#keys;
  }

  async #seal(plaintext: string, name: string): Promise<string> {
    const [key] = await this.#derivedKeys();
    const sealed = await seal(key!, plaintext, name);
    // The next request will bring this exact value back: it needs no decryption then.
    this.#decrypted.set(`${name}=${sealed}`, plaintext);
    return sealed;
  }

  async #unseal(sealed: string, name: string): Promise<string | null> {
    const cacheKey = `${name}=${sealed}`;
    const cached = this.#decrypted.get(cacheKey);
    if (cached !== undefined) return cached;
    const plaintext = await unseal(await this.#derivedKeys(), sealed, name);
    if (plaintext !== null) this.#decrypted.set(cacheKey, plaintext);
    return plaintext;
  }

  #warnOversized(bytes: number, cookies: number): void {
    if (this.#warned) return;
    this.#warned = true;
    console.warn(
      `[logto-machine] The session is ${bytes} bytes across ${cookies} cookies (chunkBudget ${this.#config.chunkBudget}). ` +
        'It was written anyway, but browsers and proxies limit request headers: request fewer resources or ' +
        'organizations, or keep the session in a server-side store.',
    );
  }
}
