/**
 * Starts the example: `pnpm --dir examples/hono start`. Configured by the environment (see
 * README's table); without `LOGTO_ENDPOINT` it starts the embedded Logto dev provider.
 */
import { serve } from '@hono/node-server';
import { startDevProvider } from '@logto-machine/dev-provider';
import { createApp } from './app.ts';

/** A variable that is set but empty counts as unset. */
const env = (name: string) => process.env[name] || undefined;
const list = (name: string) =>
  env(name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const host = env('HOST') ?? '127.0.0.1';
const port = Number(env('PORT') ?? 3000);
const baseUrl = env('BASE_URL') ?? `http://${host}:${port}`;

const provider = env('LOGTO_ENDPOINT') ? undefined : await startDevProvider();
if (provider) console.log(`Logto dev provider at ${provider.url}; sign in as demo / demo-password`);
/** A default that only the embedded dev provider's mode may use. */
const dev = <T>(value: T, otherwise: () => T) => (provider ? value : otherwise());

const app = createApp({
  endpoint: env('LOGTO_ENDPOINT') ?? provider!.url,
  appId:
    env('LOGTO_APP_ID') ??
    dev('demo-app', () => fail('Set LOGTO_APP_ID and LOGTO_APP_SECRET to your Logto app.')),
  appSecret: env('LOGTO_APP_SECRET') ?? dev('demo-app-secret', () => undefined),
  // With the dev provider, everything the demo user has: email, custom data, organizations, API permissions.
  scopes:
    list('LOGTO_SCOPES') ??
    dev(
      [
        'email',
        'custom_data',
        'urn:logto:scope:organizations',
        'urn:logto:scope:organization_roles',
        'read:data',
        'read:org',
      ],
      () => [],
    ),
  resources: list('LOGTO_RESOURCES') ?? dev(['https://api.example.com'], () => []),
  baseUrl,
  session: {
    secrets:
      env('SESSION_SECRET') ??
      dev('dev-only-session-secret-never-use-in-production', () =>
        fail('Set SESSION_SECRET to 32+ random characters, e.g. `openssl rand -base64 32`.'),
      ),
  },
});

serve({ fetch: app.fetch, port, hostname: host }, () => console.log(`Listening on ${baseUrl}`));
