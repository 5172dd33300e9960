/**
 * The Hono example's `/protected` as it was before issue 17: the page rendered by nested `hono/html`
 * templates, whose result (a `String` object) is resolved per request and leaves @hono/node-server's
 * fast response path. Measured beside servers/honoExample.ts (the page as a plain string); counted alike.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { logto, requireAuth } from '@logto-machine/hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { logtoConfig } from './config.ts';
import { countOkResponses, ready } from './control.ts';

const page = (body: unknown) =>
  html`<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × Hono</title></head>
  <body>${body}</body>
</html>`;

const app = new Hono();
app.use(logto(logtoConfig()));
app.get('/protected', requireAuth(), (c) => c.html(page(html`<p>Protected page</p>`)));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
countOkResponses(server as Server);
