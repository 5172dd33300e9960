/** The configurations the measured servers share, so every adapter runs the same Logto app. */
import type { LogtoServerConfig } from '@logto-machine/core';
import { createStorage, type Storage } from 'unstorage';
import { requiredEnv } from './control.ts';

/** The session secret of our adapters' cookies (and the peers' session secrets). */
export const sessionSecret = 'bench-only-session-secret-0123456789abcdef';

/**
 * Where our servers keep sessions, from BENCH_SESSIONS: `cookie` (default, encrypted cookies),
 * `memory` (store mode on unstorage's memory driver) or `redis` (store mode on unstorage's Redis
 * driver at REDIS_URL).
 */
export const sessionMode = (process.env.BENCH_SESSIONS ?? 'cookie') as 'cookie' | 'memory' | 'redis';

/** The store of store mode (undefined in cookie mode). */
export const sessionStore: Storage | undefined =
  sessionMode === 'memory'
    ? createStorage()
    : sessionMode === 'redis'
      ? createStorage({
          // Loaded only in this mode, so the other servers never load ioredis.
          driver: (await import('unstorage/drivers/redis')).default({ url: requiredEnv('REDIS_URL') }),
        })
      : undefined;

/**
 * The example apps' configuration (examples/hono/src/server.ts): the dev provider's demo app, with
 * everything its demo user has, so the session has a realistic size.
 */
export const logtoConfig = (): LogtoServerConfig => ({
  endpoint: requiredEnv('LOGTO_ENDPOINT'),
  appId: 'demo-app',
  appSecret: 'demo-app-secret',
  scopes: [
    'email',
    'custom_data',
    'urn:logto:scope:organizations',
    'urn:logto:scope:organization_roles',
    'read:data',
    'read:org',
  ],
  resources: ['https://api.example.com'],
  session: sessionStore ? { store: sessionStore, secrets: [sessionSecret] } : { secrets: [sessionSecret] },
  // The refresh storm sets 0, so a token refreshed during the storm stays fresh for its whole (2 s) life.
  ...(process.env.BENCH_TOKEN_SKEW_MS
    ? { clientOptions: { tokenExpirySkewMs: Number(process.env.BENCH_TOKEN_SKEW_MS) } }
    : {}),
});
