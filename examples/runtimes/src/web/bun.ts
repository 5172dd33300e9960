/**
 * The app on `Bun.serve`: `bun run bun.ts`, configured by the environment (see `app.ts`).
 *
 * @module
 */
import { withLogto } from '@logto-machine/core/web';
import { app, configFromEnv } from './app.ts';

const server = Bun.serve({
  port: Number(Bun.env.PORT || 3000),
  hostname: Bun.env.HOST || '127.0.0.1',
  fetch: withLogto(configFromEnv(Bun.env), app),
});
console.log(`bun ${Bun.version} listening on ${server.url}`);
