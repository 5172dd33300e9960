/**
 * Two instances of the Hono example app (`examples/hono/src/app.ts`) in store mode on one Redis, each
 * with its own Redis connections, lock, refresh ledger and provider cache — nothing shared in memory,
 * as two servers behind a load balancer — against the dev provider with 2-second access tokens and
 * refresh-token rotation on every grant.
 */
import { ProviderCache, RefreshLedger } from '@logto-machine/core';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { Browser, completeSignIn, locationOf } from '@logto-machine/dev-provider/testing';
import type { LogtoServerConfig } from '@logto-machine/hono';
// The example app itself, as users copy it (imported by path: the example depends on this package).
import { createApp } from '../../../../examples/hono/src/app.ts';
import { connectRedis } from '../connectRedis.ts';
import { makeRedisLock } from '../redisLock.ts';
import { redisStore } from '../redisStore.ts';
import { RedisServer } from './redisServer.ts';

export const resource = 'https://api.example.com';
export const appOrigin = 'http://127.0.0.1:4999';

export interface Cluster {
  readonly provider: DevProvider;
  readonly redis: RedisServer;
  readonly a: ReturnType<typeof createApp>;
  readonly b: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export const startCluster = async (): Promise<Cluster> => {
  const provider = await startDevProvider({ rotateRefreshTokens: 'always', ttl: { accessToken: 2 } });
  const redis = await RedisServer.start();
  const disposers: Array<() => unknown> = [];
  const instance = () => {
    const store = redisStore(redis.url);
    const lockRedis = connectRedis(redis.url);
    disposers.push(
      () => store.dispose(),
      () => lockRedis.disconnect(),
    );
    const config: LogtoServerConfig = {
      endpoint: provider.url,
      appId: 'demo-app',
      appSecret: 'demo-app-secret',
      scopes: ['email', 'read:data'],
      resources: [resource],
      baseUrl: appOrigin,
      session: { store, secrets: 'two-instances-test-secret-0123456789abcdef' },
      clientOptions: {
        lock: makeRedisLock({ redis: lockRedis }),
        ledger: new RefreshLedger(),
        cache: new ProviderCache(),
      },
    };
    return createApp(config);
  };
  return {
    provider,
    redis,
    a: instance(),
    b: instance(),
    async close() {
      for (const dispose of disposers) await dispose();
      await redis.close();
      await provider.stop();
    },
  };
};

/** A browser on `app`; `from` gives it a copy of another browser's cookies (one session cookie, two instances). */
export const browserOn = (app: Cluster['a'], from?: Browser): Browser => {
  const browser = new Browser(appOrigin, (request) => app.fetch(request));
  for (const [name, value] of from?.cookies ?? []) browser.cookies.set(name, value);
  return browser;
};

/** Signs in through `browser`'s app as the demo user. */
export const signIn = async (browser: Browser): Promise<void> => {
  const start = await browser.get('/sign-in');
  const callback = new URL(
    await completeSignIn(locationOf(start, appOrigin).href, { username: 'demo', password: 'demo-password' }),
  );
  const back = await browser.get(callback.pathname + callback.search);
  if (back.status !== 302) throw new Error(`the callback answered ${back.status}: ${await back.text()}`);
};

export const json = async (response: Response) => ({ status: response.status, body: await response.json() });
