/**
 * Hono with our adapter (`@logto-machine/hono`), cookie sessions or store mode (BENCH_SESSIONS,
 * servers/config.ts). `/me` answers the signed-in user's
 * `sub` (401 when signed out); `/token` the default access token (refreshed when expired).
 */
import { serve } from '@hono/node-server';
import { logto } from '@logto-machine/hono';
import { Hono } from 'hono';
import { logtoConfig } from './config.ts';
import { counted, ready } from './control.ts';
import './storeSessions.ts';

const app = new Hono();
app.use(logto(logtoConfig()));
app.get('/me', async (c) => {
  const client = c.var.logto;
  if (!(await client.isAuthenticated())) return c.text('signed out', 401);
  const { sub } = await client.getIdTokenClaims();
  counted();
  return c.text(sub);
});
app.get('/token', async (c) => {
  const token = await c.var.logto.getAccessToken();
  if (!token) return c.text('no token', 401);
  counted();
  return c.text(token.slice(0, 8));
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
