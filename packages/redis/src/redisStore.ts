import type { SessionKeyValueStore } from '@logto-machine/core';
import type { Redis } from 'ioredis';
import { createStorage } from 'unstorage';
import redisDriver from 'unstorage/drivers/redis';
import { failFast, failFastRedisOptions } from './connectRedis.ts';

/**
 * The store {@link redisStore} returns: a {@link SessionKeyValueStore} for store sessions, and
 * `dispose()` to close its Redis connection. It is an unstorage `Storage` underneath; its type is
 * declared here rather than taken from unstorage so that this package's types never name
 * `unstorage` (whose driver declarations do not type-check under strict user settings with
 * `skipLibCheck: false`).
 */
export interface RedisSessionStore extends SessionKeyValueStore {
  /** Closes the store's own Redis connection (unstorage's `Storage.dispose`). */
  dispose(): Promise<void>;
}

/**
 * A session store on unstorage's Redis driver, for `session: { store, secrets }` (store mode).
 * From a URL it connects with {@link failFastRedisOptions}; from an ioredis client it opens its own
 * connection with that client's options (unstorage's driver owns its client). Either way the
 * connection is made to {@link failFast}. Session entries get a
 * Redis TTL (`SET … EX`), so Redis drops ended sessions by itself.
 *
 * @example
 * ```ts
 * const logto = new LogtoServer({
 *   ...config,
 *   session: { store: redisStore(process.env.REDIS_URL!), secrets: [process.env.SESSION_SECRET!] },
 *   clientOptions: { lock: makeRedisLock({ redis: process.env.REDIS_URL! }) },
 * });
 * ```
 * @see https://unstorage.unjs.io/drivers/redis
 */
export const redisStore = (redis: Redis | string): RedisSessionStore => {
  if (typeof redis !== 'string' && (typeof redis?.options !== 'object' || redis.options === null)) {
    throw new TypeError('redisStore needs a Redis URL (redis://host:6379) or an ioredis client.');
  }
  const driver = redisDriver(
    typeof redis === 'string'
      ? { ...failFastRedisOptions, url: redis }
      : { ...redis.options, enableOfflineQueue: true },
  );
  // The driver's own client: it connects now, and fails fast once connected (the store answers 503).
  const client = driver.getInstance?.() as Redis | undefined;
  if (client) failFast(client);
  return createStorage({ driver });
};
