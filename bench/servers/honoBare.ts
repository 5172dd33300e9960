/** Bare Hono on @hono/node-server: the same route as servers/honoLogto.ts without any auth. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { counted, ready } from './control.ts';

const app = new Hono();
app.get('/me', (c) => {
  counted();
  return c.text('anonymous');
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
