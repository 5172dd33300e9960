/**
 * A module worker with no framework: `LogtoServer` (what the adapters are built on) answers the auth
 * routes and keeps the session in encrypted cookies; the app's routes ask the request's `LogtoClient`.
 * The same `fetch(request, env)` runs on Cloudflare Workers, and under `Bun.serve` and `Deno.serve`.
 * `test/examples.test.ts` signs in and out through it against the dev provider.
 *
 * @module
 */
import { LogtoServer, toWebResponse, withSetCookie } from '@logto-machine/core';

/** The worker's bindings (Workers' `env`; the environment for Bun and Deno). */
export interface Env {
  LOGTO_ENDPOINT: string;
  LOGTO_APP_ID: string;
  LOGTO_APP_SECRET: string;
  /** The app's public origin: the redirect URI is `${BASE_URL}/callback`. */
  BASE_URL: string;
  /** 32+ characters. */
  SESSION_SECRET: string;
}

// #region worker
/** Built on the first request (Workers pass `env` to handlers only), then kept for the isolate's life. */
let server: LogtoServer | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    server ??= new LogtoServer({
      endpoint: env.LOGTO_ENDPOINT,
      appId: env.LOGTO_APP_ID,
      appSecret: env.LOGTO_APP_SECRET,
      baseUrl: env.BASE_URL,
      session: { secrets: [env.SESSION_SECRET] },
    });
    const logto = server.open({
      url: request.url,
      method: request.method,
      cookie: request.headers.get('cookie'),
    });
    // `/sign-in`, `/sign-up`, `/callback` and `/sign-out` are answered here.
    const routed = await logto.route();
    if (routed) return toWebResponse(routed);

    let response: Response;
    try {
      const client = logto.client;
      response = (await client.isAuthenticated())
        ? Response.json({ claims: await client.getIdTokenClaims() })
        : new Response('Not authenticated. <a href="/sign-in">Sign in</a>', {
            headers: { 'content-type': 'text/html; charset=utf-8' },
          });
    } catch (error) {
      // An ended session, a refused token request…: the HTTP answer every adapter gives.
      return toWebResponse(logto.failure(error));
    }
    // The session cookies this request changed (a refreshed token, a cleared session).
    return withSetCookie(response, logto.setCookieHeaders());
  },
};
// #endregion worker
