/**
 * The Hono example app (examples/hono/src/app.ts) as it is, on @hono/node-server: its signed-in
 * `/protected` page is measured beside bare Hono's route. Counted when the page answers 200 (a
 * signed-out request is redirected to sign-in), around the app, so the app itself is untouched.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../../examples/hono/src/app.ts';
import { logtoConfig } from './config.ts';
import { counted, ready } from './control.ts';

const app = createApp(logtoConfig());
const fetch = async (request: Request): Promise<Response> => {
  const response = await app.fetch(request);
  if (response.status === 200) counted();
  return response;
};

serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
