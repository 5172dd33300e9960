/**
 * The example's shape with no auth in it: bare Hono serving the Hono example's `/protected` page
 * (servers/honoBarePage.ts) behind what examples/hono puts in front of it — an app-wide middleware
 * that reads the Cookie header and sets two context variables (as `logto()` does) and a route
 * middleware that lets the request through (as `requireAuth()` does when signed in). What Hono charges
 * any app of that shape before its middleware does work: the floor of the example's row.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { countOkResponses, ready } from './control.ts';
import { protectedPage } from './protectedPage.ts';

const html = protectedPage('Hono');

const app = new Hono<{ Variables: { session: string | undefined; request: number } }>();
app.use((c, next) => {
  c.set('session', c.req.header('cookie'));
  c.set('request', 1);
  return next();
});
app.get(
  '/protected',
  (c, next) => (c.var.session === undefined ? c.text('signed out', 401) : next()),
  (c) => c.html(html),
);

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
countOkResponses(server as Server);
