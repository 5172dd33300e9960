/**
 * Bare Hono serving the Hono example's `/protected` page (examples/hono/src/app.ts) as the example
 * does, `c.html` of the same plain string, without any auth: what the page costs apart from signing in.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { counted, ready } from './control.ts';

const html = `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × Hono</title></head>
  <body><p>Protected page</p></body>
</html>`;

const app = new Hono();
app.get('/protected', (c) => {
  counted();
  return c.html(html);
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
