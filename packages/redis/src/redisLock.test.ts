import { lockContract } from '@logto-machine/testing';
import * as Effect from 'effect/Effect';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis } from './connectRedis.ts';
import { makeRedisLock } from './redisLock.ts';
import { RedisServer } from './test/redisServer.ts';

let server: RedisServer;
let redis: Redis;
let count = 0;
const prefix = () => `test${count++}:lock:`;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = connectRedis(server.url);
  await redis.ping();
});
afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

lockContract('makeRedisLock', () => makeRedisLock({ redis, keyPrefix: prefix() }));

describe('makeRedisLock across instances', () => {
  it('lets one holder at a time in across two instances with their own connections', async () => {
    const keyPrefix = prefix();
    const other = connectRedis(server.url);
    await other.ping();
    const [a, b] = [makeRedisLock({ redis, keyPrefix }), makeRedisLock({ redis: other, keyPrefix })];
    let active = 0;
    let mostActive = 0;
    const critical = Effect.promise(async () => {
      active++;
      mostActive = Math.max(mostActive, active);
      await sleep(15);
      active--;
    });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        Effect.runPromise((index % 2 ? a : b).withLock('k', critical)),
      ),
    );
    other.disconnect();
    expect(mostActive).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 * 15);
  });

  it('holds the lock in Redis under the prefix with a random token and a TTL, and releases it', async () => {
    const keyPrefix = prefix();
    const lock = makeRedisLock({ redis, keyPrefix, ttlMs: 5000 });
    const seen = await Effect.runPromise(
      lock.withLock(
        'refresh:abc',
        Effect.promise(async () => ({
          token: await redis.get(`${keyPrefix}refresh:abc`),
          ttl: await redis.pttl(`${keyPrefix}refresh:abc`),
        })),
      ),
    );
    expect(seen.token).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.ttl).toBeGreaterThan(4000);
    expect(await redis.exists(`${keyPrefix}refresh:abc`)).toBe(0);
  });

  it('takes over a lock whose holder died once its TTL runs out, and never deletes a lock it does not hold', async () => {
    const keyPrefix = prefix();
    await redis.set(`${keyPrefix}k`, 'dead-holder', 'PX', 300);
    const started = Date.now();
    const lock = makeRedisLock({ redis, keyPrefix });
    await Effect.runPromise(lock.withLock('k', Effect.void));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const short = makeRedisLock({ redis, keyPrefix, ttlMs: 50 });
    await Effect.runPromise(
      short.withLock(
        'k2',
        Effect.promise(async () => {
          await sleep(120); // outlives its TTL; someone else takes the lock meanwhile
          await redis.set(`${keyPrefix}k2`, 'next-holder', 'PX', 5000);
        }),
      ),
    );
    expect(await redis.get(`${keyPrefix}k2`)).toBe('next-holder');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/expired before its holder finished/));
    warn.mockRestore();
  });

  it('goes ahead under the in-process lock when a lock is held elsewhere for longer than waitMs', async () => {
    const keyPrefix = prefix();
    await redis.set(`${keyPrefix}k`, 'stuck', 'PX', 10_000);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const started = Date.now();
    const value = await Effect.runPromise(
      makeRedisLock({ redis, keyPrefix, waitMs: 200 }).withLock('k', Effect.succeed('ran')),
    );
    expect(value).toBe('ran');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/held for more than waitMs/);
    warn.mockRestore();
  });
});

describe('makeRedisLock when Redis is down', () => {
  it('falls back to the in-process lock with one warning, never hangs, and uses Redis again once it is back', async () => {
    const keyPrefix = prefix();
    const client = connectRedis(server.url);
    await client.ping();
    const lock = makeRedisLock({ redis: client, keyPrefix });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    try {
      await server.stop();
      const started = Date.now();
      let active = 0;
      let mostActive = 0;
      const critical = Effect.promise(async () => {
        active++;
        mostActive = Math.max(mostActive, active);
        await sleep(5);
        active--;
        return 'ran';
      });
      const results = await Promise.all(
        Array.from({ length: 10 }, () => Effect.runPromise(lock.withLock('k', critical))),
      );
      expect(results).toEqual(Array(10).fill('ran'));
      expect(mostActive).toBe(1); // still single-flight within this instance
      expect(Date.now() - started).toBeLessThan(3000);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/Redis lock is unreachable.*within this instance only/);

      await server.resume();
      await client.ping().catch(() => undefined);
      await sleep(1100); // the cooldown before Redis is asked again
      let heldInRedis: string | null = null;
      for (let attempt = 0; attempt < 50 && heldInRedis === null; attempt++) {
        heldInRedis = await Effect.runPromise(
          lock.withLock(
            'k',
            Effect.promise(() => client.get(`${keyPrefix}k`).catch(() => null)),
          ),
        );
        if (heldInRedis === null) await sleep(100);
      }
      expect(heldInRedis).toMatch(/^[0-9a-f]{32}$/);
      expect(info).toHaveBeenCalledWith(expect.stringMatching(/reachable again/));
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      await server.resume().catch(() => undefined);
      client.disconnect();
      warn.mockRestore();
      info.mockRestore();
    }
  });

  it('gives up on a Redis that stopped answering within commandTimeoutMs', async () => {
    const keyPrefix = prefix();
    const client = connectRedis(server.url);
    const admin = connectRedis(server.url);
    await Promise.all([client.ping(), admin.ping()]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await admin.call('CLIENT', 'PAUSE', '2000', 'ALL');
      const started = Date.now();
      const lock = makeRedisLock({ redis: client, keyPrefix, commandTimeoutMs: 200 });
      expect(await Effect.runPromise(lock.withLock('k', Effect.succeed('ran')))).toBe('ran');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/Redis lock is unreachable \(no answer within 200 ms\)/),
      );
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      client.disconnect();
      admin.disconnect();
      warn.mockRestore();
    }
  });
});
