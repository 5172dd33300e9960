import { StoreSessions } from '@logto-machine/core';
import { CookieBrowser, signedInRecord, storeSessionsContract } from '@logto-machine/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from './connectRedis.ts';
import { type RedisSessionStore, redisStore } from './redisStore.ts';
import { RedisServer } from './test/redisServer.ts';

let server: RedisServer;
let store: RedisSessionStore;
let redis: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  store = redisStore(server.url);
  redis = connectRedis(server.url);
  await redis.ping();
});
afterAll(async () => {
  await store?.dispose();
  redis?.disconnect();
  await server?.close();
});

storeSessionsContract('Redis (redisStore)', () => store);

describe('StoreSessions on Redis', () => {
  it('gives every entry a Redis TTL: the session max-age for sessions, 1.5 × it for indexes, the transaction max-age for sign-ins', async () => {
    const sessions = new StoreSessions({
      store,
      secrets: 'redis-store-test-secret-0123456789abcdef',
      keyPrefix: 'ttl:',
      maxAgeSeconds: 3600,
      transactionMaxAgeSeconds: 300,
    });
    const browser = new CookieBrowser(sessions);
    await browser.request(async (session) => {
      await session.set('transaction:AAAA', 'pending');
      await session.set('session', signedInRecord({ sub: 'user_ttl', sid: 'sid_ttl' }));
    });
    const id = browser.cookies.get('logto_session')!.split('.')[0]!;
    const ttl = (key: string) => redis.ttl(key);
    expect(await ttl(`ttl:session:${id}`)).toBeGreaterThan(3590);
    // Listed longer than any session they list can live after the write that listed it.
    expect(await ttl(`ttl:by-sid:sid_ttl`)).toBeGreaterThan(5390);
    expect(await ttl(`ttl:by-sub:user_ttl`)).toBeGreaterThan(5390);
    const transaction = await ttl(`ttl:tx:${id}:AAAA`);
    expect(transaction).toBeGreaterThan(290);
    expect(transaction).toBeLessThanOrEqual(300);
    expect(JSON.parse((await redis.get(`ttl:by-sid:sid_ttl`))!)).toEqual([[id, expect.any(Number)]]);
    // Signed out: a tombstone and an `ended` marker that expire with the cookie, nothing of the session left.
    await browser.request((session) => session.delete('session'));
    expect(JSON.parse((await redis.get(`ttl:session:${id}`))!)).toEqual({ v: 1, deleted: true });
    expect(await ttl(`ttl:session:${id}`)).toBeGreaterThan(3590);
    expect(await ttl(`ttl:ended:${id}`)).toBeGreaterThan(3590);
  });

  it('reuses the options of an ioredis client it is given', async () => {
    const fromClient = redisStore(redis);
    await fromClient.setItem('from-client', { ok: true }, { ttl: 60 });
    expect(await store.getItem('from-client')).toEqual({ ok: true });
    await fromClient.dispose();
  });

  it('refuses what is neither a URL nor a client', () => {
    expect(() => redisStore(42 as never)).toThrow(/Redis URL .* or an ioredis client/);
  });
});
