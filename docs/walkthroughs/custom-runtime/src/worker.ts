import {
  isApiRequest,
  type LogtoRequest,
  LogtoServer,
  toWebResponse,
  withSetCookie,
} from '@logto-machine/core';

/** The settings: Workers' bindings, or the environment on Node, Bun and Deno. */
export interface Env {
  LOGTO_ENDPOINT: string;
  LOGTO_APP_ID: string;
  LOGTO_APP_SECRET: string;
  /** The app's public origin (the redirect URI is `${BASE_URL}/callback`); unset, each request's own. */
  BASE_URL?: string | undefined;
  /** 32+ random characters: the key of the session cookies. */
  SESSION_SECRET: string;
  /** An API resource to get access tokens for, e.g. https://api.example.com (optional). */
  LOGTO_RESOURCE?: string | undefined;
}

// Pages are plain strings: escape whatever comes from outside.
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const page = (body: string) =>
  new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>Logto × fetch</title></head><body>${body}</body></html>`,
    { headers: { 'content-type': 'text/html; charset=utf-8' } },
  );

/** The app's own routes, on the request's `LogtoRequest`. */
async function app(path: string, logto: LogtoRequest, env: Env): Promise<Response> {
  const client = logto.client;
  if (path === '/') {
    if (!(await client.isAuthenticated())) {
      return page('<p>Not authenticated</p><p><a href="/sign-in">Sign in</a></p>');
    }
    const claims = await client.getIdTokenClaims();
    return page(`<h1>Signed in as ${escapeHtml(claims.sub)}</h1>
<pre>${escapeHtml(JSON.stringify(claims, null, 2))}</pre>
<p><a href="/protected">Protected page</a> · <a href="/api/token">Access token</a> · <a href="/sign-out">Sign out</a></p>`);
  }
  if (path === '/protected' || path === '/api/token') {
    // Signed out: a redirect to sign-in for pages, 401 JSON for /api/… routes.
    const signedOut = await logto.requireAuth();
    if (signedOut) return toWebResponse(signedOut);
    if (path === '/protected') return page('<p>Protected page</p>');
    const accessToken = await client.getAccessToken(env.LOGTO_RESOURCE);
    return Response.json({ accessToken }, { status: accessToken ? 200 : 401 });
  }
  return new Response('Not found', { status: 404 });
}

// Built on the first request (Workers pass `env` to handlers only), then kept: its caches (cookie
// keys, decrypted sessions, the provider's discovery and keys) serve every later request.
let server: LogtoServer | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    server ??= new LogtoServer({
      endpoint: env.LOGTO_ENDPOINT,
      appId: env.LOGTO_APP_ID,
      appSecret: env.LOGTO_APP_SECRET,
      baseUrl: env.BASE_URL,
      resources: env.LOGTO_RESOURCE ? [env.LOGTO_RESOURCE] : [],
      session: { secrets: env.SESSION_SECRET },
    });
    const url = new URL(request.url);
    const logto = server.open({
      url: request.url,
      method: request.method,
      cookie: request.headers.get('cookie'),
      // API calls (under /api/, or asking for JSON) get 401 instead of a redirect to sign-in.
      api: () => isApiRequest(url.pathname, request.headers.get('accept')),
    });
    // `/sign-in`, `/sign-up`, `/callback` and `/sign-out` are answered here.
    const routed = await logto.route();
    if (routed) return toWebResponse(routed);
    try {
      const response = await app(url.pathname, logto, env);
      // The session cookies this request changed (a refreshed token, a cleared session).
      return withSetCookie(response, logto.setCookieHeaders());
    } catch (error) {
      // An ended session, an unreachable provider…: the HTTP answer every adapter gives.
      return toWebResponse(logto.failure(error));
    }
  },
};
