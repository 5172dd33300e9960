/**
 * The bench's Next app (bench/next, built by lib/build.ts) on Next's own request handler (`next
 * start`'s), bare or with our adapter (BENCH_LOGTO=1). `/me` goes to BENCH_NEXT_PATH when set (the
 * route behind proxy.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import next from 'next';
import { sessionSecret } from './config.ts';
import { ready, requiredEnv } from './control.ts';

process.env.BENCH_SESSION_SECRET = sessionSecret;
const measuredPath = process.env.BENCH_NEXT_PATH ?? '/me';
const server = createServer();
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  const app = next({ dir: requiredEnv('NEXT_APP_DIR'), dev: false, hostname: '127.0.0.1', port });
  await app.prepare();
  const handle = app.getRequestHandler();
  server.on('request', (request, response) => {
    if (request.url === '/me') request.url = measuredPath;
    void handle(request, response);
  });
  await ready(port);
});
