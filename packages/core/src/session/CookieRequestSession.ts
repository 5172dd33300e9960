/**
 * The {@link RequestSession} of one request in cookie mode: reads decrypt the request's cookies lazily, writes
 * are sealed at once and turned into `Set-Cookie` headers on demand.
 *
 * @module
 */
import { StorageError } from '../errors.ts';
import {
  type CookiePair,
  findCookiesOf,
  isCookieOf,
  joinCookies,
  maxChunks,
  splitIntoCookies,
} from './chunking.ts';
import { findCookies, serializeSetCookie } from './cookieHeader.ts';
import type { RequestSession } from './Sessions.ts';
import type { ResolvedSessionConfig } from './sessionConfig.ts';
import { sessionKey, transactionStateOf } from './storedSession.ts';

/**
 * The most sign-in transaction cookies a browser keeps: each pending sign-in has its own, and a link
 * to the sign-in route (which anyone can send) plants one, so without a cap enough of them would make
 * every request too large for the server (431) until they expire. Three cover the tabs a user signs
 * in from at once; a fourth sign-in drops the oldest, whose callback then asks to sign in again.
 */
export const maxTransactionCookies = 3;

/** What a request-bound session needs from its {@link CookieSessions}. */
export interface SessionSealer {
  readonly config: ResolvedSessionConfig;
  /** Encrypts `plaintext` bound to the logical cookie `name`. */
  seal(plaintext: string, name: string): Promise<string>;
  /** Decrypts a value bound to `name`; `null` when it is not authentic. */
  unseal(sealed: string, name: string): Promise<string | null>;
  /**
   * The plaintext of a value bound to `name` when it can be had without waiting — decrypted (or
   * sealed) before, or opened synchronously where the runtime lends its crypto — `null` when it is
   * not authentic; else `undefined` (then {@link SessionSealer.unseal}).
   */
  unsealed(sealed: string, name: string): string | null | undefined;
  /**
   * The cookies of a session over the chunk budget, written without cached access tokens (see
   * `cookieBudget.ts`), and reports it; the given cookies when nothing smaller fits better.
   */
  fitBudget(value: string, name: string, attributes: string, cookies: CookiePair[]): Promise<CookiePair[]>;
}

/** The attribute parts of the `Set-Cookie` headers, built once per {@link CookieSessions} and Secure flag. */
export interface CookieAttributeStrings {
  readonly session: string;
  readonly transaction: string;
  readonly expired: string;
}

/** Where a storage key lives: the real cookie name and the name its value is bound to. */
interface Target {
  readonly cookie: string;
  readonly boundTo: string;
  readonly isSession: boolean;
}

/** Whether a write starts a sign-in: it sets (not deletes) a transaction. */
const startsSignIn = (write: PendingWrite) => write.value !== null && write.key !== sessionKey;

/** A write not yet sent: `value` null for a delete; `cookies` undefined while still encrypting. */
interface PendingWrite {
  readonly key: string;
  readonly value: string | null;
  readonly attributes: string;
  cookies?: readonly CookiePair[] | undefined;
  /** The session's cookies before the budget cut, when `cookies` had to leave access tokens out. */
  uncut?: readonly CookiePair[] | undefined;
}

/** The part of a state a transaction cookie's name keeps (see {@link CookieRequestSession.#target}). */
const statePrefix = /^[A-Za-z0-9_-]{1,16}$/;
/** A lone surrogate cannot be encoded as UTF-8, so it would not read back as written. */
const loneSurrogate = /\p{Cs}/u;

/** A {@link RequestSession} over one request's parsed cookies. */
export class CookieRequestSession implements RequestSession {
  readonly #sealer: SessionSealer;
  readonly #cookieHeader: string | null | undefined;
  /** The request cookies of each logical cookie read so far (itself and its chunks), by its name. */
  #found: Map<string, ReadonlyMap<string, string>> | undefined;
  // Both made on first use: most requests write nothing and read one key.
  #writes: Map<string, PendingWrite> | undefined;
  #reads: Map<string, Promise<string | null>> | undefined;
  readonly #attributes: CookieAttributeStrings;
  #sessionTarget: Target | undefined;
  /** The session cookie's plaintext once {@link peek} found it; `undefined` while unknown. */
  #sessionAtHand: string | null | undefined;

  constructor(
    sealer: SessionSealer,
    cookieHeader: string | null | undefined,
    attributes: CookieAttributeStrings,
  ) {
    this.#sealer = sealer;
    this.#cookieHeader = cookieHeader;
    this.#attributes = attributes;
  }

