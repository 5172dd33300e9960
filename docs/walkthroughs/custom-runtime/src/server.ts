import { serve } from '@hono/node-server';
import worker, { type Env } from './worker.ts';

/** A setting from the environment; the app stops at start-up when a required one is missing. */
function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see the walkthrough's "Run it").`);
  return value;
}

const port = Number(process.env.PORT ?? 3000);
const env: Env = {
  LOGTO_ENDPOINT: setting('LOGTO_ENDPOINT'),
  LOGTO_APP_ID: setting('LOGTO_APP_ID'),
  LOGTO_APP_SECRET: setting('LOGTO_APP_SECRET'),
  BASE_URL: process.env.BASE_URL,
  SESSION_SECRET: setting('SESSION_SECRET'),
  LOGTO_RESOURCE: process.env.LOGTO_RESOURCE,
};

// `@hono/node-server` turns Node's requests into `Request`s and the worker's `Response`s back.
serve({ fetch: (request) => worker.fetch(request, env), port }, () =>
  console.log(`Listening on http://localhost:${port}`),
);
