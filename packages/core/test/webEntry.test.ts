/**
 * The Web entry (`@logto-machine/core/web`) against the dev provider: the adapters' contract suite on
 * a `withLogto` handler, and a response fetched from elsewhere streaming through it with the cookies.
 * Here rather than beside the entry: it starts a Node server (core's `src` imports no Node built-in).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Browser } from '@logto-machine/dev-provider/testing';
import {
  type AdapterTestConfig,
  configFor,
  demoResource,
  runAdapterContract,
  signIn,
  useTestProviders,
} from '@logto-machine/testing/adapter';
import { describe, expect, it } from 'vitest';
import { withLogto } from '../src/web.ts';

const otherResource = 'https://api0.example.com';

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

/** The adapter contract's app (see `runAdapterContract`) as one `(request) => Response` handler. */
const makeApp = (config: AdapterTestConfig) =>
  withLogto(config, async (request, logto) => {
    const url = new URL(request.url);
    const resource = url.searchParams.get('resource') ?? undefined;
    const { client } = logto;
    switch (url.pathname) {
      case '/':
        if (!(await client.isAuthenticated()))
          return html('<p>Not authenticated</p><a href="/sign-in">Sign in</a>');
        return Response.json({
          claims: await client.getIdTokenClaims(),
          userInfo: await client.fetchUserInfo(),
        });
      case '/protected':
        return (await logto.requireAuth()) ?? html('<p>Protected page</p>');
      case '/api/me':
        return (await logto.requireAuth()) ?? Response.json({ claims: await client.getIdTokenClaims() });
      case '/api/token': {
        // SDK errors go through on purpose: withLogto answers them.
        const accessToken = await client.getAccessToken(resource);
        return Response.json({ accessToken }, { status: accessToken ? 200 : 401 });
      }
      case '/token-page':
        return html(`<p>${await client.getAccessToken(resource)}</p>`);
      case '/test/refresh-token':
        return Response.json({ refreshToken: await client.getRefreshToken() });
      default:
        return html('<p>Not found</p>', 404);
    }
  });

runAdapterContract({ name: 'the Web entry (withLogto)', mount: (config) => ({ fetch: makeApp(config) }) });

describe('withLogto with a response fetched from elsewhere', () => {
  const ops = useTestProviders();

  it('streams its body through the copy that carries the cookies, never buffering it', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first ');
      void released.then(() => res.end('last'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      // The proxy refreshes the session's token for another resource: its cookies change.
      const config = configFor(ops.provider, { resources: [demoResource, otherResource] });
      const app = withLogto(config, async (request, logto) => {
        if (new URL(request.url).pathname !== '/proxy') return html('<p>Not found</p>', 404);
        await logto.client.getAccessToken(otherResource);
        return fetch(upstreamUrl);
      });
      const browser = new Browser('http://127.0.0.1:3000', app);
      await signIn(browser);
      const response = await browser.get('/proxy');
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);
      const reader = response.body!.getReader();
      // The first chunk arrives while the upstream is still sending: nothing waited for the whole body.
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('first ');
      release();
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        rest += new TextDecoder().decode(chunk.value);
      expect(rest).toBe('last');
    } finally {
      release();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
