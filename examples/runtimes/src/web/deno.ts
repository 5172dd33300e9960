/**
 * The app on `Deno.serve`: `deno run --allow-net --allow-env deno.ts`, configured by the environment
 * (see `app.ts`). Network and environment only: no file system, no Node APIs are needed.
 *
 * @module
 */
import { withLogto } from '@logto-machine/core/web';
import { app, configFromEnv } from './app.ts';

const env = Deno.env.toObject();
Deno.serve(
  {
    port: Number(env.PORT || 3000),
    hostname: env.HOST || '127.0.0.1',
    onListen: ({ hostname, port }) =>
      console.log(`deno ${Deno.version.deno} listening on http://${hostname}:${port}`),
  },
  withLogto(configFromEnv(env), app),
);
