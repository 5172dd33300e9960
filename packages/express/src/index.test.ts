import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogtoMiddlewareOptions, logto, logtoErrorHandler, requireAuth } from './index.ts';

type Express = typeof express;

/** The first value of a query parameter, as the tutorial reads it. */
const query = (request: Request, name: string) =>
  new URLSearchParams(request.originalUrl.split('?')[1] ?? '').get(name) ?? undefined;

/**
 * An async handler whose rejection goes to `next`: Express 5 does this itself, Express 4 does not
 * (its apps wrap their async handlers like this).
 */
const forwarding =
  (handler: (...args: Parameters<RequestHandler>) => Promise<void>): RequestHandler =>
  (request, response, next) => {
    handler(request, response, next).catch(next);
  };

/** The adapter contract's routes (see `runAdapterContract`), each a stack of handlers. */
const contractRoutes: Record<string, RequestHandler[]> = {
  '/': [
    forwarding(async (request, response) => {
      const client = request.logto;
      if (await client.isAuthenticated())
        response.json({ claims: await client.getIdTokenClaims(), userInfo: await client.fetchUserInfo() });
      else response.send('<p>Not authenticated</p><a href="/sign-in">Sign in</a>');
    }),
  ],
  '/protected': [requireAuth(), (_request, response) => void response.send('Protected page')],
  '/api/me': [
    requireAuth(),
    forwarding(async (request, response) => {
      response.json({ claims: await request.logto.getIdTokenClaims() });
    }),
  ],
  // Lets SDK errors through on purpose: the error handler answers them.
  '/api/token': [
    forwarding(async (request, response) => {
      const accessToken = await request.logto.getAccessToken(query(request, 'resource'));
      response.status(accessToken ? 200 : 401).json({ accessToken });
    }),
  ],
  '/token-page': [
    forwarding(async (request, response) => {
      response.send(`<p>${await request.logto.getAccessToken(query(request, 'resource'))}</p>`);
    }),
  ],
  '/test/refresh-token': [
    forwarding(async (request, response) => {
      response.json({ refreshToken: await request.logto.getRefreshToken() });
    }),
  ],
};

/** The contract's app on Express 5 or 4, with an app cookie set before the middleware and routes for Express's own tests. */
const contractApp =
  (expressOf: Express) =>
  (config: AdapterTestConfig, options?: LogtoMiddlewareOptions, before: RequestHandler[] = []) => {
    const app = expressOf();
    // An app cookie set before the middleware: the session cookies must not replace it.
    app.use((_request, response, next) => {
      response.cookie('app_seen', '1');
      next();
    });
    for (const handler of before) app.use(handler);
    app.use(logto(config, options));
    for (const [path, stack] of Object.entries(contractRoutes)) app.get(path, ...stack);
    app.get(
      '/test/app-cookie',
      forwarding(async (request, response) => {
        await request.logto.getAccessToken(demoResource);
        response.cookie('theme', 'dark').send('ok');
      }),
    );
    app.get(
      '/test/crash',
      forwarding(async (request) => {
        await request.logto.getAccessToken(demoResource);
        throw new Error('a bug in the app');
      }),
    );
    app.use(logtoErrorHandler());
    return app;
  };

/** Serves `app` on a free port of 127.0.0.1, reached over the network. */
const serve = async (app: ReturnType<Express>) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fetch: (request: globalThis.Request) => fetch(request),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } satisfies MountedApp;
};

