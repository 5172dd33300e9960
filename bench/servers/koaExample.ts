/**
 * The Koa example app (examples/koa/src/app.ts) as it is: its signed-in `/protected` page is measured
 * beside bare Koa's route. Counted when the page answers 200 (a signed-out request is redirected to
 * sign-in), at the Node level as the bare page is (`countOkResponses`), so the app itself is untouched.
 */
import { createApp } from '../../examples/koa/src/app.ts';
import { logtoConfig } from './config.ts';
import { countOkResponses, ready } from './control.ts';

const app = createApp(logtoConfig());

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) void ready(address.port);
});
countOkResponses(server);
