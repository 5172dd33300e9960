/**
 * Cloudflare's workerd, through Miniflare: `node launchers/workerd.js [bundle]`, with PORT and the
 * worker's bindings in the environment. Runs the bundle (default `dist/worker.js`, from `build.ts`;
 * `dist/web-workers.js` for the plain app) as a module worker with the bindings as text bindings, and
 * without `nodejs_compat`, so Node built-ins are unavailable.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

const bindingNames = [
  'LOGTO_ENDPOINT',
  'LOGTO_APP_ID',
  'LOGTO_APP_SECRET',
  'BASE_URL',
  'SESSION_SECRET',
  'LOGTO_SCOPES',
  'LOGTO_RESOURCES',
];

const miniflare = new Miniflare({
  modules: true,
  scriptPath: process.argv[2]
    ? resolve(process.argv[2])
    : fileURLToPath(new URL('../dist/worker.js', import.meta.url)),
  bindings: Object.fromEntries(
    bindingNames.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]),
  ),
  compatibilityDate: '2025-07-01',
  host: '127.0.0.1',
  port: Number(process.env.PORT),
});
const url = await miniflare.ready;
console.log(`workerd listening on ${url}`);

const stop = async () => {
  await miniflare.dispose();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