runAdapterContract({ name: 'Express 5', mount: (config) => serve(contractApp(express)(config)) });
runAdapterContract({ name: 'Express 4', mount: (config) => serve(contractApp(express4)(config)) });

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('logto middleware on %s', (_name, expressOf) => {
  const ops = useTestProviders();
  const servers: MountedApp[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close?.()));
  });
  const appOf = contractApp(expressOf);

  /** A browser on a new server running `app`. */
  const open = async (app: ReturnType<Express>) => {
    const server = await serve(app);
    servers.push(server);
    return new Browser(server.origin);
  };

  it('answers signed-out API calls with { error: "unauthorized" }', async () => {
    const api = await (await open(appOf(configFor(ops.provider)))).get('/api/me');
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: 'unauthorized' });
  });

  it('appends the session cookies beside the app’s own, never replacing them', async () => {
    const browser = await open(appOf(configFor(ops.shortLived)));
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

  it('writes the session cookies of a streamed response before its first chunk', async () => {
    const app = expressOf();
    app.use(logto(configFor(ops.shortLived)));
    app.get('/test/refresh-token', contractRoutes['/test/refresh-token']!);
    app.get(
      '/stream',
      forwarding(async (request, response) => {
        const token = await request.logto.getAccessToken(demoResource);
        response.write(`${token === null ? 'none' : 'token'}\n`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        response.end('done');
      }),
    );
    const browser = await open(app);
    await signIn(browser);
    const { refreshToken } = await (await browser.get('/test/refresh-token')).json();
    await waitForTokenExpiry();
    const streamed = await browser.get('/stream');
    expect(await streamed.text()).toBe('token\ndone');
    expect(streamed.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);
    const rotated = await (await browser.get('/test/refresh-token')).json();
    expect(rotated.refreshToken).not.toBe(refreshToken);
  });

  it('requireAuth follows its options and the middleware’s API rule, on the full path of a mounted router', async () => {
    const app = expressOf();
    app.use(logto(configFor(ops.provider), { isApiRequest: (request) => request.path.startsWith('/rpc/') }));
    app.get('/rpc/data', requireAuth(), (_request, response) => void response.json({ ok: true }));
    app.get('/api/page', requireAuth(), (_request, response) => void response.send('page'));
    app.get('/forced', requireAuth({ api: true }), (_request, response) => void response.send('forced'));
    app.get(
      '/elsewhere',
      requireAuth({ redirectTo: '/welcome' }),
      (_request, response) => void response.send('elsewhere'),
    );
    const browser = await open(app);
    expect((await browser.get('/rpc/data')).status).toBe(401);
    expect((await browser.get('/api/page')).status).toBe(302);
    expect((await browser.get('/forced')).status).toBe(401);
    const elsewhere = await browser.get('/elsewhere');
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get('location')).toBe('/welcome');

    // The default rule on a router mounted at /api: its routes see `/me`, the rule sees `/api/me`.
    const mounted = expressOf();
    mounted.use(logto(configFor(ops.provider)));
    const api = expressOf.Router();
    api.get('/me', requireAuth(), (_request, response) => void response.json({ ok: true }));
    mounted.use('/api', api);
    const onMounted = await open(mounted);
    const signedOut = await onMounted.get('/api/me');
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get('content-type')).toContain('application/json');
  });

  it('takes the public origin from the request, never from X-Forwarded-*, even with trust proxy', async () => {
    const app = appOf(configFor(ops.provider));
    app.set('trust proxy', true);
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
    const origin = new URL((await open(appOf(configFor(ops.provider)))).baseUrl);
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
    const app = expressOf();
    const seen: unknown[] = [];
    const config = configFor(ops.provider);
    app.use(logto({ ...config, session: { ...config.session, cookieName: '__Host-session' } }));
    app.get('/', (_request, response) => void response.send('home'));
    app.use(((error, _request, response, _next) => {
      seen.push(error);
      response.status(500).send('Sorry');
    }) satisfies ErrorRequestHandler);
    const browser = await open(app);
    expect((await browser.get('/')).status).toBe(500);
    expect(seen).toEqual([expect.objectContaining({ _tag: 'ConfigError' })]);
  });

  it('lets other errors reach the app’s error handler, with the session cookies kept', async () => {
    const seen: unknown[] = [];
    const app = appOf(configFor(ops.shortLived));
    app.use(((error, _request, response, _next) => {
      seen.push(error);
      response.status(503).send('Sorry');
    }) satisfies ErrorRequestHandler);
    const browser = await open(app);
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

  it('requireAuth without logto() passes an error that names the fix', async () => {
    const app = expressOf();
    const seen: unknown[] = [];
    app.get('/protected', requireAuth(), (_request, response) => void response.send('no'));
    app.use(((error, _request, response, _next) => {
      seen.push(error);
      response.status(500).send('Sorry');
    }) satisfies ErrorRequestHandler);
    expect((await (await open(app)).get('/protected')).status).toBe(500);
    expect(String(seen[0])).toContain('needs the logto() middleware');
  });
});
