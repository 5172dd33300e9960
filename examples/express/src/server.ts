/**
 * Starts the example: `pnpm --dir examples/express start`. Configured by the environment (see
 * README's table); without `LOGTO_ENDPOINT` it starts the embedded Logto dev provider, and with
 * `REDIS_URL` it keeps sessions in Redis.
 */
import type { LogtoServerConfig } from '@logto-machine/express';
import { connectRedis, makeRedisLock, redisStore } from '@logto-machine/redis';
import { createApp } from './app.ts';

/** A variable that is set but empty counts as unset. */
const env = (name: string) => process.env[name] || undefined;
const list = (name: string) =>
  env(name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const host = env('HOST') ?? '127.0.0.1';
const port = Number(env('PORT') ?? 3000);
const baseUrl = env('BASE_URL') ?? `http://${host}:${port}`;
const endpoint = env('LOGTO_ENDPOINT');

let config: LogtoServerConfig;
if (endpoint) {
  // #region config
  config = {
    endpoint,
    appId: env('LOGTO_APP_ID') ?? fail('Set LOGTO_APP_ID and LOGTO_APP_SECRET to your Logto app.'),
    appSecret: env('LOGTO_APP_SECRET'),
    scopes: list('LOGTO_SCOPES'),
    resources: list('LOGTO_RESOURCES'),
    baseUrl,
    session: {
      secrets:
        env('SESSION_SECRET') ?? fail('Set SESSION_SECRET to 32+ random characters: openssl rand -base64 32'),
    },
  };
  // #endregion config
} else {
  // #region dev-provider
  // No provider given: start the embedded dev provider, and ask for everything its demo user has.
  const { startDevProvider } = await import('@logto-machine/dev-provider');
  const provider = await startDevProvider();
  console.log(`Logto dev provider at ${provider.url}; sign in as demo / demo-password`);
  config = {
    endpoint: provider.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    // #region scopes
    scopes: list('LOGTO_SCOPES') ?? [
      'email',
      'custom_data',
      'urn:logto:scope:organizations',
      'urn:logto:scope:organization_roles',
      'read:data',
      'read:org',
    ],
    resources: list('LOGTO_RESOURCES') ?? ['https://api.example.com'],
    // #endregion scopes
    baseUrl,
    session: { secrets: env('SESSION_SECRET') ?? 'dev-only-session-secret-never-use-in-production' },
  };
  // #endregion dev-provider
}

// #region redis
// With REDIS_URL, sessions live in Redis instead of cookies (store mode): every instance of the app
// shares them, and a Redis lock lets one instance at a time refresh a session.
const redisUrl = env('REDIS_URL');
if (redisUrl) {
  const redis = connectRedis(redisUrl);
  // The same secrets, now signing the session id that the cookie holds.
  const { secrets } = config.session as { secrets: string };
  config = {
    ...config,
    session: { store: redisStore(redis), secrets },
    clientOptions: { lock: makeRedisLock({ redis }) },
  };
}
// #endregion redis

let app: ReturnType<typeof createApp>;
try {
  app = createApp(config);
} catch (error) {
  // A ConfigError says which setting to fix.
  fail(error instanceof Error ? error.message : String(error));
}

// #region listen
app.listen(port, host, () => console.log(`Listening on ${baseUrl}`));
// #endregion listen
