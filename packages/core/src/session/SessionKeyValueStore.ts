/**
 * The key-value store behind store sessions, described by what {@link StoreSessions} calls. Declared
 * here rather than imported from unstorage so that core's published types never name `unstorage`:
 * cookie-mode users type-check without installing it (under `skipLibCheck: false` too).
 *
 * @module
 */

/** A value the store keeps: what store sessions write is JSON-serialisable. */
export type StoredValue = null | string | number | boolean | object;

/**
 * A key-value store for store sessions: any unstorage `Storage` (`createStorage({ driver })`) fits,
 * and so does anything else with these methods.
 *
 * @example
 * ```ts
 * import { createStorage } from 'unstorage';
 * import redisDriver from 'unstorage/drivers/redis';
 *
 * const store: SessionKeyValueStore = createStorage({ driver: redisDriver({ url: process.env.REDIS_URL }) });
 * ```
 * @see https://unstorage.unjs.io/guide
 */
export interface SessionKeyValueStore {
  /** The parsed value under `key`, or `null` when there is none. */
  getItem(key: string): Promise<unknown>;
  /** The value under `key` as the driver holds it (JSON text for most drivers); read in preference to `getItem` when present. */
  getItemRaw?: ((key: string) => Promise<unknown>) | undefined;
  /** Stores `value` under `key`; `ttl` (seconds) lets drivers that support it expire the entry. */
  setItem(key: string, value: StoredValue, options: { ttl: number }): Promise<void>;
  /** Removes the value under `key`. */
  removeItem(key: string): Promise<void>;
}
