/**
 * The {@link RequestSession} of one request in store mode: the cookie holds a signed session id, the
 * values live in the store. Reads always go to the store (another instance may have refreshed the
 * session meanwhile); writes go there at once, and `setCookieHeaders()` says what the browser must
 * change: a new id, a renewed Max-Age, or the cookie's removal.
 *
 * @module
 */
import { StorageError } from '../errors.ts';
import { cookieNamesOf } from './chunking.ts';
import { serializeAttributes, serializeSetCookie } from './cookieHeader.ts';
import type { RequestSession } from './Sessions.ts';
import { newSessionId, type VerifiedSessionId } from './sessionId.ts';
import type { SessionStore } from './sessionStore.ts';
import { isSignedIn, sessionKey, transactionStateOf } from './storedSession.ts';

/** What a request-bound store session needs from its {@link StoreSessions}. */
export interface StoreSessionContext {
  readonly store: SessionStore;
  readonly cookieName: string;
  readonly path: string;
  readonly maxAgeSeconds: number;
  /** The id in a session cookie value, if the value is authentic, and the index of the secret that signed it. */
  verify(value: string): Promise<VerifiedSessionId | null>;
  /** The session cookie value for `id`, signed under the current secret. */
  sign(id: string): Promise<string>;
}

/** A {@link RequestSession} whose cookie is a signed id into a {@link SessionStore}. */
export class StoreRequestSession implements RequestSession {
  readonly #context: StoreSessionContext;
  readonly #incoming: ReadonlyMap<string, string>;
  readonly #secure: boolean;
  /** The id this request works on: from the cookie, or new; `null` when there is none yet. */
  #id: Promise<string | null> | undefined;
  /** The cookie to send: a signed id, or `'expire'`. */
  #cookie: string | 'expire' | undefined;
  /** The id {@link #cookie} is signed for. */
  #cookieId: string | undefined;
  /**
   * Set by {@link rotateId}: the id a sign-in replaces (`null` when the browser had none). The new
   * session is written under a fresh id; this one is ended afterwards.
   */
  #replaced: string | null | undefined;
  /** The id's session was deleted (signed out here or elsewhere): it takes no more sign-ins. */
  #deleted = false;
  /** Where each transaction read in this request was found (it may predate the last id rotation). */
  readonly #transactionIds = new Map<string, string>();
  readonly #inFlight = new Map<string, Promise<string | null>>();
  #pendingWrites = 0;

  constructor(context: StoreSessionContext, incoming: ReadonlyMap<string, string>, secure: boolean) {
    this.#context = context;
    this.#incoming = incoming;
    this.#secure = secure;
  }

