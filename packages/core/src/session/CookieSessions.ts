/**
 * Encrypted, chunked cookie sessions shared by every server adapter: one {@link CookieSessions} per
 * app holds the keys and a decrypt cache; {@link CookieSessions.open} binds one request's cookies as a
 * {@link RequestSession} whose writes become `Set-Cookie` headers (the vocabulary: `Sessions.ts`).
 *
 * Unlike `@logto/node`'s `CookieStorage` (one cookie, raw SHA-256 key, no rotation, no chunking), the
 * key comes from HKDF, secrets rotate, each value is bound to its cookie name, a session that outgrows
 * one cookie is split rather than dropped (up to `maxChunks` cookies, past which it could not be read
 * back), and each pending sign-in has its own cookie (at most `maxTransactionCookies` at once).
 *
 * @module
 */
import { ConfigError } from '../errors.ts';
import { checkLogger, type Logger } from '../ports/Logger.ts';
import {
  type CookieAttributeStrings,
  CookieRequestSession,
  type SessionSealer,
} from './CookieRequestSession.ts';
import { type CookiePair, maxChunks, splitIntoCookies } from './chunking.ts';
import { sealedLength, withFewerAccessTokens } from './cookieBudget.ts';
import { serializeAttributes } from './cookieHeader.ts';
import { DecryptCache } from './decryptCache.ts';
import type { OpenSessionOptions, RequestSession, SessionsOfKind } from './Sessions.ts';
import { deriveSealingKey, type SealingKey, seal, unseal, unsealNow } from './sealing.ts';
import {
  type CookieSessionsConfig,
  type ResolvedSessionConfig,
  resolveSessionConfig,
} from './sessionConfig.ts';

export type { CookieSessionsConfig };

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
export class CookieSessions implements SessionsOfKind<'cookie'> {
  /** The session lives in the browser's cookies. */
  readonly kind = 'cookie' as const;
  readonly #config: ResolvedSessionConfig;
  readonly #decrypted = new DecryptCache(decryptCacheCapacity);
  /** The `Set-Cookie` attribute strings, without and with Secure, built once. */
  readonly #attributes: readonly [CookieAttributeStrings, CookieAttributeStrings];
  #keys: Promise<readonly SealingKey[]> | undefined;
  /** The keys once derived, so a native-path open needs no wait. */
  #keysAtHand: readonly SealingKey[] | undefined;
  #warned = false;
  readonly #sealer: SessionSealer;
  readonly #logger: Logger;

