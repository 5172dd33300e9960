/**
 * The Hono example as a Web-standard module worker: `export default { fetch(request, env) }`, the
 * shape Cloudflare Workers (workerd) run, and that Bun, Deno and Node serve through a few lines of
 * launcher (`launchers/`). `build.ts` bundles this file, with everything it imports, into the
 * single ESM file each runtime of the matrix runs.
 *
 * @module
 */

import { createApp } from '@logto-machine/example-hono/src/app.ts';
import type { LogtoServerConfig } from '@logto-machine/hono';

/** The bindings (Workers' `env`; the process environment for the other runtimes' launchers). */
export interface Env {
  /** The Logto endpoint, e.g. `http://127.0.0.1:3001` for the dev provider. */
  LOGTO_ENDPOINT?: string;
  LOGTO_APP_ID?: string;
  LOGTO_APP_SECRET?: string;
  /** The app's own origin, for the redirect URIs. */
  BASE_URL?: string;
  /** 32+ characters; a comma-separated list to rotate (the first encrypts). */
  SESSION_SECRET?: string;
  /** Comma-separated. */
  LOGTO_SCOPES?: string;
  /** Comma-separated API resource indicators. */
  LOGTO_RESOURCES?: string;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const required = (env: Env, name: keyof Env): string => {
  const value = env[name];
  if (!value) throw new Error(`Set the ${name} binding.`);
  return value;
};

// #region config
/** The Logto configuration the bindings describe. */
export const configFromEnv = (env: Env): LogtoServerConfig => ({
  endpoint: required(env, 'LOGTO_ENDPOINT'),
  appId: required(env, 'LOGTO_APP_ID'),
  appSecret: env.LOGTO_APP_SECRET || undefined,
  baseUrl: env.BASE_URL || undefined,
  scopes: list(env.LOGTO_SCOPES),
  resources: list(env.LOGTO_RESOURCES),
  session: { secrets: list(required(env, 'SESSION_SECRET')) },
});
// #endregion config

// #region worker
type App = ReturnType<typeof createApp>;

/** Built on the first request (Workers give `env` only to handlers), then kept for the isolate's life. */
let app: App | undefined;

export default {
  fetch(request: Request, env: Env = {}, context?: unknown): Response | Promise<Response> {
    app ??= createApp(configFromEnv(env));
    // Hono's execution-context parameter is Workers' `ExecutionContext`; other runtimes pass none.
    return app.fetch(request, env, context as Parameters<App['fetch']>[2]);
  },
};
// #endregion worker
