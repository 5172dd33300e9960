import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { Browser, completeSignIn } from '@logto-machine/dev-provider/testing';
import {
  type AdapterTestConfig,
  configFor,
  demoResource,
  type MountedApp,
  runAdapterContract,
  signIn,
  testUser,
  useTestProviders,
  waitForTokenExpiry,
} from '@logto-machine/testing/adapter';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogtoMiddlewareOptions, type LogtoState, logto, requireAuth } from './index.ts';

type Middleware = Koa.Middleware<LogtoState>;

/** The first value of a query parameter, as the tutorial reads it. */
const query = (ctx: Koa.Context, name: string) => new URLSearchParams(ctx.querystring).get(name) ?? undefined;

/** The adapter contract's routes (see `runAdapterContract`), each a stack of middleware. */
const contractRoutes: Record<string, Middleware[]> = {
  '/': [
    async (ctx) => {
      const client = ctx.state.logto;
      ctx.body = (await client.isAuthenticated())
        ? { claims: await client.getIdTokenClaims(), userInfo: await client.fetchUserInfo() }
        : '<p>Not authenticated</p><a href="/sign-in">Sign in</a>';
    },
  ],
  '/protected': [
    requireAuth(),
    (ctx) => {
      ctx.body = 'Protected page';
    },
  ],
  '/api/me': [
    requireAuth(),
    async (ctx) => {
      ctx.body = { claims: await ctx.state.logto.getIdTokenClaims() };
    },
  ],
  // Lets SDK errors through on purpose: the middleware answers them.
  '/api/token': [
    async (ctx) => {
      const accessToken = await ctx.state.logto.getAccessToken(query(ctx, 'resource'));
      ctx.status = accessToken ? 200 : 401;
      ctx.body = { accessToken };
    },
  ],
  '/token-page': [
    async (ctx) => {
      ctx.body = `<p>${await ctx.state.logto.getAccessToken(query(ctx, 'resource'))}</p>`;
    },
  ],
  '/test/refresh-token': [
    async (ctx) => {
      ctx.body = { refreshToken: await ctx.state.logto.getRefreshToken() };
    },
  ],
};

/** The contract's app on @koa/router, with an app cookie and routes for Koa's own tests. */
const routerApp = (
  config: AdapterTestConfig,
  options?: LogtoMiddlewareOptions,
  app = new Koa<LogtoState>(),
) => {
  // An app cookie set before the middleware: the session cookies must not replace it.
  app.use(async (ctx, next) => {
    ctx.cookies.set('app_seen', '1', { httpOnly: false });
    await next();
  });
  app.use(logto(config, options));
  const router = new Router<LogtoState>();
  for (const [path, stack] of Object.entries(contractRoutes)) router.get(path, ...stack);
  router.get('/test/app-cookie', async (ctx) => {
    await ctx.state.logto.getAccessToken(demoResource);
    ctx.cookies.set('theme', 'dark');
    ctx.body = 'ok';
  });
  router.get('/test/crash', async (ctx) => {
    await ctx.state.logto.getAccessToken(demoResource);
    throw new Error('a bug in the app');
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
};

/** Runs a middleware stack the way koa-compose does. */
const run = async (stack: Middleware[], ctx: Koa.ParameterizedContext<LogtoState>, next: Koa.Next) => {
  const [first, ...rest] = stack;
  await (first ? first(ctx, () => run(rest, ctx, next)) : next());
};

/** The contract's app on bare Koa (v3 or v2), without a router. */
const bareApp = (KoaClass: typeof Koa) => (config: AdapterTestConfig) => {
  const app = new KoaClass<LogtoState>();
  app.use(logto(config));
  app.use((ctx, next) => run(contractRoutes[ctx.path] ?? [], ctx, next));
  return app;
};

/** Serves `app` on a free port of 127.0.0.1, reached over the network. */
const serve = async (app: { listen: Koa['listen'] }) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fetch: (request: Request) => fetch(request),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } satisfies MountedApp;
};

runAdapterContract({ name: '@koa/router on Koa 3', mount: (config) => serve(routerApp(config)) });
runAdapterContract({ name: 'bare Koa 3', mount: (config) => serve(bareApp(Koa)(config)) });
runAdapterContract({ name: 'bare Koa 2', mount: (config) => serve(bareApp(Koa2)(config)) });