  /** Validates `config` once; throws `ConfigError('InvalidOption')` saying what to fix. */
  constructor(config: CookieSessionsConfig) {
    this.#config = resolveSessionConfig(config);
    this.#logger = checkLogger(config.logger, 'CookieSessions');
    this.#sealer = {
      config: this.#config,
      seal: (plaintext, name) => this.#seal(plaintext, name),
      unseal: (sealed, name) => this.#unseal(sealed, name),
      unsealed: (sealed, name) => this.#unsealNow(sealed, name),
      fitBudget: (value, name, attributes, cookies) => this.#fitBudget(value, name, attributes, cookies),
    };
    const attributesOf = (secure: boolean): CookieAttributeStrings => {
      const { path, maxAgeSeconds, transactionMaxAgeSeconds } = this.#config;
      return {
        session: serializeAttributes({ path, maxAgeSeconds, secure }),
        transaction: serializeAttributes({ path, maxAgeSeconds: transactionMaxAgeSeconds, secure }),
        expired: serializeAttributes({ path, maxAgeSeconds: 0, secure }),
      };
    };
    this.#attributes = [attributesOf(false), attributesOf(true)];
  }

  /**
   * Binds one request's cookies. `secure` sets the Secure attribute (adapters pass
   * `url.protocol === 'https:'`). Synchronous: decryption happens lazily in `get()`.
   */
  open(cookieHeader: string | null | undefined, options: OpenSessionOptions): RequestSession {
    const secure = options?.secure === true;
    const name = this.#config.cookieName;
    if (!secure && (name.startsWith('__Secure-') || name.startsWith('__Host-'))) {
      // Browsers drop such cookies without Secure, which would loop the user through sign-in.
      throw new ConfigError({
        reason: 'InvalidOption',
        message: `CookieSessions: cookieName "${name}" needs Secure cookies; serve over https or drop the prefix.`,
      });
    }
    return new CookieRequestSession(this.#sealer, cookieHeader, this.#attributes[secure ? 1 : 0]!);
  }

  /** Every secret's key, derived once; a failed derivation is retried on the next call. */
  #derivedKeys(): Promise<readonly SealingKey[]> {
    if (this.#keys === undefined) {
      const keys = Promise.all(this.#config.secrets.map((secret) => deriveSealingKey(secret)));
      this.#keys = keys;
      keys.then(
        (derived) => {
          this.#keysAtHand = derived;
        },
        () => {
          if (this.#keys === keys) this.#keys = undefined;
        },
      );
    }
    return this.#keys;
  }

  async #seal(plaintext: string, name: string): Promise<string> {
    const [key] = await this.#derivedKeys();
    const sealed = await seal(key!, plaintext, name);
    // The next request will bring this exact value back: it needs no decryption then.
    this.#decrypted.set(sealed, name, plaintext);
    return sealed;
  }

  /**
   * The plaintext when it can be had without waiting: cached, or opened synchronously where the keys
   * are derived and on the native path (`null` when not authentic); else `undefined`.
   */
  #unsealNow(sealed: string, name: string): string | null | undefined {
    const cached = this.#decrypted.get(sealed, name);
    if (cached !== undefined) return cached;
    if (this.#keysAtHand === undefined) {
      this.#derivedKeys();
      return undefined;
    }
    const plaintext = unsealNow(this.#keysAtHand, sealed, name);
    if (plaintext != null) this.#decrypted.offer(sealed, name, plaintext);
    return plaintext;
  }

  async #unseal(sealed: string, name: string): Promise<string | null> {
    const cached = this.#decrypted.get(sealed, name);
    if (cached !== undefined) return cached;
    const plaintext = await unseal(await this.#derivedKeys(), sealed, name);
    if (plaintext !== null) this.#decrypted.offer(sealed, name, plaintext);
    return plaintext;
  }

  /** Leaves cached access tokens out of an oversized session cookie until it fits the chunk budget. */
  async #fitBudget(
    value: string,
    name: string,
    attributes: string,
    cookies: CookiePair[],
  ): Promise<CookiePair[]> {
    const { chunkBudget, maxCookieBytes } = this.#config;
    const cookiesFor = (sealed: string) => splitIntoCookies(name, sealed, attributes, maxCookieBytes);
    const smaller = withFewerAccessTokens(value);
    let fitted: CookiePair[] | undefined;
    for (const [index, candidate] of smaller.entries()) {
      // Sealing only what could fit: the sealed length is known beforehand.
      const last = index === smaller.length - 1;
      if (!last && cookiesFor('x'.repeat(sealedLength(candidate))).length > chunkBudget) continue;
      fitted = cookiesFor(await this.#seal(candidate, name));
      if (fitted.length <= chunkBudget) break;
    }
    this.#warnOversized(value.length, cookies.length, fitted?.length);
    return fitted ?? cookies;
  }

  #warnOversized(bytes: number, cookies: number, withoutAccessTokens: number | undefined): void {
    // Over the hard cap the write fails with a StorageError that says all of this.
    if (this.#warned || (withoutAccessTokens ?? cookies) > maxChunks) return;
    this.#warned = true;
    const budget = this.#config.chunkBudget;
    const outcome =
      withoutAccessTokens === undefined
        ? 'It was written anyway, but browsers and proxies limit request headers'
        : withoutAccessTokens <= budget
          ? `To fit, the cookie leaves out its cached access tokens (${withoutAccessTokens} cookie${withoutAccessTokens === 1 ? '' : 's'}); they are fetched again with the refresh token when needed, at the cost of extra refresh grants`
          : `Even without its cached access tokens it takes ${withoutAccessTokens} cookies; it was written anyway, but browsers and proxies limit request headers`;
    this.#logger.warn(
      { bytes, cookies, chunkBudget: budget, withoutAccessTokens },
      `[logto-machine] The session is ${bytes} bytes across ${cookies} cookies (chunkBudget ${budget}). ${outcome}. ` +
        'Request fewer resources or organizations, or keep the session in a server-side store ' +
        '(store mode: `session: { store, secrets }`).',
    );
  }
}
