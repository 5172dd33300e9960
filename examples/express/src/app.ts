/**
 * The Logto tutorial's app on Express: sign in, see who you are, get access tokens, sign out.
 * `src/server.ts` reads the environment and listens; this file is the app itself.
 */
// #region imports
import { type LogtoServerConfig, logto, logtoErrorHandler, requireAuth } from '@logto-machine/express';
// #endregion imports
import express, { type Express, type Request, type Response } from 'express';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const page = (body: string) => `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × Express</title></head>
  <body>${body}</body>
</html>`;

const pretty = (value: unknown) => escapeHtml(JSON.stringify(value, null, 2));

/** The first value of a query parameter (`?resource=a&resource=b` is `a`). */
const query = (req: Request, name: string) =>
  new URLSearchParams(req.originalUrl.split('?')[1] ?? '').get(name) ?? undefined;

/**
 * `{ accessToken, claims }`, or `{ accessToken: null }` with 401 when there is no token to be had,
 * or with the status the SDK gives the error (400 for a resource that was not configured, 403 for an
 * organization the user is not a member of).
 */
// #region token-json
const tokenJson = async (
  req: Request,
  res: Response,
  getToken: () => Promise<string | null>,
  getClaims: () => Promise<unknown>,
) => {
  try {
    const accessToken = await getToken();
    if (!accessToken) {
      res.status(401).json({ accessToken: null });
      return;
    }
    res.json({ accessToken, claims: await getClaims() });
  } catch (error) {
    res.status(req.logtoRequest.failure(error, { api: true }).status).json({ accessToken: null });
  }
};
// #endregion token-json

// #region middleware
/** The app; `logto()` answers `/sign-in`, `/sign-up`, `/callback` and `/sign-out` itself. */
export const createApp = (config: LogtoServerConfig): Express => {
  const app = express();
  app.use(logto(config));
  // #endregion middleware

  // #region home
  app.get('/', async (req, res) => {
    const client = req.logto;
    // #region signed-out
    if (!(await client.isAuthenticated())) {
      res.send(
        page(`<p>Not authenticated</p>
<p><a href="/sign-in">Sign in</a> or <a href="/sign-up">sign up</a></p>`),
      );
      return;
    }
    // #endregion signed-out
    // #region claims
    const claims = await client.getIdTokenClaims();
    const userInfo = await client.fetchUserInfo();
    // #endregion claims
    res.send(
      page(`<h1>Signed in</h1>
<h2>ID token claims</h2>
<pre>${pretty(claims)}</pre>
<h2>User info</h2>
<pre>${pretty(userInfo)}</pre>
<p><a href="/protected">Protected page</a> · <a href="/sign-out">Sign out</a></p>`),
    );
  });
  // #endregion home

  // #region protected
  app.get('/protected', requireAuth(), (_req, res) => {
    res.send(page('<p>Protected page</p>'));
  });
  // #endregion protected

  // #region api-me
  app.get('/api/me', async (req, res) => {
    const client = req.logto;
    if (!(await client.isAuthenticated())) {
      res.json({ isAuthenticated: false, claims: null, userInfo: null });
      return;
    }
    const claims = await client.getIdTokenClaims();
    res.json({ isAuthenticated: true, claims, userInfo: await client.fetchUserInfo() });
  });
  // #endregion api-me

  // #region access-token
  app.get('/api/token', (req, res) => {
    const resource = query(req, 'resource');
    return tokenJson(
      req,
      res,
      () => req.logto.getAccessToken(resource),
      () => req.logto.getAccessTokenClaims(resource),
    );
  });
  // #endregion access-token

  // #region organization-token
  app.get('/api/organization-token', (req, res) => {
    const organizationId = query(req, 'organizationId') ?? '';
    return tokenJson(
      req,
      res,
      () => req.logto.getOrganizationToken(organizationId),
      () => req.logto.getOrganizationTokenClaims(organizationId),
    );
  });
  // #endregion organization-token

  // #region errors
  // After the routes: an SDK error a handler throws (an ended session, say) gets its answer.
  app.use(logtoErrorHandler());
  // #endregion errors
  return app;
};
