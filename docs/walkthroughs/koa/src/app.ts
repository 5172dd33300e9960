import Router from '@koa/router';
import { type LogtoState, logto, requireAuth } from '@logto-machine/koa';
import Koa from 'koa';

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
  `<!doctype html><html><head><meta charset="utf-8"><title>Logto × Koa</title></head><body>${body}</body></html>`;

// `LogtoState` types `ctx.state.logto` in every middleware and route.
const app = new Koa<LogtoState>();
const router = new Router<LogtoState>();

// Answers /sign-in, /sign-up, /callback and /sign-out, and gives every other route `ctx.state.logto`.
app.use(
  logto({
    endpoint: setting('LOGTO_ENDPOINT'),
    appId: setting('LOGTO_APP_ID'),
    appSecret: setting('LOGTO_APP_SECRET'),
    // The app's public origin; unset, each request's own origin (set it behind a proxy).
    baseUrl: process.env.BASE_URL,
    resources: resource ? [resource] : [],
    session: { secrets: setting('SESSION_SECRET') },
  }),
);

router.get('/', async (ctx) => {
  const client = ctx.state.logto;
  if (!(await client.isAuthenticated())) {
    ctx.body = page('<p>Not authenticated</p><p><a href="/sign-in">Sign in</a></p>');
    return;
  }
  const claims = await client.getIdTokenClaims();
  ctx.body = page(`<h1>Signed in as ${escapeHtml(claims.sub)}</h1>
<pre>${escapeHtml(JSON.stringify(claims, null, 2))}</pre>
<p><a href="/protected">Protected page</a> · <a href="/api/token">Access token</a> · <a href="/sign-out">Sign out</a></p>`);
});

// Signed out: pages redirect to sign-in (and come back), API routes answer 401.
router.get('/protected', requireAuth(), (ctx) => {
  ctx.body = page('<p>Protected page</p>');
});

router.get('/api/token', requireAuth(), async (ctx) => {
  const accessToken = await ctx.state.logto.getAccessToken(resource);
  ctx.status = accessToken ? 200 : 401;
  ctx.body = { accessToken };
});

app.use(router.routes()).use(router.allowedMethods());

app.listen(port, () => console.log(`Listening on http://localhost:${port}`));
