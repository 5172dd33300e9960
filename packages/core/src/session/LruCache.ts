/**
 * A bounded map that forgets the least recently used entry first.
 *
 * @module
 */

/** A string-keyed LRU cache of at most `capacity` entries (a `Map` keeps insertion order). */
export class LruCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  /** The value under `key`, marked as most recently used; `undefined` when absent. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value` under `key`, evicting the least recently used entry when full. */
  set(key: string, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, value);
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }
}
