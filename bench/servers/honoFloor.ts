/**
 * The floor of any session middleware on Hono, for scale: the shape of servers/honoLogto.ts with no
 * auth in it — a middleware that reads the Cookie header, sets two context variables and awaits the
 * handler, and an async handler that reads `c.var` and awaits twice. What it costs over bare Hono is
 * what the framework charges any cookie-reading middleware before it does its own work.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { counted, ready } from './control.ts';

const app = new Hono<{ Variables: { session: string | undefined; request: number } }>();
app.use(async (c, next) => {
  c.set('session', c.req.header('cookie'));
  c.set('request', 1);
  await next();
});
app.get('/me', async (c) => {
  const session = c.var.session;
  if (!(await Promise.resolve(session !== undefined))) return c.text('signed out', 401);
  await Promise.resolve();
  counted();
  return c.text('user_demo');
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
