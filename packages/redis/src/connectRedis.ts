import { Redis, type RedisOptions } from 'ioredis';

/**
 * The ioredis options this package recommends, so a request never waits long on Redis: one retry per
 * command, 1 s per command, 2 s to connect, and reconnection in the background (every 0.1–1 s), so
 * Redis coming back is picked up by itself. {@link failFast} adds the offline-queue rule.
 */
export const failFastRedisOptions: RedisOptions = {
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 2000,
  retryStrategy: (times) => Math.min(times * 100, 1000),
};

/**
 * Makes `redis` fail fast once it has connected: commands sent before the first connection wait for it
 * (at most the command timeout), but after a lost connection they fail at once instead of queueing,
 * so the lock falls back and the session store answers 503 without delay. Also keeps connection
 * errors, which the commands report, out of the log. Returns `redis`.
 */
export const failFast = (redis: Redis): Redis => {
  redis.once('ready', () => {
    // ioredis reads this option on every command.
    redis.options.enableOfflineQueue = false;
  });
  redis.on('error', () => {});
  return redis;
};

/**
 * An ioredis client with {@link failFastRedisOptions} (yours on top), made to {@link failFast}.
 *
 * @example
 * ```ts
 * const redis = connectRedis(process.env.REDIS_URL!);
 * ```
 */
export const connectRedis = (url: string, options: RedisOptions = {}): Redis =>
  failFast(new Redis(url, { ...failFastRedisOptions, ...options }));
