/**
 * The Express example app itself (examples/express/src/app.ts, as users copy it) with the bench's
 * Logto configuration. The load goes to `/protected`, behind `requireAuth()`: it answers 200 only to a
 * signed-in request (302 otherwise), and each 200 is counted when its response has gone out.
 */
import { createApp } from '../../examples/express/src/app.ts';
import { logtoConfig } from './config.ts';
import { countOkResponses, ready } from './control.ts';

const server = createApp(logtoConfig()).listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) void ready(address.port);
});
countOkResponses(server, '/protected');
