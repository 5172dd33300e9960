/**
 * A user's app under strict settings (`strict`, `exactOptionalPropertyTypes`,
 * `noUncheckedIndexedAccess`, `skipLibCheck: false`), its configuration read from `process.env`:
 * every optional option is handed `string | undefined` as it comes. `scripts/check-release.mjs`
 * type-checks it against the packed packages, with `module` `NodeNext` and `Bundler`, on TypeScript 5
 * and 7. It is never run.
 */
import {
  CookieSessions,
  type LogtoClientOptions,
  type LogtoConfig,
  LogtoServer,
  type LogtoServerConfig,
  makeMemoryLock,
  StoreSessions,
  systemClock,
} from '@logto-machine/core';
import { startDevProvider } from '@logto-machine/dev-provider';
import {
  logto as expressLogto,
  logtoErrorHandler as expressLogtoErrorHandler,
  requireAuth as expressRequireAuth,
} from '@logto-machine/express';
import { logto as honoLogto, requireAuth as honoRequireAuth } from '@logto-machine/hono';
import { logto as koaLogto, type LogtoState } from '@logto-machine/koa';
import { createLogto, requireAuth as nextRequireAuth } from '@logto-machine/next';
import { connectRedis, makeRedisLock, redisStore } from '@logto-machine/redis';
import { handleLogto, handleLogtoError } from '@logto-machine/sveltekit';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';

const env = process.env;
const list = (value: string | undefined) => value?.split(',');
const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));

const logtoConfig: LogtoConfig = {
  endpoint: env.LOGTO_ENDPOINT ?? 'http://127.0.0.1:3001',
  appId: env.LOGTO_APP_ID ?? '',
  appSecret: env.LOGTO_APP_SECRET,
  scopes: list(env.LOGTO_SCOPES),
  resources: list(env.LOGTO_RESOURCES),
};

const config: LogtoServerConfig = {
  ...logtoConfig,
  baseUrl: env.BASE_URL,
  postSignOutPath: env.POST_SIGN_OUT_PATH,
  routes: { signIn: env.SIGN_IN_PATH, callback: env.CALLBACK_PATH },
  session: {
    secrets: [env.SESSION_SECRET ?? ''],
    cookieName: env.SESSION_COOKIE,
    maxAgeSeconds: number(env.SESSION_MAX_AGE),
    path: env.SESSION_PATH,
  },
  clientOptions: { timeoutMs: number(env.LOGTO_TIMEOUT_MS), lock: makeMemoryLock() },
};

// The custom-runtime page's `portsFor`: each port spelt out, the storage as it comes.
const portsFor = (storage: LogtoClientOptions['storage']): LogtoClientOptions => ({
  storage,
  fetch: (input, init) => fetch(input, init),
  timeoutMs: number(env.LOGTO_TIMEOUT_MS),
  clock: systemClock,
});
const sessions = new CookieSessions({ secrets: env.SESSION_SECRET ?? '', cookieName: env.SESSION_COOKIE });
export const client = portsFor(sessions.open(null, { secure: true }));

export const server = new LogtoServer(config);

const app = new Hono();
app.use(honoLogto(config, { isApiRequest: undefined }));
app.get('/protected', honoRequireAuth({ api: undefined, redirectTo: env.SIGN_IN_PATH }), (c) => c.text('ok'));

new Koa<LogtoState>().use(koaLogto(config));

const expressApp = express();
expressApp.use(expressLogto(config, { isApiRequest: undefined }));
expressApp.get(
  '/protected',
  expressRequireAuth({ api: undefined, redirectTo: env.SIGN_IN_PATH }),
  async (req, res) => {
    res.json({ sub: (await req.logto.getIdTokenClaims()).sub });
  },
);
expressApp.use(expressLogtoErrorHandler());

// Next: the configuration read at the first request (`next build` runs without the environment).
export const nextLogto = createLogto(() => config);
export const { GET, POST } = nextLogto.handlers;
export const proxy = nextLogto.proxy({ protect: list(env.PROTECTED_PATHS), isApiRequest: undefined });
export const tokenRoute = nextLogto.route(async (_request, { logto, logtoRequest }) => {
  const denied = await nextRequireAuth(logtoRequest, { api: true, redirectTo: env.SIGN_IN_PATH });
  return denied ?? Response.json({ accessToken: await logto.getAccessToken(env.LOGTO_RESOURCE) });
});

export const handle = handleLogto(config, { csrf: { trustedOrigins: list(env.TRUSTED_ORIGINS) } });
export const handleError = handleLogtoError();

// Store mode: any unstorage store, or Redis.
const redis = connectRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
export const store = new StoreSessions({
  store: redisStore(redis),
  secrets: env.SESSION_SECRET ?? '',
  keyPrefix: env.SESSION_PREFIX,
});
export const storeConfig: LogtoServerConfig = {
  ...config,
  session: { store: redisStore(redis), secrets: [env.SESSION_SECRET ?? ''], keyPrefix: env.SESSION_PREFIX },
  clientOptions: {
    lock: makeRedisLock({ redis, keyPrefix: env.LOCK_PREFIX, ttlMs: number(env.LOCK_TTL_MS) }),
  },
};

export const provider = startDevProvider({
  port: number(env.DEV_PROVIDER_PORT),
  host: env.DEV_PROVIDER_HOST,
});
