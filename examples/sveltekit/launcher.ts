/**
 * Starts the example: `pnpm --dir examples/sveltekit start` runs `vite build`, then this file, which
 * runs the built adapter-node server (`pnpm dev`: `tsx launcher.ts dev` runs `vite dev` instead).
 * Configured by the environment (see the README's table); without `LOGTO_ENDPOINT` it starts the
 * embedded Logto dev provider and fills in the dev provider's app, scopes and resource.
 * `src/lib/server/config.ts` turns the environment into the Logto configuration.
 */
import { spawn } from 'node:child_process';
import { startDevProvider } from '@logto-machine/dev-provider';

/** A variable that is set but empty counts as unset. */
const env = (name: string) => process.env[name] || undefined;

const host = env('HOST') ?? '127.0.0.1';
const port = env('PORT') ?? '3000';
const baseUrl = env('BASE_URL') ?? `http://${host}:${port}`;
// adapter-node listens on HOST:PORT and takes the public origin from ORIGIN.
Object.assign(process.env, { HOST: host, PORT: port, BASE_URL: baseUrl, ORIGIN: env('ORIGIN') ?? baseUrl });

// #region dev-provider
const provider = env('LOGTO_ENDPOINT') ? undefined : await startDevProvider();
if (provider) {
  console.log(`Logto dev provider at ${provider.url}; sign in as demo / demo-password`);
  // With the dev provider, everything the demo user has: email, custom data, organizations, API permissions.
  Object.assign(process.env, {
    LOGTO_ENDPOINT: provider.url,
    LOGTO_APP_ID: env('LOGTO_APP_ID') ?? 'demo-app',
    LOGTO_APP_SECRET: env('LOGTO_APP_SECRET') ?? 'demo-app-secret',
    LOGTO_SCOPES:
      env('LOGTO_SCOPES') ??
      'email,custom_data,urn:logto:scope:organizations,urn:logto:scope:organization_roles,read:data,read:org',
    LOGTO_RESOURCES: env('LOGTO_RESOURCES') ?? 'https://api.example.com',
    SESSION_SECRET: env('SESSION_SECRET') ?? 'dev-only-session-secret-never-use-in-production',
  });
}
// #endregion dev-provider
// With REDIS_URL set, `src/lib/server/config.ts` keeps sessions in Redis (store mode).
const redisUrl = env('REDIS_URL');
if (redisUrl) console.log(`Sessions in Redis at ${new URL(redisUrl).host}`);

if (process.argv[2] === 'dev') {
  const vite = spawn('vite', ['dev', '--host', host, '--port', port, '--strictPort'], { stdio: 'inherit' });
  vite.on('exit', (code) => process.exit(code ?? 1));
} else {
  // The server `vite build` wrote; it reads the environment set above.
  await import(new URL('./build/index.js', import.meta.url).href);
  // adapter-node closes its server on SIGINT/SIGTERM; the embedded provider would keep the process alive.
  process.on('sveltekit:shutdown', () => void provider?.stop().finally(() => process.exit(0)));
}
