/**
 * `@logto-machine/redis`: Redis for `@logto-machine`. A lock that keeps refresh single-flight across
 * server instances, and a session store on unstorage's Redis driver for store mode.
 *
 * @example
 * ```ts
 * import { connectRedis, makeRedisLock, redisStore } from '@logto-machine/redis';
 *
 * const redis = connectRedis(process.env.REDIS_URL!);
 * app.use(
 *   logto({
 *     ...config,
 *     session: { store: redisStore(redis), secrets: [process.env.SESSION_SECRET!] },
 *     clientOptions: { lock: makeRedisLock({ redis }) },
 *   }),
 * );
 * ```
 * @module
 */
export { connectRedis, failFast, failFastRedisOptions } from './connectRedis.ts';
export { makeRedisLock, type RedisLockOptions } from './redisLock.ts';
export { type RedisSessionStore, redisStore } from './redisStore.ts';
