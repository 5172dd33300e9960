/**
 * The app as a Cloudflare Worker (a module worker: `export default { fetch }`), configured by its
 * bindings (see `app.ts`; `SESSION_SECRET` and `LOGTO_APP_SECRET` as secrets). Needs no
 * `nodejs_compat`.
 *
 * @module
 */
import { withLogto } from '@logto-machine/core/web';
import { app, configFromEnv } from './app.ts';

/** Built on the first request (Workers hand the bindings to `fetch` only), then kept for the isolate's life. */
let handle: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Record<string, string | undefined>): Promise<Response> {
    handle ??= withLogto(configFromEnv(env), app);
    return handle(request);
  },
};
