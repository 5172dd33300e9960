/**
 * The SvelteKit example app (examples/sveltekit, built by lib/build.ts with its own adapter-node
 * config into examples/sveltekit/build, passed as SVELTEKIT_EXAMPLE_BUILD) on adapter-node's `handler`, configured as the other example
 * rows (the dev provider's demo app, the same scopes and resource). Counted when a page answers 200
 * (a signed-out request is redirected to sign-in), around the handler, so the app is untouched.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sessionSecret } from './config.ts';
import { countOkResponses, ready, requiredEnv } from './control.ts';

type Handler = (request: unknown, response: unknown, next: () => void) => void;

const server = createServer();
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address() as AddressInfo;
  Object.assign(process.env, {
    ORIGIN: `http://127.0.0.1:${port}`,
    LOGTO_APP_ID: 'demo-app',
    LOGTO_APP_SECRET: 'demo-app-secret',
    LOGTO_SCOPES:
      'email,custom_data,urn:logto:scope:organizations,urn:logto:scope:organization_roles,read:data,read:org',
    LOGTO_RESOURCES: 'https://api.example.com',
    SESSION_SECRET: sessionSecret,
  });
  const { handler } = (await import(`${requiredEnv('SVELTEKIT_EXAMPLE_BUILD')}/handler.js`)) as {
    handler: Handler;
  };
  countOkResponses(server);
  server.on('request', (request, response) => {
    handler(request, response, () => {
      response.statusCode = 404;
      response.end();
    });
  });
  await ready(port);
});
