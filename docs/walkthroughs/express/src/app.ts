import { logto, logtoErrorHandler, requireAuth } from '@logto-machine/express';
import express from 'express';

/** A setting from the environment; the app stops at start-up when a required one is missing. */
function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see the walkthrough's "Run it").`);
  return value;
}

const port = Number(process.env.PORT ?? 3000);
// An API resource to get access tokens for, e.g. https://api.example.com (optional).
const resource = process.env.LOGTO_RESOURCE;

// Pages are plain strings: escape whatever comes from outside.
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const page = (body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Logto × Express</title></head><body>${body}</body></html>`;

const app = express();

// Answers /sign-in, /sign-up, /callback and /sign-out, and gives every other route `req.logto`.
app.use(
  logto({
    endpoint: setting('LOGTO_ENDPOINT'),
    appId: setting('LOGTO_APP_ID'),
    appSecret: setting('LOGTO_APP_SECRET'),
    baseUrl: process.env.BASE_URL ?? `http://localhost:${port}`,
    resources: resource ? [resource] : [],
    session: { secrets: setting('SESSION_SECRET') },
  }),
);

app.get('/', async (req, res) => {
  if (!(await req.logto.isAuthenticated())) {
    res.send(page('<p>Not authenticated</p><p><a href="/sign-in">Sign in</a></p>'));
    return;
  }
  const claims = await req.logto.getIdTokenClaims();
  res.send(
    page(`<h1>Signed in as ${escapeHtml(claims.sub)}</h1>
<pre>${escapeHtml(JSON.stringify(claims, null, 2))}</pre>
<p><a href="/protected">Protected page</a> · <a href="/api/token">Access token</a> · <a href="/sign-out">Sign out</a></p>`),
  );
});

// Signed out: pages redirect to sign-in (and come back), API routes answer 401.
app.get('/protected', requireAuth(), (_req, res) => {
  res.send(page('<p>Protected page</p>'));
});

app.get('/api/token', requireAuth(), async (req, res) => {
  const accessToken = await req.logto.getAccessToken(resource);
  res.status(accessToken ? 200 : 401).json({ accessToken });
});

// After the routes: an SDK error a handler throws (an ended session, say) is answered like the routes
// above would (pages to sign-in, APIs 401), instead of Express's 500.
app.use(logtoErrorHandler());

app.listen(port, () => console.log(`Listening on http://localhost:${port}`));
