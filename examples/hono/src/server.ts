/**
 * Starts the example: `pnpm --dir examples/hono start`. Configured by the environment (see
 * README's table); without `LOGTO_ENDPOINT` it starts the embedded Logto dev provider.
 */
import { serve } from '@hono/node-server';
import type { LogtoServerConfig } from '@logto-machine/hono';
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
} else {
  // No provider given: start the embedded dev provider, and ask for everything its demo user has.
  const { startDevProvider } = await import('@logto-machine/dev-provider');
  const provider = await startDevProvider();
  console.log(`Logto dev provider at ${provider.url}; sign in as demo / demo-password`);
  config = {
    endpoint: provider.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    scopes: list('LOGTO_SCOPES') ?? [
      'email',
      'custom_data',
      'urn:logto:scope:organizations',
      'urn:logto:scope:organization_roles',
      'read:data',
      'read:org',
    ],
    resources: list('LOGTO_RESOURCES') ?? ['https://api.example.com'],
    baseUrl,
    session: { secrets: env('SESSION_SECRET') ?? 'dev-only-session-secret-never-use-in-production' },
  };
}

let app: ReturnType<typeof createApp>;
try {
  app = createApp(config);
} catch (error) {
  // A ConfigError says which setting to fix.
  fail(error instanceof Error ? error.message : String(error));
}

serve({ fetch: app.fetch, port, hostname: host }, () => console.log(`Listening on ${baseUrl}`));
