/**
 * How {@link StoreSessions} keeps sessions in an unstorage store: the key layout, the stored entries
 * and the index by `sid`/`sub`.
 *
 * | key                             | value                                                    | TTL                  |
 * | ------------------------------- | -------------------------------------------------------- | -------------------- |
 * | `<prefix>session:<id>`          | `{ v: 1, value, expiresAt }`, or `{ v: 1, deleted: true }` | session max-age      |
 * | `<prefix>tx:<id>:<state>`       | `{ v: 1, value, expiresAt }`                             | transaction max-age  |
 * | `<prefix>previous:<id>`         | the ids this one replaced at sign-in (newest first)       | transaction max-age  |
 * | `<prefix>by-sid:<sid>`          | JSON list of session ids                                 | session max-age      |
 * | `<prefix>by-sub:<sub>`          | JSON list of session ids                                 | session max-age      |
 *
 * Entries carry their own `expiresAt`, checked on every read: drivers that ignore unstorage's `ttl`
 * option (memory, lru-cache, fs) still never serve an expired session, they only keep it longer.
 *
 * Every store call is bounded by a timeout and any failure is a `StorageError('Unavailable')` (adapters
 * answer 503): a store that is down never hangs a request and never reads as signed out, so nothing
 * is lost and nobody is sent around the sign-in loop.
 *
 * A deleted session leaves a tombstone for its max-age, so a request that read it before the delete
 * cannot bring it back by writing (the id's cookie may live that long).
 *
 * @module
 */
import type { Storage as Unstorage } from 'unstorage';
import { StorageError } from '../errors.ts';
import { claimsOf, readSessionRecord } from '../runtime/sessionRecord.ts';
import { LruCache } from './LruCache.ts';

/** What {@link SessionStore} needs to know. */
export interface SessionStoreSettings {
  readonly store: Unstorage;
  readonly keyPrefix: string;
  readonly maxAgeSeconds: number;
  readonly transactionMaxAgeSeconds: number;
  readonly timeoutMs: number;
}

/** A stored session or transaction value. */
interface LiveEntry {
  readonly v: 1;
  readonly value: string;
  readonly expiresAt: number;
}

/** What a session key holds: its value, a tombstone, or nothing (missing, expired, unreadable). */
export type SessionEntry = { readonly value: string } | 'deleted' | null;

/** How many ids an index list keeps (the newest); older sign-ins of the same user drop out. */
const indexCapacity = 100;
/** How many earlier ids a session remembers, for sign-ins started in other tabs before it rotated. */
const previousCapacity = 3;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIdList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

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
  /** `<kind>|<claim>|<id>` → when this process last wrote that index entry. */
  readonly #indexed = new LruCache<number>(10_000);
  /** Session id → its stored text as last read, and that text parsed (see {@link readSession}). */
  readonly #lastRead = new LruCache<{ readonly raw: string; readonly parsed: unknown }>(1000);

  constructor(settings: SessionStoreSettings) {
    this.#settings = settings;
  }

  sessionKey(id: string): string {
    return `${this.#settings.keyPrefix}session:${id}`;
  }

  transactionKey(id: string, state: string): string {
    return `${this.#settings.keyPrefix}tx:${id}:${state}`;
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
    const key = this.sessionKey(id);
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
    if (typeof stored.expiresAt !== 'number' || stored.expiresAt <= Date.now()) return null;
    return { value: stored.value };
  }

  /** Writes the session under `id` for the session max-age, and indexes it by `sid` and `sub`. */
  async writeSession(id: string, value: string): Promise<void> {
    await this.#write(this.sessionKey(id), value, this.#settings.maxAgeSeconds);
    await this.#index(id, value);
  }

  /** Writes a transaction for the transaction max-age. */
  writeTransaction(key: string, value: string): Promise<void> {
    return this.#write(key, value, this.#settings.transactionMaxAgeSeconds);
  }

  #write(key: string, value: string, ttl: number): Promise<void> {
    const entry: LiveEntry = { v: 1, value, expiresAt: Date.now() + ttl * 1000 };
    return this.#call('write', () => this.#settings.store.setItem(key, entry, { ttl }));
  }

  /** Replaces the session under `id` with a tombstone: it reads as signed out and takes no more writes. */
  deleteSession(id: string): Promise<void> {
    const ttl = this.#settings.maxAgeSeconds;
    return this.#call('write', () =>
      this.#settings.store.setItem(this.sessionKey(id), { v: 1, deleted: true }, { ttl }),
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

  /** The ids listed under `sid` (when given) or else `sub`. */
  async indexedIds(kind: 'sid' | 'sub', claim: string): Promise<string[]> {
    const stored = await this.#call('read', () => this.#settings.store.getItem(this.#indexKey(kind, claim)));
    return isIdList(stored) ? stored : [];
  }

  /** Drops the index list of `claim`. */
  dropIndex(kind: 'sid' | 'sub', claim: string): Promise<void> {
    return this.remove(this.#indexKey(kind, claim));
  }

  /**
   * Adds `id` to the lists of its ID token's `sid` and `sub`. Unstorage has no atomic append, so after
   * writing a list it reads it back and tries again (up to 3 times) if a concurrent writer dropped `id`.
   */
  async #index(id: string, value: string): Promise<void> {
    const record = readSessionRecord(value);
    const claims = record?.tags.has('authenticated') ? claimsOf(record) : null;
    if (!claims) return;
    const now = Date.now();
    // Rewritten at half the max-age, so a list never expires before the sessions it lists.
    const fresh = (at: number | undefined) =>
      at !== undefined && now - at < (this.#settings.maxAgeSeconds * 1000) / 2;
    for (const kind of ['sid', 'sub'] as const) {
      const claim = claims[kind];
      if (typeof claim !== 'string' || claim === '') continue;
      const cacheKey = `${kind}|${claim}|${id}`;
      if (fresh(this.#indexed.get(cacheKey))) continue;
      const key = this.#indexKey(kind, claim);
      for (let attempt = 0; attempt < 3; attempt++) {
        const ids = await this.indexedIds(kind, claim);
        const next = [...ids.filter((other) => other !== id), id].slice(-indexCapacity);
        const ttl = this.#settings.maxAgeSeconds;
        await this.#call('write', () => this.#settings.store.setItem(key, next, { ttl }));
        if ((await this.indexedIds(kind, claim)).includes(id)) break;
      }
      this.#indexed.set(cacheKey, now);
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
