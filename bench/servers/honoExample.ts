/**
 * The Hono example app (examples/hono/src/app.ts) as it is, on @hono/node-server: its signed-in
 * `/protected` page is measured beside bare Hono's route. Counted when the page answers 200 (a
 * signed-out request is redirected to sign-in), at the Node level as the bare page is
 * (`countOkResponses`), so the app itself is untouched.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from '../../examples/hono/src/app.ts';
import { logtoConfig } from './config.ts';
import { countOkResponses, ready } from './control.ts';

const app = createApp(logtoConfig());
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
countOkResponses(server as Server);
