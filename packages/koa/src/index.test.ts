import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { ConfigError, type LogtoServerConfig } from '@logto-machine/core';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LogtoMiddlewareOptions, type LogtoState, logto, requireAuth } from './index.ts';

const secret = 'a-test-session-secret-of-32-chars-or-more';
const demoResource = 'https://api.example.com';
/** Extra API resources, so a session holding a token for each outgrows one cookie. */
const extraResources = Array.from({ length: 8 }, (_, index) => `https://api${index}.example.com`);

let provider: DevProvider;
/** Access tokens live 2 s here, so a revoked refresh token ends the session quickly. */
let shortLived: DevProvider;

beforeAll(async () => {
  [provider, shortLived] = await Promise.all([
    startDevProvider({
      rotateRefreshTokens: 'always',
      resources: [
        { indicator: demoResource, scopes: ['read:data', 'write:data'] },
        ...extraResources.map((indicator) => ({ indicator, scopes: ['read'] })),
      ],
    }),
    startDevProvider({ rotateRefreshTokens: 'always', ttl: { accessToken: 2 } }),
  ]);
});

afterAll(async () => {
  await Promise.all([provider?.stop(), shortLived?.stop()]);
});

const configFor = (op: DevProvider, overrides: Partial<LogtoServerConfig> = {}): LogtoServerConfig => ({
  endpoint: op.url,
  appId: 'demo-app',
  appSecret: 'demo-app-secret',
  scopes: ['email', 'read:data'],
  resources: [demoResource],
  session: { secrets: [secret] },
  ...overrides,
});

/** The first value of a query parameter, as the tutorial reads it. */
const query = (ctx: Koa.Context, name: string) => new URLSearchParams(ctx.querystring).get(name) ?? undefined;

