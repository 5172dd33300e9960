/**
 * The Express example app itself (examples/express/src/app.ts, as users copy it) with the bench's
 * Logto configuration. The load goes to `/protected`, behind `requireAuth()`: it answers 200 only to a
 * signed-in request (302 otherwise), and each 200 is counted when its response has gone out.
 */
import { createApp } from '../../examples/express/src/app.ts';
import { logtoConfig } from './config.ts';
import { listenCounted } from './control.ts';

const app = createApp(logtoConfig());
listenCounted((port, host, onListening) => app.listen(port, host, onListening), '/protected');