  /**
   * The request cookies of the logical cookie `cookie` (itself and its chunks), found in one pass over
   * the header on first use. Never the map of every cookie, and never one search per chunk: a header
   * of planted chunks (`logto_session.0` … `.999`) costs the same single pass as any other.
   */
  #cookiesOf(cookie: string): ReadonlyMap<string, string> {
    this.#found ??= new Map();
    let found = this.#found.get(cookie);
    if (found === undefined) {
      found = findCookiesOf(this.#cookieHeader, cookie);
      this.#found.set(cookie, found);
    }
    return found;
  }

  // Not `async`: the read's own promise is returned, so a cached read costs no extra promise or tick.
  get(key: string): Promise<string | null> {
    const target = this.#target(key);
    if (target === null) return Promise.resolve(null);
    const write = this.#writes?.get(target.cookie);
    if (write !== undefined) return Promise.resolve(write.key === key ? write.value : null);
    this.#reads ??= new Map();
    let read = this.#reads.get(key);
    if (read === undefined) {
      const sealed = joinCookies(this.#cookiesOf(target.cookie), target.cookie);
      read = sealed === null ? Promise.resolve(null) : this.#sealer.unseal(sealed, target.boundTo);
      this.#reads.set(key, read);
      read.catch(() => this.#reads?.delete(key));
    }
    return read;
  }

  peek(key: string): string | null | undefined {
    const target = this.#target(key);
    if (target === null) return null;
    const write = this.#writes?.get(target.cookie);
    if (write !== undefined) return write.key === key ? write.value : null;
    // The request's cookies never change, so once known the session cookie's value is kept (writes,
    // checked above, take precedence); a request often reads the session several times.
    if (target.isSession && this.#sessionAtHand !== undefined) return this.#sessionAtHand;
    const sealed = joinCookies(this.#cookiesOf(target.cookie), target.cookie);
    const value = sealed === null ? null : this.#sealer.unsealed(sealed, target.boundTo);
    if (target.isSession) this.#sessionAtHand = value;
    return value;
  }

  async set(key: string, value: string): Promise<void> {
    const target = this.#target(key);
    if (target === null) {
      throw new StorageError({
        reason: 'WriteFailed',
        message: `A cookie session stores only "session" and "transaction:<base64url state>"; it cannot store "${key}".`,
      });
    }
    if (typeof value !== 'string' || loneSurrogate.test(value)) {
      throw new StorageError({
        reason: 'WriteFailed',
        message: `A cookie session stores well-formed strings only; the value for "${key}" is not one.`,
      });
    }
    const attributes = target.isSession ? this.#attributes.session : this.#attributes.transaction;
    const write: PendingWrite = { key, value, attributes };
    this.#writes ??= new Map();
    const writes = this.#writes;
    writes.set(target.cookie, write);
    let sealed: string;
    try {
      sealed = await this.#sealer.seal(value, target.boundTo);
    } catch (error) {
      if (writes.get(target.cookie) === write) writes.delete(target.cookie);
      throw error;
    }
    if (writes.get(target.cookie) !== write) return; // a later write replaced this one
    const uncut = splitIntoCookies(target.cookie, sealed, attributes, this.#sealer.config.maxCookieBytes);
    let cookies = uncut;
    if (target.isSession && cookies.length > this.#sealer.config.chunkBudget) {
      // This request keeps reading the full value; only the cookie leaves cached access tokens out.
      cookies = await this.#sealer.fitBudget(value, target.boundTo, attributes, cookies);
      if (writes.get(target.cookie) !== write) return;
      if (cookies !== uncut && uncut.length <= maxChunks) write.uncut = uncut;
    }
    if (cookies.length > maxChunks) {
      // Written, it could never be read back: the user would be signed out (or loop through sign-in)
      // with no word of why. Refused here, it reaches the app's error handling and its log.
      writes.delete(target.cookie);
      throw new StorageError({
        reason: 'WriteFailed',
        message: `The value for "${key}" would take ${cookies.length} cookies; no more than ${maxChunks} can be read back. Keep sessions in a server-side store (store mode: \`session: { store, secrets }\`), or request fewer resources and organizations.`,
      });
    }
    write.cookies = cookies;
  }

  async delete(key: string): Promise<void> {
    const target = this.#target(key);
    if (target === null) return;
    this.#writes ??= new Map();
    this.#writes.set(target.cookie, {
      key,
      value: null,
      attributes: this.#attributes.expired,
      cookies: [],
    });
  }

  setCookieHeaders(): string[] {
    return this.#headers(false);
  }

  forwardedSetCookieHeaders(): string[] {
    return this.#headers(true);
  }

  /** The `Set-Cookie` headers of every write; `uncut`: the session as written before the budget cut. */
  #headers(uncut: boolean): string[] {
    const headers: string[] = [];
    if (this.#writes === undefined) return headers;
    const dropped = this.#transactionsOverCap(this.#writes);
    for (const [cookie, write] of this.#writes) {
      if (write.cookies === undefined) {
        throw new StorageError({
          reason: 'WriteFailed',
          message: `setCookieHeaders() was called while set("${write.key}") was still encrypting; await every set() first.`,
        });
      }
      const written = new Set<string>();
      if (!dropped.has(cookie)) {
        for (const [name, value] of uncut ? (write.uncut ?? write.cookies) : write.cookies) {
          headers.push(serializeSetCookie(name, value, write.attributes));
          written.add(name);
        }
      }
      for (const stale of this.#cookiesOf(cookie).keys()) {
        if (!written.has(stale)) headers.push(serializeSetCookie(stale, '', this.#attributes.expired));
      }
      dropped.delete(cookie);
    }
    // What is left are transaction cookies of earlier requests over the cap: expired, every chunk.
    for (const cookies of dropped.values()) {
      for (const name of cookies) headers.push(serializeSetCookie(name, '', this.#attributes.expired));
    }
    return headers;
  }

  /**
   * The transaction cookies over {@link maxTransactionCookies} once this request's writes are sent,
   * oldest first, with the request cookies each is made of: none unless this request starts a sign-in.
   * The request's own come after every one it carries. Those it carries are in age order: all have the
   * configured Path, and browsers list cookies of equal Path by creation time, a replaced cookie keeping
   * the time of the one it replaced (RFC 6265 §5.3 step 11, §5.4 step 2).
   */
  #transactionsOverCap(writes: ReadonlyMap<string, PendingWrite>): Map<string, readonly string[]> {
    const over = new Map<string, readonly string[]>();
    if (![...writes.values()].some(startsSignIn)) return over;
    const byAge: [cookie: string, names: readonly string[]][] = [];
    for (const [cookie, names] of this.#carriedTransactions())
      if (!writes.has(cookie)) byAge.push([cookie, names]);
    // This request's own: what they replace, {@link setCookieHeaders} expires with them.
    for (const [cookie, write] of writes) if (startsSignIn(write)) byAge.push([cookie, []]);
    for (const [cookie, names] of byAge.slice(0, Math.max(0, byAge.length - maxTransactionCookies))) {
      over.set(cookie, names);
    }
    return over;
  }

  /**
   * The transaction cookies this request carries, in header order: each logical cookie with the names
   * of the request cookies it is made of (itself or its chunks). One pass over the header.
   */
  #carriedTransactions(): Map<string, string[]> {
    const prefix = `${this.#sealer.config.cookieName}_tx_`;
    const carried = new Map<string, string[]>();
    const found = findCookies(this.#cookieHeader, prefix, (name) => {
      const dot = name.indexOf('.', prefix.length);
      const cookie = dot === -1 ? name : name.slice(0, dot);
      return statePrefix.test(cookie.slice(prefix.length)) && isCookieOf(name, cookie);
    });
    for (const name of found.keys()) {
      const dot = name.indexOf('.', prefix.length);
      const cookie = dot === -1 ? name : name.slice(0, dot);
      const names = carried.get(cookie);
      if (names === undefined) carried.set(cookie, [name]);
      else names.push(name);
    }
    return carried;
  }

  /** The cookie a storage key lives in; `null` for keys a cookie session does not keep. */
  #target(key: string): Target | null {
    const { cookieName } = this.#sealer.config;
    if (key === sessionKey) {
      this.#sessionTarget ??= { cookie: cookieName, boundTo: cookieName, isSession: true };
      return this.#sessionTarget;
    }
    const state = transactionStateOf(key);
    if (state === null) return null;
    // The cookie name keeps 16 characters (96 bits) of state; the value is bound to all of it.
    return {
      cookie: `${cookieName}_tx_${state.slice(0, 16)}`,
      boundTo: `${cookieName}_tx_${state}`,
      isSession: false,
    };
  }
}