describe('logto middleware on Koa', () => {
  const ops = useTestProviders();
  const servers: MountedApp[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close?.()));
  });

  /** A browser on a new server running `app`. */
  const open = async (app: { listen: Koa['listen'] }) => {
    const server = await serve(app);
    servers.push(server);
    return new Browser(server.origin);
  };

  it('answers signed-out API calls with { error: "unauthorized" }', async () => {
    const api = await (await open(routerApp(configFor(ops.provider)))).get('/api/me');
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: 'unauthorized' });
  });

  it('appends the session cookies beside the app’s own, never replacing them', async () => {
    const browser = await open(routerApp(configFor(ops.shortLived)));
    const start = await browser.get('/sign-in');
    expect(start.headers.getSetCookie().map((cookie) => cookie.split('=')[0])).toEqual(
      expect.arrayContaining(['app_seen', expect.stringMatching(/^logto_session/)]),
    );
    await browser.get(await completeSignIn(start.headers.get('location')!, testUser));
    // The access token expired: the refresh rewrites the session in the same response as `theme`.
    await waitForTokenExpiry();
    const response = await browser.get('/test/app-cookie');
    expect(response.status).toBe(200);
    const names = response.headers.getSetCookie().map((cookie) => cookie.split('=')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['app_seen', 'theme', expect.stringMatching(/^logto_session/)]),
    );
  });

  it('requireAuth follows its options and the middleware’s API rule', async () => {
    const app = new Koa<LogtoState>();
    app.use(logto(configFor(ops.provider), { isApiRequest: (ctx) => ctx.path.startsWith('/rpc/') }));
    const router = new Router<LogtoState>();
    router.get('/rpc/data', requireAuth(), (ctx) => {
      ctx.body = { ok: true };
    });
    router.get('/api/page', requireAuth(), (ctx) => {
      ctx.body = 'page';
    });
    router.get('/forced', requireAuth({ api: true }), (ctx) => {
      ctx.body = 'forced';
    });
    router.get('/elsewhere', requireAuth({ redirectTo: '/welcome' }), (ctx) => {
      ctx.body = 'elsewhere';
    });
    app.use(router.routes());
    const browser = await open(app);
    expect((await browser.get('/rpc/data')).status).toBe(401);
    expect((await browser.get('/api/page')).status).toBe(302);
    expect((await browser.get('/forced')).status).toBe(401);
    const elsewhere = await browser.get('/elsewhere');
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get('location')).toBe('/welcome');
  });

  it('takes the public origin from the request, never from X-Forwarded-*, even with app.proxy', async () => {
    const app = routerApp(configFor(ops.provider));
    app.proxy = true;
    const browser = await open(app);
    const start = await browser.get('/sign-in', {
      'x-forwarded-host': 'evil.com',
      'x-forwarded-proto': 'https',
    });
    const redirectUri = new URL(start.headers.get('location')!).searchParams.get('redirect_uri');
    expect(redirectUri).toBe(`${browser.baseUrl}/callback`);
  });

  it.each([
    'a b',
    'x/sign-out?',
    'x/sign-out#',
    'x?/sign-in',
    'x#',
    'x\\sign-out',
    'user@x',
    'x:99999',
    'x:port',
    '[::1',
  ])('answers 400 to a request whose Host header is not a host: %j', async (host) => {
    const origin = new URL((await open(routerApp(configFor(ops.provider)))).baseUrl);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpRequest({ host: origin.hostname, port: origin.port, path: '/callback', headers: { host } })
        .on('response', (response) => {
          response.resume();
          resolve(response.statusCode);
        })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(400);
  });

  it('does not answer a configuration error as a bad Host (a __Host- cookie over http is the app’s to fix)', async () => {
    const app = new Koa<LogtoState>();
    const seen: unknown[] = [];
    app.on('error', (error) => seen.push(error));
    const config = configFor(ops.provider);
    app.use(logto({ ...config, session: { ...config.session, cookieName: '__Host-session' } }));
    const browser = await open(app);
    expect((await browser.get('/')).status).toBe(500);
    expect(seen).toEqual([expect.objectContaining({ _tag: 'ConfigError' })]);
  });

  it('lets other errors reach the app’s error handling, with the session cookies kept', async () => {
    const app = new Koa<LogtoState>();
    const seen: unknown[] = [];
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
        ctx.status = 503;
        ctx.body = 'Sorry';
      }
    });
    const browser = await open(routerApp(configFor(ops.shortLived), {}, app));
    await signIn(browser);
    const { refreshToken } = await (await browser.get('/test/refresh-token')).json();
    await waitForTokenExpiry();
    const crash = await browser.get('/test/crash');
    expect(crash.status).toBe(503);
    expect(seen).toEqual([new Error('a bug in the app')]);
    // The refresh before the crash rotated the refresh token, and the browser got the new one.
    expect(crash.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);
    const rotated = await (await browser.get('/test/refresh-token')).json();
    expect(rotated.refreshToken).toEqual(expect.any(String));
    expect(rotated.refreshToken).not.toBe(refreshToken);
  });
});
