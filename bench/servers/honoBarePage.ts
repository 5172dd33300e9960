/**
 * Bare Hono serving the Hono example's `/protected` page (examples/hono/src/app.ts) as the example
 * does, `c.html` of the same plain string, without any auth: what the page costs apart from signing in.
 * Counted as the example is (`countOkResponses`).
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { countOkResponses, ready } from './control.ts';
import { protectedPage } from './protectedPage.ts';

const html = protectedPage('Hono');

const app = new Hono();
app.get('/protected', (c) => c.html(html));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
countOkResponses(server as Server);
