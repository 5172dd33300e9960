/**
 * The bench's SvelteKit app (bench/sveltekit, built by lib/build.ts into .out/sveltekit) on
 * adapter-node's `handler`, bare or with our hook (BENCH_LOGTO=1). ORIGIN is set from the port
 * before the handler loads, as adapter-node reads it once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sessionSecret } from './config.ts';
import { ready, requiredEnv } from './control.ts';

type Handler = (request: unknown, response: unknown, next: () => void) => void;

const server = createServer();
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  process.env.ORIGIN = `http://127.0.0.1:${port}`;
  process.env.BENCH_SESSION_SECRET = sessionSecret;
  const { handler } = (await import(`${requiredEnv('SVELTEKIT_BUILD')}/handler.js`)) as { handler: Handler };
  server.on('request', (request, response) =>
    handler(request, response, () => {
      response.statusCode = 404;
      response.end();
    }),
  );
  await ready(port);
});
