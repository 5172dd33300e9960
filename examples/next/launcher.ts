/**
 * Starts the example: `pnpm --dir examples/next start` runs `next build`, then this file, which runs
 * `next start` (`pnpm dev`: `next dev`). Configured by the environment (see the README's table);
 * without `LOGTO_ENDPOINT` it first starts the embedded Logto dev provider — imported only then, so it
 * never reaches a deployment — and fills in its app, scopes and resource.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A variable that is set but empty counts as unset. */
const env = (name: string) => process.env[name] || undefined;

const host = env('HOST') ?? '127.0.0.1';
const port = env('PORT') ?? '3000';
Object.assign(process.env, { HOST: host, PORT: port, BASE_URL: env('BASE_URL') ?? `http://${host}:${port}` });

// #region dev-provider
let stopProvider: (() => Promise<void>) | undefined;
if (!env('LOGTO_ENDPOINT')) {
  const { startDevProvider } = await import('@logto-machine/dev-provider');
  const provider = await startDevProvider();
  stopProvider = () => provider.stop();
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
const redisUrl = env('REDIS_URL');
if (redisUrl) console.log(`Sessions in Redis at ${new URL(redisUrl).host}`);

// The app's own Next, from the directory it is started in (`examples/next15` runs this launcher on Next 15).
const nextBin = createRequire(join(process.cwd(), 'package.json')).resolve('next/dist/bin/next');
const mode = process.argv[2] === 'dev' ? 'dev' : 'start';
const next = spawn(process.execPath, [nextBin, mode, '--hostname', host, '--port', port], {
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
const stop = (signal: NodeJS.Signals) => {
  next.kill(signal);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
next.on('exit', (code) => {
  void (stopProvider?.() ?? Promise.resolve()).finally(() => process.exit(code ?? 0));
});
