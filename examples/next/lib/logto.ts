/**
 * The app's one Logto integration, imported by the route handler, the proxy, pages and actions. The
 * configuration comes from the environment (see the README's table) at the first request, not at
 * `next build`; with `REDIS_URL`, sessions live in Redis (store mode).
 */
// #region logto
import { createLogto, type LogtoServerConfig } from '@logto-machine/next';
import { connectRedis, makeRedisLock, redisStore } from '@logto-machine/redis';

/** A variable that is set but empty counts as unset. */
const env = (name: string) => process.env[name] || undefined;
const list = (name: string) =>
  env(name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean) ?? [];

const required = (name: string, hint: string): string => {
  const value = env(name);
  if (value === undefined) throw new Error(`${name} is not set. ${hint}`);
  return value;
};

export const logto = createLogto(() =>
  withRedisFromEnv({
    endpoint: required('LOGTO_ENDPOINT', 'Start the app with `pnpm start` to use the embedded dev provider.'),
    appId: required('LOGTO_APP_ID', 'Set LOGTO_APP_ID and LOGTO_APP_SECRET to your Logto app.'),
    appSecret: env('LOGTO_APP_SECRET'),
    scopes: list('LOGTO_SCOPES'),
    resources: list('LOGTO_RESOURCES'),
    baseUrl: env('BASE_URL'),
    session: {
      secrets: required('SESSION_SECRET', 'Set it to 32+ random characters, e.g. `openssl rand -base64 32`.'),
    },
  }),
);
// #endregion logto

// #region redis
/**
 * With REDIS_URL, sessions live in Redis instead of cookies (store mode): every instance of the app
 * shares them, a Redis lock lets one instance at a time refresh a session, and the provider can end
 * sessions by back-channel logout.
 */
function withRedisFromEnv(config: LogtoServerConfig): LogtoServerConfig {
  const redisUrl = env('REDIS_URL');
  if (!redisUrl) return config;
  const redis = connectRedis(redisUrl);
  const { secrets } = config.session as { secrets: string };
  return {
    ...config,
    session: { store: redisStore(redis), secrets },
    clientOptions: { lock: makeRedisLock({ redis }) },
  };
}
// #endregion redis
