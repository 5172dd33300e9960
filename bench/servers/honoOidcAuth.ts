/**
 * Hono with `@hono/oidc-auth` (configured by its environment variables: OIDC_AUTH_SECRET,
 * OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SCOPES), on every route, as its README shows.
 */
import { serve } from '@hono/node-server';
import { getAuth, oidcAuthMiddleware } from '@hono/oidc-auth';
import { Hono } from 'hono';
import { counted, ready } from './control.ts';

const app = new Hono();
app.use('*', oidcAuthMiddleware());
app.get('/me', async (c) => {
  const auth = await getAuth(c);
  if (!auth?.sub) return c.text('signed out', 401);
  counted();
  return c.text(String(auth.sub));
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
