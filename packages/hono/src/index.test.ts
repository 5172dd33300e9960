import { Browser, completeSignIn, locationOf } from '@logto-machine/dev-provider/testing';
import {
  type AdapterTestConfig,
  configFor,
  runAdapterContract,
  useTestProviders,
} from '@logto-machine/testing/adapter';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type LogtoMiddlewareOptions, logto, requireAuth } from './index.ts';

/** The adapter contract's app (see `runAdapterContract`), plus a route under a custom API rule. */
const makeApp = (config: AdapterTestConfig, options?: LogtoMiddlewareOptions) => {
  const app = new Hono();
  app.use(logto(config, options));
  app.get('/', async (c) => {
    const client = c.var.logto;
    if (!(await client.isAuthenticated()))
      return c.html('<p>Not authenticated</p><a href="/sign-in">Sign in</a>');
    return c.json({ claims: await client.getIdTokenClaims(), userInfo: await client.fetchUserInfo() });
  });
  app.get('/protected', requireAuth(), (c) => c.text('Protected page'));
  app.get('/api/me', requireAuth(), async (c) => c.json({ claims: await c.var.logto.getIdTokenClaims() }));
  // Lets SDK errors through on purpose: the middleware answers them.
  app.get('/api/token', async (c) => {
    const accessToken = await c.var.logto.getAccessToken(c.req.query('resource'));
    return c.json({ accessToken }, accessToken ? 200 : 401);
  });
  app.get('/token-page', async (c) =>
    c.html(`<p>${await c.var.logto.getAccessToken(c.req.query('resource'))}</p>`),
  );
  app.get('/test/refresh-token', async (c) => c.json({ refreshToken: await c.var.logto.getRefreshToken() }));
  app.get('/rpc/protected', requireAuth(), (c) => c.text('Protected RPC'));
  return app;
};

runAdapterContract({ name: 'Hono', mount: (config) => ({ fetch: makeApp(config).fetch }) });

describe('logto middleware on Hono', () => {
  const ops = useTestProviders();

  it('follows a custom API rule', async () => {
    const app = makeApp(configFor(ops.provider), { isApiRequest: (c) => c.req.path.startsWith('/rpc/') });
    const browser = new Browser('http://127.0.0.1:3000', app.fetch);
    expect((await browser.get('/rpc/protected')).status).toBe(401);
    expect((await browser.get('/api/me')).status).toBe(302);
  });

  it('reads the Cookie header from Node’s request on @hono/node-server (c.env.incoming)', async () => {
    const app = makeApp(configFor(ops.provider));
    const browser = new Browser('http://127.0.0.1:3000', app.fetch);
    const start = await browser.get('/sign-in');
    await browser.get(
      await completeSignIn(locationOf(start, browser.baseUrl).href, {
        username: 'demo',
        password: 'demo-password',
      }),
    );
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const me = (headers: Record<string, string>, env?: object) =>
      app.fetch(new Request('http://127.0.0.1:3000/api/me', { headers }), env);
    // Node's headers win over Hono's view of them (they are the same request there).
    expect((await me({ cookie: 'logto_session=stale' }, { incoming: { headers: { cookie } } })).status).toBe(
      200,
    );
    expect((await me({ cookie }, { incoming: { headers: { cookie: 'logto_session=stale' } } })).status).toBe(
      401,
    );
    // Without them (other runtimes, or no Cookie header in Node's): Hono's.
    expect((await me({ cookie }, { incoming: { headers: {} } })).status).toBe(200);
    expect((await me({ cookie })).status).toBe(200);
  });

  it('moves a sign-in opened at another host than baseUrl’s there, and logs failures to the logger', async () => {
    const logged: string[] = [];
    const log = (_details: unknown, message: string) => void logged.push(message);
    const config = {
      ...configFor(ops.provider),
      baseUrl: 'http://127.0.0.1:3000',
      logger: { debug: log, info: log, warn: log, error: log },
    };
    const app = makeApp(config);
    const moved = await app.fetch(new Request('http://localhost:3000/sign-in?returnTo=%2Fprotected'));
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe(
      'http://127.0.0.1:3000/sign-in?returnTo=%2Fprotected&logto_moved=1',
    );
    expect(moved.headers.get('set-cookie')).toBeNull();
    const stale = await app.fetch(new Request('http://127.0.0.1:3000/callback?code=c&state=s'));
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('Open the app at http://127.0.0.1:3000 and sign in again.');
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('opened at http://localhost:3000, but baseUrl is http://127.0.0.1:3000');
    expect(logged[1]).toContain('/callback answered 400: CallbackError (UnknownState)');
  });
});
