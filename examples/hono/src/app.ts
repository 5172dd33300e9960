/**
 * The Logto tutorial's app on Hono: sign in, see who you are, get access tokens, sign out.
 * `src/server.ts` reads the environment and listens; this file is the app itself.
 */
// #region imports
import { type LogtoServerConfig, logto, requireAuth } from '@logto-machine/hono';
// #endregion imports
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const page = (body: unknown) =>
  html`<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × Hono</title></head>
  <body>${body}</body>
</html>`;

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

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
        page(html`<p>Not authenticated</p>
<p><a href="/sign-in">Sign in</a> or <a href="/sign-up">sign up</a></p>`),
      );
    }
    // #endregion signed-out
    // #region claims
    const claims = await client.getIdTokenClaims();
    const userInfo = await client.fetchUserInfo();
    // #endregion claims
    return c.html(
      page(html`<h1>Signed in</h1>
<h2>ID token claims</h2>
<pre>${pretty(claims)}</pre>
<h2>User info</h2>
<pre>${pretty(userInfo)}</pre>
<h2>Access tokens</h2>
<ul>
  <li><a href="/api/token">Default access token</a></li>
  ${(config.resources ?? []).map(
    (resource) =>
      html`<li><a href="/api/token?resource=${encodeURIComponent(resource)}">Token for ${resource}</a></li>`,
  )}
  ${(claims.organizations ?? []).map(
    (id) =>
      html`<li><a href="/api/organization-token?organizationId=${encodeURIComponent(id)}">Token for organization ${id}</a></li>`,
  )}
</ul>
<p><a href="/protected">Protected page</a> · <a href="/sign-out">Sign out</a></p>`),
    );
  });
  // #endregion home

  // #region protected
  app.get('/protected', requireAuth(), (c) => c.html(page(html`<p>Protected page</p>`)));
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
