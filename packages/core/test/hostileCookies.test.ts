/**
 * Finding 2 of the security review: a `Cookie` header of planted session chunks (`logto_session.0` …
 * `.900`) once cost a read of the whole header per chunk — 46 ms a request instead of 0.4 ms. Here
 * every request goes through a real Node HTTP server, with its real header limit (16 KiB), to
 * `LogtoServer` as an adapter drives it: whatever its shape, a header costs about what a benign one of
 * the same size does, and is never answered with a 5xx.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoServer } from '../src/server/LogtoServer.ts';
import { benignCookieHeader, hostileCookieHeaders } from './cookieHeaderShapes.ts';

const logto = new LogtoServer({
  endpoint: 'https://tenant.example',
  appId: 'app-1',
  appSecret: 'secret-1',
  session: { secrets: 'hostile-cookies-test-secret-0123456789abcdef' },
});

/** A minimal adapter: the request's session read (`isAuthenticated`), errors answered as core maps them. */
const handle = async (request: IncomingMessage) => {
  const logtoRequest = logto.open({
    url: `http://127.0.0.1${request.url ?? '/'}`,
    method: request.method ?? 'GET',
    cookie: request.headers.cookie,
  });
  try {
    const signedIn = await logtoRequest.client.isAuthenticated();
    return { status: 200, body: String(signedIn), setCookie: logtoRequest.setCookieHeaders() };
  } catch (error) {
    const failure = logtoRequest.failure(error);
    return { status: failure.status, body: '', setCookie: failure.setCookie };
  }
};

let server: Server;
let agent: Agent;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    handle(request).then(({ status, body, setCookie }) => {
      response.writeHead(status, setCookie.length > 0 ? { 'set-cookie': [...setCookie] } : {}).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
});
afterAll(async () => {
  agent?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

/** One GET with `cookie`: its status and body. */
const get = (cookie: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path: '/', agent, headers: { cookie } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });

/** Milliseconds per request for `count` requests in a row with `cookie`. */
const timePerRequest = async (cookie: string, count: number) => {
  const start = performance.now();
  for (let index = 0; index < count; index++) await get(cookie);
  return (performance.now() - start) / count;
};

// Node's default limit is 16 KiB for the request line and every header: this leaves room for the rest.
const size = 16 * 1024 - 512;
const benign = benignCookieHeader(size);

describe('a hostile Cookie header through a Node HTTP server', () => {
  it.each(Object.entries(hostileCookieHeaders(size)))(
    '%s: answered 200 signed out, in at most 4× the time of a benign header of the same size',
    async (_, hostile) => {
      expect(hostile).toHaveLength(size);
      expect(await get(hostile)).toEqual({ status: 200, body: 'false' });
      expect(await get(benign)).toEqual({ status: 200, body: 'false' });
      // Side by side, alternating, the best of several rounds: what the code costs, not what the
      // (shared, noisy) machine was doing. The bug cost 100×; a linear read costs about 1×.
      let bestHostile = Number.POSITIVE_INFINITY;
      let bestBenign = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 7; round++) {
        bestHostile = Math.min(bestHostile, await timePerRequest(hostile, 20));
        bestBenign = Math.min(bestBenign, await timePerRequest(benign, 20));
      }
      expect(bestHostile).toBeLessThanOrEqual(4 * bestBenign);
    },
  );
});