  /** The cookie's id if it is authentic; re-signed under the current secret if an older one signed it. */
  #currentId(): Promise<string | null> {
    this.#id ??= (async () => {
      const value = this.#incoming.get(this.#context.cookieName);
      if (value === undefined) return null;
      const verified = await this.#context.verify(value);
      if (verified && verified.keyIndex > 0 && this.#cookie === undefined) {
        this.#cookie = await this.#context.sign(verified.id);
        this.#cookieId = verified.id;
      }
      return verified?.id ?? null;
    })();
    return this.#id;
  }

  /** Moves this request to a fresh id and sends it to the browser. */
  async #newId(): Promise<string> {
    const id = newSessionId();
    this.#id = Promise.resolve(id);
    this.#deleted = false;
    await this.#sendCookie(id);
    return id;
  }

  /** Sends the browser the cookie of `id`, with a renewed Max-Age. */
  async #sendCookie(id: string): Promise<void> {
    this.#cookie = await this.#context.sign(id);
    this.#cookieId = id;
  }

  async get(key: string): Promise<string | null> {
    if (key !== sessionKey && this.#state(key) === null) return null;
    // Concurrent reads of one key share one store call; later reads ask the store again.
    let read = this.#inFlight.get(key);
    if (read === undefined) {
      read = this.#read(key).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, read);
    }
    return read;
  }

  async #read(key: string): Promise<string | null> {
    const id = await this.#currentId();
    if (id === null) return null;
    const { store } = this.#context;
    if (key === sessionKey) {
      const entry = await store.readSession(id);
      if (entry === 'deleted') this.#deleted = true;
      return entry === 'deleted' || entry === null ? null : entry.value;
    }
    const state = this.#state(key)!;
    const known = this.#transactionIds.get(state);
    if (known !== undefined) return store.readTransaction(store.transactionEntryKey(known, state));
    // A sign-in started in another tab before this session's id rotated is kept under an earlier id.
    const value = await store.readTransaction(store.transactionEntryKey(id, state));
    if (value !== null) {
      this.#transactionIds.set(state, id);
      return value;
    }
    for (const previous of await store.previousIds(id)) {
      const earlier = await store.readTransaction(store.transactionEntryKey(previous, state));
      if (earlier !== null) {
        this.#transactionIds.set(state, previous);
        return earlier;
      }
    }
    return null;
  }

  async set(key: string, value: string): Promise<void> {
    const state = key === sessionKey ? undefined : this.#state(key);
    if (state === null || typeof value !== 'string') {
      throw new StorageError({
        reason: 'WriteFailed',
        message: `A store session keeps only "session" and "transaction:<base64url state>" strings; it cannot store "${key}".`,
      });
    }
    this.#pendingWrites++;
    try {
      if (state === undefined) await this.#setSession(value);
      else await this.#setTransaction(state, value);
    } finally {
      this.#pendingWrites--;
    }
  }

  async #setSession(value: string): Promise<void> {
    const { store } = this.#context;
    let id = await this.#currentId();
    const signedIn = isSignedIn(value);
    // Asked afresh: the session may have been deleted (signed out elsewhere) since this request read it.
    const stored = id === null ? null : await store.readSession(id);
    if (stored === 'deleted') {
      // Tokens for a deleted session are dropped, never revived under a new id; a new sign-in starts afresh.
      if (signedIn) return this.#ended();
      id = null;
    }
    // A visitor who has not signed in keeps nothing in the store but pending sign-ins (short TTL):
    // a record without tokens (signing in, a failed callback) is not worth 14 days of storage.
    if (signedIn === false && (stored === null || stored === 'deleted')) return;
    id ??= await this.#newId();
    if ((await store.writeSession(id, value)) === 'ended') return this.#ended();
    // Renews the cookie's Max-Age with the store entry's TTL (and sends a rotated id).
    if (this.#cookie === undefined || this.#cookie === 'expire' || this.#cookieId !== id) {
      await this.#sendCookie(id);
    }
    if (this.#replaced !== undefined) await this.#endReplaced(id);
  }

  /** This request's session was ended (signed out here or elsewhere): it takes no more writes. */
  #ended(): void {
    this.#deleted = true;
    this.#cookie = 'expire';
    this.#cookieId = undefined;
  }

  /**
   * After a sign-in's session is written under its fresh id: pending sign-ins of other tabs stay
   * reachable from it, and the replaced id's session ends. Best effort: the new session is complete
   * without it, and whatever the replaced id holds was never this sign-in's.
   */
  async #endReplaced(id: string): Promise<void> {
    const replaced = this.#replaced;
    this.#replaced = undefined;
    if (replaced === null || replaced === undefined) return;
    const { store } = this.#context;
    try {
      await store.linkPrevious(id, replaced);
      const entry = await store.readSession(replaced);
      if (entry !== null && entry !== 'deleted') await store.deleteSession(replaced);
    } catch {
      // The replaced session expires with its TTL.
    }
  }

  async #setTransaction(state: string, value: string): Promise<void> {
    const { store } = this.#context;
    let id = await this.#currentId();
    // A sign-in from the cookie of a deleted session starts under a fresh id.
    if (id !== null && !this.#deleted && (await store.readSession(id)) === 'deleted') this.#deleted = true;
    if (id === null || this.#deleted) id = await this.#newId();
    await store.writeTransaction(store.transactionEntryKey(id, state), value);
    this.#transactionIds.set(state, id);
  }

  async delete(key: string): Promise<void> {
    const state = key === sessionKey ? undefined : this.#state(key);
    if (state === null) return;
    const id = await this.#currentId();
    if (id === null) return;
    const { store } = this.#context;
    if (state === undefined) {
      await store.deleteSession(id);
      this.#deleted = true;
      this.#cookie = 'expire';
    } else {
      await store.remove(store.transactionEntryKey(this.#transactionIds.get(state) ?? id, state));
      this.#transactionIds.delete(state);
    }
  }

  /**
   * Called by the client when a sign-in succeeded, before it writes the new session: that session is
   * written under a fresh id, never under the id the browser brought (which may have been planted or
   * learnt before sign-in: no session fixation, not even for the length of a request), and the old
   * id's session is ended once the new one is stored.
   */
  async rotateId(): Promise<void> {
    const previous = await this.#currentId();
    const id = newSessionId();
    this.#replaced = previous;
    this.#id = Promise.resolve(id);
    this.#deleted = false;
  }

  setCookieHeaders(): string[] {
    if (this.#pendingWrites > 0) {
      throw new StorageError({
        reason: 'WriteFailed',
        message: 'setCookieHeaders() was called while a write was still pending; await every set() first.',
      });
    }
    if (this.#cookie === undefined) return [];
    const { cookieName, path, maxAgeSeconds } = this.#context;
    const expired = serializeAttributes({ path, maxAgeSeconds: 0, secure: this.#secure });
    const headers: string[] = [];
    if (this.#cookie === 'expire') {
      if (this.#incoming.has(cookieName)) headers.push(serializeSetCookie(cookieName, '', expired));
    } else {
      const attributes = serializeAttributes({ path, maxAgeSeconds, secure: this.#secure });
      headers.push(serializeSetCookie(cookieName, this.#cookie, attributes));
    }
    // Chunks of a cookie-mode session under the same name (before switching to store mode) go too.
    for (const stale of cookieNamesOf(this.#incoming, cookieName)) {
      if (stale !== cookieName) headers.push(serializeSetCookie(stale, '', expired));
    }
    return headers;
  }

  /** The cookie holds only the session's id: a copy that stays on the server needs nothing more. */
  forwardedSetCookieHeaders(): string[] {
    return this.setCookieHeaders();
  }

  /** The state of a `transaction:<state>` key; `null` for keys a session does not keep. */
  #state(key: string): string | null {
    return transactionStateOf(key);
  }
}
