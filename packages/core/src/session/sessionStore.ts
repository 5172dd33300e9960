/**
 * How {@link StoreSessions} keeps sessions in an unstorage store: the key layout, the stored entries
 * and the index by `sid`/`sub`.
 *
 * | key                             | value                                                      | TTL                    |
 * | ------------------------------- | ---------------------------------------------------------- | ---------------------- |
 * | `<prefix>session:<id>`          | `{ v: 1, value, expiresAt }`, or `{ v: 1, deleted: true }` | session max-age        |
 * | `<prefix>ended:<id>`            | `{ v: 1 }`: the session was ended (signed out, logged out)  | session max-age        |
 * | `<prefix>tx:<id>:<state>`       | `{ v: 1, value, expiresAt }`                               | transaction max-age    |
 * | `<prefix>previous:<id>`         | the ids this one replaced at sign-in (newest first)         | transaction max-age    |
 * | `<prefix>by-sid:<sid>`          | JSON list of `[id, expiresAt]`, oldest first               | 1.5 × session max-age  |
 * | `<prefix>by-sub:<sub>`          | JSON list of `[id, expiresAt]`, oldest first               | 1.5 × session max-age  |
 *
 * Entries carry their own `expiresAt`, checked on every read: drivers that ignore unstorage's `ttl`
 * option (memory, lru-cache, fs) still never serve an expired session, they only keep it longer.
 *
 * Every store call is bounded by a timeout and any failure is a `StorageError('Unavailable')` (adapters
 * answer 503): a store that is down never hangs a request and never reads as signed out, so nothing
 * is lost and nobody is sent around the sign-in loop.
 *
 * An ended session cannot come back. Unstorage has no compare-and-set, so ending writes the `ended:`
 * marker first and then a tombstone over the session; a write checks the marker *after* writing and
 * puts the tombstone back if it finds one. Whatever the interleaving, a write that raced an end is
 * either overwritten by the end's tombstone or sees its marker.
 *
 * Every live session stays in the index of its `sid` and `sub` for as long as it can be read, so a
 * back-channel logout finds them all: index entries outlive the session writes they cover, a write
 * re-lists a session a concurrent writer dropped, and a claim holds at most {@link indexCapacity}
 * sessions — a sign-in beyond that ends the oldest instead of leaving it unlisted.
 *
 * @module
 */

import { StorageError } from '../errors.ts';
import type { ClockShape } from '../ports/Clock.ts';
import { LruCache } from './LruCache.ts';
import type { SessionKeyValueStore } from './SessionKeyValueStore.ts';
import { signedInClaims } from './storedSession.ts';

/** What {@link SessionStore} needs to know. */
export interface SessionStoreSettings {
  readonly store: SessionKeyValueStore;
  readonly keyPrefix: string;
  readonly maxAgeSeconds: number;
  readonly transactionMaxAgeSeconds: number;
  readonly timeoutMs: number;
  /** What entries' `expiresAt` and index listings are measured against. */
  readonly clock: ClockShape;
}

/** A stored session or transaction value. */
interface LiveEntry {
  readonly v: 1;
  readonly value: string;
  readonly expiresAt: number;
}

/** What a session key holds: its value, a tombstone, or nothing (missing, expired, unreadable). */
export type SessionEntry = { readonly value: string } | 'deleted' | null;

/**
 * How many sessions one `sid` or `sub` keeps listed. A sign-in beyond it ends the oldest of them: a
 * session the index cannot list could not be ended by a back-channel logout.
 */
export const indexCapacity = 1000;
/** How many sessions are ended at once by {@link StoreSessions.deleteSessions}. */
const endConcurrency = 16;
/** How many earlier ids a session remembers, for sign-ins started in other tabs before it rotated. */
const previousCapacity = 3;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIdList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** An index entry: a session id and until when it is listed. */
type IndexEntry = readonly [id: string, listedUntil: number];

const isIndexEntry = (value: unknown): value is IndexEntry =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number';

const utf8 = new TextDecoder();

/**
 * A stored entry as `getItemRaw` gives it, parsed: drivers hand back the JSON text unstorage wrote
 * (memory, Redis, KV), its bytes (fs), or a value they parsed themselves. Unparsable text is `null`
 * (a missing session). Plain `JSON.parse` is safe here: only own fields are read, nothing is merged.
 */
