/**
 * The decrypt cache of {@link CookieSessions}: sealed cookie values already authenticated (or written)
 * by this instance, with their plaintext, so an unchanged cookie is not decrypted again.
 *
 * It sits on every authenticated request, so a lookup is kept cheap: the key is short (the end of the
 * sealed value, which holds the AES-GCM tag, rather than the whole ~2 KB value), a hit is confirmed by
 * comparing the full sealed value and its cookie name (so a hit is byte-for-byte a ciphertext
 * authenticated under that name before: nothing weaker is checked), and hits do not reorder anything.
 * Recency is kept by two generations instead of an LRU list: entries are added to the current one;
 * when it is full it becomes the previous one and the older entries are dropped; a hit in the previous
 * generation moves the entry back into the current one. So an entry read at least once per generation
 * stays, and at most `capacity` entries are held. A value only read, not written here, is cached on
 * its second sight within that window ({@link DecryptCache.offer}, `Doorkeeper.ts`).
 *
 * @module
 */

import { Doorkeeper, fingerprintOf } from './Doorkeeper.ts';

/** The characters of a sealed value used as its key: base64url of its last 18 bytes, the 16-byte GCM tag included. */
const keyLength = 24;

interface Entry {
  readonly name: string;
  readonly sealed: string;
  readonly plaintext: string;
}

/** Plaintexts by sealed value and cookie name, at most `capacity` of them (see the module's comment). */
export class DecryptCache {
  readonly #generationSize: number;
  #current = new Map<string, Entry>();
  #previous = new Map<string, Entry>();
  readonly #doorkeeper: Doorkeeper;

  constructor(capacity: number) {
    this.#generationSize = Math.max(1, Math.floor(capacity / 2));
    this.#doorkeeper = new Doorkeeper(capacity);
  }

  /** The plaintext `sealed` was authenticated with under `name`; `undefined` when not cached. */
  get(sealed: string, name: string): string | undefined {
    const key = sealed.slice(-keyLength);
    let entry = this.#current.get(key);
    if (entry === undefined) {
      entry = this.#previous.get(key);
      if (entry === undefined || entry.sealed !== sealed || entry.name !== name) return undefined;
      this.#previous.delete(key);
      this.#add(key, entry);
      return entry.plaintext;
    }
    return entry.sealed === sealed && entry.name === name ? entry.plaintext : undefined;
  }

  /** Remembers that `sealed`, under `name`, is `plaintext` (it must have been sealed or authenticated). */
  set(sealed: string, name: string, plaintext: string): void {
    const key = sealed.slice(-keyLength);
    this.#previous.delete(key);
    this.#add(key, { name, sealed, plaintext });
  }

  /**
   * {@link set} for a value a request brought and that was just authenticated: cached only when it was
   * offered before within the cache's window (its first sight is only noted), so values that do not
   * come back while the cache could hold them cost nothing to keep.
   */
  offer(sealed: string, name: string, plaintext: string): void {
    // The end of a sealed value holds its GCM tag: as random as a fingerprint gets, and short.
    if (this.#doorkeeper.admits(fingerprintOf(sealed.slice(-keyLength)))) {
      this.set(sealed, name, plaintext);
    }
  }

  /** How many entries are held. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  #add(key: string, entry: Entry): void {
    if (this.#current.size >= this.#generationSize && !this.#current.has(key)) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
    this.#current.set(key, entry);
  }
}
