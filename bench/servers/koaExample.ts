/**
 * The Koa example app (examples/koa/src/app.ts) as it is: its signed-in `/protected` page is measured
 * beside bare Koa's route. Counted when the page answers 200 (a signed-out request is redirected to
 * sign-in), at the Node level as the bare page is (`countOkResponses`), so the app itself is untouched.
 */
import { createApp } from '../../examples/koa/src/app.ts';
import { logtoConfig } from './config.ts';
import { listenCounted } from './control.ts';

const app = createApp(logtoConfig());

listenCounted((port, host, onListening) => app.listen(port, host, onListening));
