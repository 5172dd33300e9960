/**
 * The Logto tutorial's app on Hono: sign in, see who you are, get access tokens, sign out.
 * `src/server.ts` reads the environment and listens; this file is the app itself.
 */
// #region imports
import { type LogtoServerConfig, logto, requireAuth } from '@logto-machine/hono';
// #endregion imports
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

// #region page
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

// Pages are plain strings: `c.html(string)` stays on @hono/node-server's fast response path, where
// `hono/html` templates (a `String` object, resolved per request) cost more than the adapter itself.
const page = (body: string) => `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × Hono</title></head>
  <body>${body}</body>
</html>`;

const pretty = (value: unknown) => escapeHtml(JSON.stringify(value, null, 2));
// #endregion page

/**
 * `{ accessToken, claims }`, or `{ accessToken: null }` with 401 when there is no token to be had,
 * or with the status the SDK gives the error (400 for a resource that was not configured, 403 for an
 * organization the user is not a member of).
 */
// #region token-json
const tokenJson = async (
  c: Context,
  getToken: () => Promise<string | null>,
  getClaims: () => Promise<unknown>,
) => {
  try {
    const accessToken = await getToken();
    if (!accessToken) return c.json({ accessToken: null }, 401);
    return c.json({ accessToken, claims: await getClaims() });
  } catch (error) {
    const { status } = c.var.logtoRequest.failure(error, { api: true });
    return c.json({ accessToken: null }, status as ContentfulStatusCode);
  }
};
// #endregion token-json

// #region middleware
/** The app; `logto()` answers `/sign-in`, `/sign-up`, `/callback` and `/sign-out` itself. */
export const createApp = (config: LogtoServerConfig) => {
  const app = new Hono();
  app.use(logto(config));
  // #endregion middleware

  // #region home
  app.get('/', async (c) => {
    const client = c.var.logto;
    // #region signed-out
    if (!(await client.isAuthenticated())) {
      return c.html(
        page(`<p>Not authenticated</p>
<p><a href="/sign-in">Sign in</a> or <a href="/sign-up">sign up</a></p>`),
      );
    }
    // #endregion signed-out
    // #region claims
    const claims = await client.getIdTokenClaims();
    const userInfo = await client.fetchUserInfo();
    // #endregion claims
    return c.html(
      page(`<h1>Signed in</h1>
<h2>ID token claims</h2>
<pre>${pretty(claims)}</pre>
<h2>User info</h2>
<pre>${pretty(userInfo)}</pre>
<h2>Access tokens</h2>
<ul>
  <li><a href="/api/token">Default access token</a></li>
  ${(config.resources ?? [])
    .map(
      (resource) =>
        `<li><a href="/api/token?resource=${encodeURIComponent(resource)}">Token for ${escapeHtml(resource)}</a></li>`,
    )
    .join('\n  ')}
  ${(claims.organizations ?? [])
    .map(
      (id) =>
        `<li><a href="/api/organization-token?organizationId=${encodeURIComponent(id)}">Token for organization ${escapeHtml(id)}</a></li>`,
    )
    .join('\n  ')}
</ul>
<p><a href="/protected">Protected page</a> · <a href="/sign-out">Sign out</a></p>`),
    );
  });
  // #endregion home

  // #region protected
  app.get('/protected', requireAuth(), (c) => c.html(page('<p>Protected page</p>')));
  // #endregion protected

  // #region api-me
  app.get('/api/me', async (c) => {
    const client = c.var.logto;
    if (!(await client.isAuthenticated()))
      return c.json({ isAuthenticated: false, claims: null, userInfo: null });
    const claims = await client.getIdTokenClaims();
    return c.json({ isAuthenticated: true, claims, userInfo: await client.fetchUserInfo() });
  });
  // #endregion api-me

  // #region access-token
  app.get('/api/token', (c) => {
    const resource = c.req.query('resource');
    return tokenJson(
      c,
      () => c.var.logto.getAccessToken(resource),
      () => c.var.logto.getAccessTokenClaims(resource),
    );
  });
  // #endregion access-token

  // #region organization-token
  app.get('/api/organization-token', (c) => {
    const organizationId = c.req.query('organizationId') ?? '';
    return tokenJson(
      c,
      () => c.var.logto.getOrganizationToken(organizationId),
      () => c.var.logto.getOrganizationTokenClaims(organizationId),
    );
  });
  // #endregion organization-token

  return app;
};