/** The tutorial's app on @koa/router, plus a few routes for the tests to look inside. */
const routerApp = (
  config: LogtoServerConfig,
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
  router.get('/', async (ctx) => {
    const client = ctx.state.logto;
    if (!(await client.isAuthenticated())) {
      ctx.body = '<p>Not authenticated</p><a href="/sign-in">Sign in</a>';
      return;
    }
    ctx.body = { claims: await client.getIdTokenClaims(), userInfo: await client.fetchUserInfo() };
  });
  router.get('/protected', requireAuth(), (ctx) => {
    ctx.body = 'Protected page';
  });
  router.get('/api/me', requireAuth(), async (ctx) => {
    ctx.body = { claims: await ctx.state.logto.getIdTokenClaims() };
  });
  // Lets SDK errors through on purpose: the middleware answers them.
  router.get('/api/token', async (ctx) => {
    const accessToken = await ctx.state.logto.getAccessToken(query(ctx, 'resource'));
    ctx.status = accessToken ? 200 : 401;
    ctx.body = { accessToken };
  });
  router.get('/page/token', async (ctx) => {
    ctx.body = `<p>${await ctx.state.logto.getAccessToken(query(ctx, 'resource'))}</p>`;
  });
  router.get('/test/refresh-token', async (ctx) => {
    ctx.body = { refreshToken: await ctx.state.logto.getRefreshToken() };
  });
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

/** The same tutorial app on bare Koa (v3 or v2), without a router. */
const bareApp = (KoaClass: typeof Koa) => (config: LogtoServerConfig) => {
  const app = new KoaClass<LogtoState>();
  app.use(logto(config));
  app.use(async (ctx, next) => {
    if (ctx.path !== '/protected') return next();
    return requireAuth()(ctx, next);
  });
  app.use(async (ctx) => {
    const client = ctx.state.logto;
    if (ctx.path === '/protected') ctx.body = 'Protected page';
    else if (ctx.path === '/api/token') {
      const accessToken = await client.getAccessToken(query(ctx, 'resource'));
      ctx.status = accessToken ? 200 : 401;
      ctx.body = { accessToken };
    } else if (ctx.path === '/') {
      ctx.body = (await client.isAuthenticated())
        ? { claims: await client.getIdTokenClaims(), userInfo: await client.fetchUserInfo() }
        : '<p>Not authenticated</p><a href="/sign-in">Sign in</a>';
    }
  });
  return app;
};

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** Listens on a free port of 127.0.0.1; returns the app's origin. */
const listen = async (app: { listen: Koa['listen'] }) => {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** A browser's cookie handling, enough for these tests: one host, `Path=/`, `Max-Age`. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(path, this.origin), {
      redirect: 'manual',
      headers: { accept: 'text/html', ...headers, ...(cookie ? { cookie } : {}) },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      if (/;\s*(Max-Age=0|expires=Thu, 01 Jan 1970)/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(name.length + 1));
    }
    return response;
  }

  clone(): Browser {
    const copy = new Browser(this.origin);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

/** A browser on a fresh server running the app. */
const open = async (
  config: LogtoServerConfig,
  make: (config: LogtoServerConfig) => { listen: Koa['listen'] } = routerApp,
) => new Browser(await listen(make(config)));

const user = { username: 'demo', password: 'demo-password' };

/** Signs in through the app's sign-in route; returns the callback's response. */
const signIn = async (browser: Browser, path = '/sign-in') => {
  const start = await browser.get(path);
  expect(start.status).toBe(302);
  const callbackUrl = await completeSignIn(
    new URL(start.headers.get('location')!, browser.origin).href,
    user,
  );
  return browser.get(callbackUrl);
};

/** The text a browser shows for an HTML page: the body without its tags. */
const visibleText = (html: string) =>
  html
    .replace(/<head>[\s\S]*<\/head>/i, '')
    .replace(/<[^>]+>/g, ' ')
    .trim();

const sessionCookies = (browser: Browser) =>
  [...browser.cookies.keys()].filter((name) => name.startsWith('logto_session'));

describe('logto middleware', () => {
  it('throws a ConfigError when the app is built with a bad config', () => {
    expect(() => logto(configFor(provider, { endpoint: 'not a url' }))).toThrow(ConfigError);
    expect(() => logto(configFor(provider, { session: { secrets: ['short'] } }))).toThrow(ConfigError);
    expect(() => logto(configFor(provider, { routes: { callback: 'callback' } }))).toThrow(ConfigError);
    expect(() => logto(configFor(provider, { baseUrl: 'app.example' }))).toThrow(ConfigError);
  });

  it.each([
    ['@koa/router on Koa 3', routerApp],
    ['bare Koa 3', bareApp(Koa)],
    ['bare Koa 2', bareApp(Koa2)],
  ])('runs the tutorial flow on %s: sign in, claims, tokens, sign out', async (_, make) => {
    const browser = await open(configFor(provider), make);
    const { origin } = browser;
    const signedOut = await browser.get('/');
    expect(await signedOut.text()).toContain('Not authenticated');

    const start = await browser.get('/sign-in');
    expect(start.status).toBe(302);
    const authorization = new URL(start.headers.get('location')!);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${origin}/callback`);
    expect(start.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);

    const callback = await browser.get(await completeSignIn(authorization.href, user));
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');

    const home = await browser.get('/');
    expect(home.status).toBe(200);
    const { claims, userInfo } = await home.json();
    expect(claims.sub).toBe('user_demo');
    expect(userInfo).toMatchObject({ sub: 'user_demo', email: 'demo@example.com' });
    expect(await (await browser.get('/protected')).text()).toBe('Protected page');

    const token = await browser.get('/api/token');
    expect((await token.json()).accessToken).toEqual(expect.any(String));
    const resourceToken = await (await browser.get(`/api/token?resource=${demoResource}`)).json();
    const payload = JSON.parse(
      atob(resourceToken.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
    );
    expect(payload.aud).toBe(demoResource);

    const signOut = await browser.get('/sign-out');
    expect(signOut.status).toBe(302);
    const endSession = new URL(signOut.headers.get('location')!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
    expect(endSession.searchParams.get('id_token_hint')).toEqual(expect.any(String));
    expect(sessionCookies(browser)).toEqual([]);
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');
  });

  it('lets two tabs of one browser sign in at the same time', async () => {
    const browser = await open(configFor(provider));
    const [first, second] = [
      await browser.get('/sign-in?returnTo=/a'),
      await browser.get('/sign-in?returnTo=/b'),
    ];
    const [firstCallback, secondCallback] = await Promise.all(
      [first, second].map((response) => completeSignIn(response.headers.get('location')!, user)),
    );
    const secondDone = await browser.get(secondCallback!);
    expect(secondDone.headers.get('location')).toBe('/b');
    const firstDone = await browser.get(firstCallback!);
    expect(firstDone.headers.get('location')).toBe('/a');
    expect((await (await browser.get('/api/me')).json()).claims.sub).toBe('user_demo');
  });

  it('treats tampered, truncated and garbage cookies as signed out, never 500', async () => {
    const signedIn = await open(configFor(provider));
    await signIn(signedIn);
    const [name, value] = [...signedIn.cookies].find(([cookie]) => cookie.startsWith('logto_session'))!;
    const variants = [
      `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`,
      value.slice(0, value.length / 2),
      '%%%garbage==',
      '',
    ];
    for (const variant of variants) {
      const browser = new Browser(signedIn.origin);
      browser.cookies.set(name, variant);
      browser.cookies.set('logto_session.0', 'junk');
      const home = await browser.get('/');
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Not authenticated');
      expect((await browser.get('/api/me')).status).toBe(401);
      expect((await browser.get('/api/token')).status).toBe(401);
      expect((await browser.get('/protected')).status).toBe(302);
    }
  });

  it('splits a large session into cookies of at most 4096 bytes, and reads it back', async () => {
    const browser = await open(configFor(provider, { resources: [demoResource, ...extraResources] }));
    await signIn(browser);
    let last: Response | undefined;
    for (const resource of extraResources) {
      last = await browser.get(`/api/token?resource=${resource}`);
      expect(last.status).toBe(200);
    }
    const setCookies = last!.headers.getSetCookie().filter((cookie) => cookie.startsWith('logto_session'));
    expect(setCookies.length).toBeGreaterThan(1);
    for (const header of setCookies)
      expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(4096);
    expect(
      sessionCookies(browser).filter((name) => name.startsWith('logto_session.')).length,
    ).toBeGreaterThan(1);

    // Every token is still in the session: no new grant is needed to answer.
    const grants = provider.stats.refreshGrants.length;
    for (const resource of extraResources) {
      expect((await browser.get(`/api/token?resource=${resource}`)).status).toBe(200);
    }
    expect(provider.stats.refreshGrants.length).toBe(grants);
    expect((await (await browser.get('/')).json()).claims.sub).toBe('user_demo');
  });

  it('appends the session cookies beside the app’s own, never replacing them', async () => {
    const browser = await open(configFor(shortLived));
    const start = await browser.get('/sign-in');
    expect(start.headers.getSetCookie().map((cookie) => cookie.split('=')[0])).toEqual(
      expect.arrayContaining(['app_seen', expect.stringMatching(/^logto_session/)]),
    );
    await browser.get(await completeSignIn(start.headers.get('location')!, user));
    // The access token expired: the refresh rewrites the session in the same response as `theme`.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await browser.get('/test/app-cookie');
    expect(response.status).toBe(200);
    const names = response.headers.getSetCookie().map((cookie) => cookie.split('=')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['app_seen', 'theme', expect.stringMatching(/^logto_session/)]),
    );
  });

  it('requireAuth redirects signed-out pages to sign-in and back, and gives APIs 401', async () => {
    const browser = await open(configFor(provider));
    const page = await browser.get('/protected?tab=2');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/protected?tab=2')}`);

    const api = await browser.get('/api/me');
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect(await api.json()).toEqual({ error: 'unauthorized' });
    expect((await browser.get('/protected', { accept: 'application/json' })).status).toBe(401);

    const callback = await signIn(browser, page.headers.get('location')!);
    expect(callback.headers.get('location')).toBe('/protected?tab=2');
    const protectedPage = await browser.get('/protected?tab=2');
    expect(protectedPage.status).toBe(200);
    expect(await protectedPage.text()).toBe('Protected page');
  });

  it('requireAuth follows its options and the middleware’s API rule', async () => {
    const app = new Koa<LogtoState>();
    app.use(logto(configFor(provider), { isApiRequest: (ctx) => ctx.path.startsWith('/rpc/') }));
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
    const browser = new Browser(await listen(app));
    expect((await browser.get('/rpc/data')).status).toBe(401);
    expect((await browser.get('/api/page')).status).toBe(302);
    expect((await browser.get('/forced')).status).toBe(401);
    const elsewhere = await browser.get('/elsewhere');
    expect(elsewhere.status).toBe(302);
    expect(elsewhere.headers.get('location')).toBe('/welcome');
  });

  it('serves the auth routes on custom paths, with the redirect URI on the custom callback', async () => {
    const routes = {
      signIn: '/auth/login',
      signUp: '/auth/register',
      callback: '/auth/done',
      signOut: '/auth/logout',
    };
    const browser = await open(configFor(provider, { routes, postSignOutPath: '/bye' }));
    expect((await browser.get('/sign-in')).status).toBe(404);
    expect((await browser.get('/callback?code=x&state=y')).status).toBe(404);
    expect((await browser.get('/protected')).headers.get('location')).toBe(
      `/auth/login?returnTo=${encodeURIComponent('/protected')}`,
    );
    const signUp = new URL((await browser.get('/auth/register')).headers.get('location')!);
    expect(signUp.searchParams.get('first_screen')).toBe('register');

    const start = await browser.get('/auth/login');
    const authorization = new URL(start.headers.get('location')!);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${browser.origin}/auth/done`);
    const callbackUrl = await completeSignIn(authorization.href, user);
    expect(new URL(callbackUrl).pathname).toBe('/auth/done');
    expect((await browser.get(callbackUrl)).headers.get('location')).toBe('/');
    expect((await browser.get('/protected')).status).toBe(200);
    const signOut = new URL((await browser.get('/auth/logout')).headers.get('location')!);
    expect(`${signOut.origin}${signOut.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(signOut.searchParams.get('post_logout_redirect_uri')).toBe(`${browser.origin}/bye`);
    expect((await browser.get('/protected')).status).toBe(302);
  });

  it.each(['//evil.com', 'https://evil.com', '/\\evil.com', '/\\/evil.com', 'javascript:alert(1)'])(
    'ends a sign-in with returnTo=%s at /',
    async (returnTo) => {
      const browser = await open(configFor(provider));
      const callback = await signIn(browser, `/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/');
    },
  );

  it('takes the public origin from baseUrl, never from X-Forwarded-* (even with app.proxy)', async () => {
    const app = routerApp(configFor(provider));
    app.proxy = true;
    const origin = await listen(app);
    const forwarded = { 'x-forwarded-host': 'evil.com', 'x-forwarded-proto': 'https' };
    const start = await new Browser(origin).get('/sign-in', forwarded);
    const redirectUri = new URL(start.headers.get('location')!).searchParams.get('redirect_uri');
    expect(redirectUri).toBe(`${origin}/callback`);

    const behindProxy = await open(configFor(provider, { baseUrl: 'https://app.example' }));
    const proxied = await behindProxy.get('/sign-in');
    expect(new URL(proxied.headers.get('location')!).searchParams.get('redirect_uri')).toBe(
      'https://app.example/callback',
    );
    const session = proxied.headers.getSetCookie().find((cookie) => cookie.startsWith('logto_session'));
    expect(session).toMatch(/;\s*Secure/i);
  });

  it('answers a callback with an unknown state with a 400 error page and no session', async () => {
    const browser = await open(configFor(provider));
    const response = await browser.get(
      `/callback?code=abc&state=unknown&iss=${encodeURIComponent(provider.issuer)}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(visibleText(await response.text())).toMatch(/^Error/);
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');

    const replayed = await open(configFor(provider));
    const start = await replayed.get('/sign-in');
    const callbackUrl = await completeSignIn(start.headers.get('location')!, user);
    expect((await replayed.get(callbackUrl)).status).toBe(302);
    const again = await replayed.get(callbackUrl);
    expect(again.status).toBe(400);
    expect((await replayed.get('/protected')).status).toBe(200);
  });

  it('maps SDK errors thrown by handlers: JSON for APIs, an error page for pages, never 500', async () => {
    const browser = await open(configFor(provider));
    await signIn(browser);
    const api = await browser.get(`/api/token?resource=${encodeURIComponent('https://unknown.example.com')}`);
    expect(api.status).toBe(400);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect((await api.json()).error).toEqual(expect.any(String));
    const page = await browser.get(
      `/page/token?resource=${encodeURIComponent('https://unknown.example.com')}`,
    );
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(visibleText(await page.text())).toMatch(/^Error/);
    const json = await browser.get(
      `/page/token?resource=${encodeURIComponent('https://unknown.example.com')}`,
      {
        accept: 'application/json',
      },
    );
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toContain('application/json');

    const junk = [
      '/?%',
      '/?a=%zz&b',
      '/protected?returnTo=%00',
      '/api/token?resource=',
      '/api/token?resource=%zz',
      '/api/token?resource=not a url',
      '/sign-in?returnTo=%ff',
      '/sign-up?returnTo=//evil.com',
      '/callback',
      '/callback?%%%',
      '/callback?code=&state=',
      '/callback?error=access_denied&state=x',
      '/callback?code=a&state=a&iss=https://evil.com',
    ];
    for (const path of junk) expect((await browser.get(path)).status, path).toBeLessThan(500);
    expect((await browser.get('/protected')).status).toBe(200);
  });

  it('answers 400 to a request whose Host header is not a host, 502 when the provider is down', async () => {
    const origin = new URL(await listen(routerApp(configFor(provider))));
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpRequest({ host: origin.hostname, port: origin.port, path: '/sign-in', headers: { host: 'a b' } })
        .on('response', (response) => {
          response.resume();
          resolve(response.statusCode);
        })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(400);

    const down = await open(configFor(provider, { endpoint: 'http://127.0.0.1:1' }));
    const signInPage = await down.get('/sign-in');
    expect(signInPage.status).toBe(502);
    expect(visibleText(await signInPage.text())).toMatch(/^Error/);
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
    const browser = new Browser(await listen(routerApp(configFor(shortLived), {}, app)));
    await signIn(browser);
    const { refreshToken } = await (await browser.get('/test/refresh-token')).json();
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const crash = await browser.get('/test/crash');
    expect(crash.status).toBe(503);
    expect(seen).toEqual([new Error('a bug in the app')]);
    // The refresh before the crash rotated the refresh token, and the browser got the new one.
    expect(crash.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);
    const rotated = await (await browser.get('/test/refresh-token')).json();
    expect(rotated.refreshToken).toEqual(expect.any(String));
    expect(rotated.refreshToken).not.toBe(refreshToken);
  });

  it('sends pages to sign-in and gives APIs 401 once the provider ended the session', async () => {
    const browser = await open(configFor(shortLived));
    await signIn(browser);
    const { refreshToken } = await (await browser.get('/test/refresh-token')).json();
    const revoked = await fetch(`${shortLived.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa('demo-app:demo-app-secret')}` },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    const api = await browser.clone().get(`/api/token?resource=${demoResource}`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/json');

    const page = await browser.get('/');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/')}`);
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');
  });
});
