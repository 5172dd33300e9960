/**
 * The Logto tutorial's app on Koa: sign in, see who you are, get access tokens, sign out.
 * `src/server.ts` reads the environment and listens; this file is the app itself.
 */
import Router from '@koa/router';
// #region imports
import { type LogtoServerConfig, type LogtoState, logto, requireAuth } from '@logto-machine/koa';
// #endregion imports
import Koa, { type ParameterizedContext } from 'koa';

type Context = ParameterizedContext<LogtoState>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const page = (body: string) => `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × Koa</title></head>
  <body>${body}</body>
</html>`;

const pretty = (value: unknown) => escapeHtml(JSON.stringify(value, null, 2));

/** The first value of a query parameter (`?resource=a&resource=b` is `a`). */
const query = (ctx: Context, name: string) => new URLSearchParams(ctx.querystring).get(name) ?? undefined;

/**
 * `{ accessToken, claims }`, or `{ accessToken: null }` with 401 when there is no token to be had,
 * or with the status the SDK gives the error (400 for a resource that was not configured, 403 for an
 * organization the user is not a member of).
 */
// #region token-json
const tokenJson = async (
  ctx: Context,
  getToken: () => Promise<string | null>,
  getClaims: () => Promise<unknown>,
) => {
  try {
    const accessToken = await getToken();
    if (!accessToken) {
      ctx.status = 401;
      ctx.body = { accessToken: null };
      return;
    }
    ctx.body = { accessToken, claims: await getClaims() };
  } catch (error) {
    ctx.status = ctx.state.logtoRequest.failure(error, { api: true }).status;
    ctx.body = { accessToken: null };
  }
};
// #endregion token-json

// #region middleware
/** The app; `logto()` answers `/sign-in`, `/sign-up`, `/callback` and `/sign-out` itself. */
export const createApp = (config: LogtoServerConfig) => {
  const app = new Koa<LogtoState>();
  app.use(logto(config));
  const router = new Router<LogtoState>();
  // #endregion middleware

  // #region home
  router.get('/', async (ctx) => {
    const client = ctx.state.logto;
    // #region signed-out
    if (!(await client.isAuthenticated())) {
      ctx.body = page(`<p>Not authenticated</p>
<p><a href="/sign-in">Sign in</a> or <a href="/sign-up">sign up</a></p>`);
      return;
    }
    // #endregion signed-out
    // #region claims
    const claims = await client.getIdTokenClaims();
    const userInfo = await client.fetchUserInfo();
    // #endregion claims
    ctx.body = page(`<h1>Signed in</h1>
<h2>ID token claims</h2>
<pre>${pretty(claims)}</pre>
<h2>User info</h2>
<pre>${pretty(userInfo)}</pre>
<p><a href="/protected">Protected page</a> · <a href="/sign-out">Sign out</a></p>`);
  });
  // #endregion home

  // #region protected
  router.get('/protected', requireAuth(), (ctx) => {
    ctx.body = page('<p>Protected page</p>');
  });
  // #endregion protected

  // #region api-me
  router.get('/api/me', async (ctx) => {
    const client = ctx.state.logto;
    if (!(await client.isAuthenticated())) {
      ctx.body = { isAuthenticated: false, claims: null, userInfo: null };
      return;
    }
    const claims = await client.getIdTokenClaims();
    ctx.body = { isAuthenticated: true, claims, userInfo: await client.fetchUserInfo() };
  });
  // #endregion api-me

  // #region access-token
  router.get('/api/token', (ctx) => {
    const resource = query(ctx, 'resource');
    return tokenJson(
      ctx,
      () => ctx.state.logto.getAccessToken(resource),
      () => ctx.state.logto.getAccessTokenClaims(resource),
    );
  });
  // #endregion access-token

  // #region organization-token
  router.get('/api/organization-token', (ctx) => {
    const organizationId = query(ctx, 'organizationId') ?? '';
    return tokenJson(
      ctx,
      () => ctx.state.logto.getOrganizationToken(organizationId),
      () => ctx.state.logto.getOrganizationTokenClaims(organizationId),
    );
  });
  // #endregion organization-token

  // #region routes
  app.use(router.routes()).use(router.allowedMethods());
  // #endregion routes
  return app;
};