const parseStored = (raw: unknown): unknown => {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) text = utf8.decode(raw);
  else return raw;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** A claim value as one key segment: unstorage treats `:`, `/`, `\`, `?` and `..` specially. */
const segment = (value: string) => encodeURIComponent(value).replace(/\./g, '%2E');

/** The session store behind every request of one {@link StoreSessions}. */
export class SessionStore {
  readonly #settings: SessionStoreSettings;
  /** Session id → its stored text as last read, and that text parsed (see {@link readSession}). */
  readonly #lastRead = new LruCache<{ readonly raw: string; readonly parsed: unknown }>(1000);

  constructor(settings: SessionStoreSettings) {
    this.#settings = settings;
  }

  /** The store key of the session under `id`. */
  sessionEntryKey(id: string): string {
    return `${this.#settings.keyPrefix}session:${id}`;
  }

  /** The store key of the pending sign-in `state` started under `id`. */
  transactionEntryKey(id: string, state: string): string {
    return `${this.#settings.keyPrefix}tx:${id}:${state}`;
  }

  #endedKey(id: string): string {
    return `${this.#settings.keyPrefix}ended:${id}`;
  }

  #previousKey(id: string): string {
    return `${this.#settings.keyPrefix}previous:${id}`;
  }

  #indexKey(kind: 'sid' | 'sub', claim: string): string {
    return `${this.#settings.keyPrefix}by-${kind}:${segment(claim)}`;
  }

  /**
   * The session under `id`. Read raw and parsed here, memoised per id by the stored text: an unchanged
   * session costs one string comparison instead of unstorage's `destr` parse, and keeps handing out the
   * same `value` string, so the parsed-record memo behind it hits without hashing a fresh copy.
   */
  async readSession(id: string): Promise<SessionEntry> {
    const { store } = this.#settings;
    const key = this.sessionEntryKey(id);
    const raw = await this.#call('read', () =>
      typeof store.getItemRaw === 'function' ? store.getItemRaw(key) : store.getItem(key),
    );
    let stored: unknown;
    if (typeof raw === 'string') {
      const last = this.#lastRead.get(id);
      if (last?.raw === raw) stored = last.parsed;
      else {
        stored = parseStored(raw);
        this.#lastRead.set(id, { raw, parsed: stored });
      }
    } else stored = parseStored(raw);
    if (isObject(stored) && stored.v === 1 && stored.deleted === true) return 'deleted';
    return this.#live(stored);
  }

  /** The transaction value under `key`, or `null`. */
  async readTransaction(key: string): Promise<string | null> {
    const entry = this.#live(await this.#call('read', () => this.#settings.store.getItem(key)));
    return entry?.value ?? null;
  }

  #live(stored: unknown): { value: string } | null {
    if (!isObject(stored) || stored.v !== 1 || typeof stored.value !== 'string') return null;
    if (typeof stored.expiresAt !== 'number' || stored.expiresAt <= this.#settings.clock.now()) return null;
    return { value: stored.value };
  }

  /**
   * Writes the session under `id` for the session max-age and lists it under its `sid` and `sub`;
   * `'ended'` when the session was ended meanwhile (the write is undone, see the module notes).
   */
  async writeSession(id: string, value: string): Promise<'written' | 'ended'> {
    await this.#write(this.sessionEntryKey(id), value, this.#settings.maxAgeSeconds);
    if (await this.#isEnded(id)) {
      await this.#tombstone(id);
      return 'ended';
    }
    await this.#index(id, value);
    return 'written';
  }

  async #isEnded(id: string): Promise<boolean> {
    const marker = await this.#call('read', () => this.#settings.store.getItem(this.#endedKey(id)));
    return isObject(marker) && marker.v === 1;
  }

  /** Writes a transaction for the transaction max-age. */
  writeTransaction(key: string, value: string): Promise<void> {
    return this.#write(key, value, this.#settings.transactionMaxAgeSeconds);
  }

  #write(key: string, value: string, ttl: number): Promise<void> {
    const entry: LiveEntry = { v: 1, value, expiresAt: this.#settings.clock.now() + ttl * 1000 };
    return this.#call('write', () => this.#settings.store.setItem(key, entry, { ttl }));
  }

  /**
   * Ends the session under `id`: it reads as signed out and takes no more writes, also from requests
   * that read it before (the `ended:` marker first, then the tombstone; see the module notes).
   */
  async deleteSession(id: string): Promise<void> {
    const ttl = this.#settings.maxAgeSeconds;
    await this.#call('write', () => this.#settings.store.setItem(this.#endedKey(id), { v: 1 }, { ttl }));
    await this.#tombstone(id);
  }

  #tombstone(id: string): Promise<void> {
    const ttl = this.#settings.maxAgeSeconds;
    return this.#call('write', () =>
      this.#settings.store.setItem(this.sessionEntryKey(id), { v: 1, deleted: true }, { ttl }),
    );
  }

  remove(key: string): Promise<void> {
    return this.#call('write', () => this.#settings.store.removeItem(key));
  }

  /** The ids `id` replaced at sign-in, newest first (their pending transactions still count). */
  async previousIds(id: string): Promise<string[]> {
    const stored = await this.#call('read', () => this.#settings.store.getItem(this.#previousKey(id)));
    return isIdList(stored) ? stored : [];
  }

  /** Records that `id` replaced `previous` (and what `previous` had replaced). */
  async linkPrevious(id: string, previous: string): Promise<void> {
    const ids = [previous, ...(await this.previousIds(previous))].slice(0, previousCapacity);
    const ttl = this.#settings.transactionMaxAgeSeconds;
    await this.#call('write', () => this.#settings.store.setItem(this.#previousKey(id), ids, { ttl }));
  }

  /** The ids listed under `sid` (when given) or else `sub`, oldest first. */
  async indexedIds(kind: 'sid' | 'sub', claim: string): Promise<string[]> {
    return (await this.#readIndex(this.#indexKey(kind, claim), this.#settings.clock.now())).map(([id]) => id);
  }

  /** Ends the sessions `end` picks among `ids`, a few at a time; returns how many it ended. */
  async endSessions(ids: readonly string[], end: (entry: SessionEntry) => boolean): Promise<number> {
    let ended = 0;
    for (let start = 0; start < ids.length; start += endConcurrency) {
      const batch = ids.slice(start, start + endConcurrency);
      const results = await Promise.all(
        batch.map(async (id) => {
          if (!end(await this.readSession(id))) return 0;
          await this.deleteSession(id);
          return 1;
        }),
      );
      for (const result of results) ended += result;
    }
    return ended;
  }

  /** The live entries of an index list; lists of earlier versions (plain ids) count as fresh. */
  async #readIndex(key: string, now: number): Promise<IndexEntry[]> {
    const stored = await this.#call('read', () => this.#settings.store.getItem(key));
    if (isIdList(stored)) return stored.map((id) => [id, now + this.#listingMs()] as const);
    if (!Array.isArray(stored)) return [];
    return stored.filter((entry): entry is IndexEntry => isIndexEntry(entry) && entry[1] > now);
  }

  /**
   * How long a listing lasts: 1.5 × the max-age. A session is re-listed by the first write after half
   * its listing has passed, so it is always listed for at least a max-age after its last write — and a
   * session lives at most a max-age after its last write.
   */
  #listingMs(): number {
    return this.#settings.maxAgeSeconds * 1500;
  }

  /**
   * Lists `id` under its ID token's `sid` and `sub`. Unstorage has no atomic append, so each write
   * reads the list first and again after writing (up to 3 times): a session a concurrent writer
   * dropped is listed again, at the latest by its own next write.
   */
  async #index(id: string, value: string): Promise<void> {
    const claims = signedInClaims(value);
    if (!claims) return;
    const maxAgeMs = this.#settings.maxAgeSeconds * 1000;
    for (const kind of ['sid', 'sub'] as const) {
      const claim = claims[kind];
      if (typeof claim !== 'string' || claim === '') continue;
      const key = this.#indexKey(kind, claim);
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = this.#settings.clock.now();
        const entries = await this.#readIndex(key, now);
        const listed = entries.find(([other]) => other === id);
        if (listed !== undefined && listed[1] >= now + maxAgeMs) break;
        const next: IndexEntry[] = [
          ...entries.filter(([other]) => other !== id),
          [id, now + this.#listingMs()],
        ];
        const pushedOut = next.splice(0, Math.max(0, next.length - indexCapacity));
        const ttl = Math.ceil(this.#listingMs() / 1000);
        await this.#call('write', () => this.#settings.store.setItem(key, next, { ttl }));
        // Sessions no longer listed are ended rather than left out of reach of a logout.
        await this.endSessions(
          pushedOut.map(([other]) => other),
          (entry) => entry !== null && entry !== 'deleted',
        );
      }
    }
  }

  /** Runs one store call, bounded by the timeout; any failure is a `StorageError`. */
  async #call<A>(operation: 'read' | 'write', call: () => Promise<A>): Promise<A> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.#settings.timeoutMs} ms`)),
        this.#settings.timeoutMs,
      );
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (cause) {
      throw new StorageError({
        reason: 'Unavailable',
        message: `The session store failed to ${operation} (${
          cause instanceof Error ? cause.message : 'unknown error'
        }); check that it is reachable.`,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
