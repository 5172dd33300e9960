import { ConfigError, type LogtoServerConfig } from '@logto-machine/core';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogtoMiddlewareOptions, logto, requireAuth } from './index.ts';

const origin = 'http://127.0.0.1:4100';
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

/** The tutorial's app on the adapter, plus a few routes for the tests to look inside. */
const makeApp = (config: LogtoServerConfig, options?: LogtoMiddlewareOptions) => {
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
  app.get('/rpc/protected', requireAuth(), (c) => c.text('Protected RPC'));
  app.get('/test/refresh-token', async (c) => c.json({ refreshToken: await c.var.logto.getRefreshToken() }));
  return app;
};

type App = ReturnType<typeof makeApp>;

/** A browser's cookie handling, enough for these tests: one host, `Path=/`, `Max-Age`. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly app: App) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.request(
      new Request(new URL(path, origin), { headers: { ...headers, ...(cookie ? { cookie } : {}) } }),
    );
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      if (/;\s*Max-Age=0(;|$)/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(name.length + 1));
    }
    return response;
  }

  clone(): Browser {
    const copy = new Browser(this.app);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

const user = { username: 'demo', password: 'demo-password' };

/** Signs in through the app's sign-in route; returns the callback's response. */
const signIn = async (browser: Browser, path = '/sign-in') => {
  const start = await browser.get(path);
  expect(start.status).toBe(302);
  const callbackUrl = await completeSignIn(start.headers.get('location')!, user);
  return browser.get(callbackUrl);
};

/** The text a browser shows for an HTML page: the body without its tags. */
const visibleText = (html: string) =>
  html
    .replace(/<head>[\s\S]*<\/head>/i, '')
    .replace(/<[^>]+>/g, ' ')
    .trim();

describe('logto middleware', () => {
  it('throws a ConfigError when the app is built with a bad config', () => {
    expect(() => logto(configFor(provider, { endpoint: 'not a url' }))).toThrow(ConfigError);
    expect(() => logto(configFor(provider, { session: { secrets: ['short'] } }))).toThrow(ConfigError);
    expect(() => logto(configFor(provider, { routes: { callback: 'callback' } }))).toThrow(ConfigError);
  });

  it('runs the tutorial flow: sign in, claims, tokens, sign out', async () => {
    const browser = new Browser(makeApp(configFor(provider)));
    const signedOut = await browser.get('/');
    expect(await signedOut.text()).toContain('Not authenticated');

    const start = await browser.get('/sign-in');
    expect(start.status).toBe(302);
    const authorization = new URL(start.headers.get('location')!);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${origin}/callback`);
    expect(start.headers.getSetCookie().length).toBeGreaterThan(0);

    const callback = await browser.get(await completeSignIn(authorization.href, user));
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');

    const home = await browser.get('/');
    expect(home.status).toBe(200);
    const { claims, userInfo } = await home.json();
    expect(claims.sub).toBe('user_demo');
    expect(userInfo).toMatchObject({ sub: 'user_demo', email: 'demo@example.com' });

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
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');
  });

  it('lets two tabs of one browser sign in at the same time', async () => {
    const browser = new Browser(makeApp(configFor(provider)));
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
    const app = makeApp(configFor(provider));
    const signedIn = new Browser(app);
    await signIn(signedIn);
    const [name, value] = [...signedIn.cookies].find(([cookie]) => cookie.startsWith('logto_session'))!;
    const variants = [
      `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`,
      value.slice(0, value.length / 2),
      '%%%garbage;;==',
      '',
    ];
    for (const variant of variants) {
      const browser = new Browser(app);
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
    const browser = new Browser(
      makeApp(configFor(provider, { resources: [demoResource, ...extraResources] })),
    );
    await signIn(browser);
    let last: Response | undefined;
    for (const resource of extraResources) {
      last = await browser.get(`/api/token?resource=${resource}`);
      expect(last.status).toBe(200);
    }
    const setCookies = last!.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(1);
    for (const header of setCookies)
      expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(4096);
    expect(
      [...browser.cookies.keys()].filter((name) => name.startsWith('logto_session.')).length,
    ).toBeGreaterThan(1);

    // Every token is still in the session: no new grant is needed to answer.
    const grants = provider.stats.refreshGrants.length;
    for (const resource of extraResources) {
      expect((await browser.get(`/api/token?resource=${resource}`)).status).toBe(200);
    }
    expect(provider.stats.refreshGrants.length).toBe(grants);
    expect((await (await browser.get('/')).json()).claims.sub).toBe('user_demo');
  });

  it('requireAuth redirects signed-out pages to sign-in and back, and gives APIs 401', async () => {
    const browser = new Browser(makeApp(configFor(provider)));
    const page = await browser.get('/protected?tab=2');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/protected?tab=2')}`);

    const api = await browser.get('/api/me');
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect((await browser.get('/protected', { accept: 'application/json' })).status).toBe(401);

    const callback = await signIn(browser, page.headers.get('location')!);
    expect(callback.headers.get('location')).toBe('/protected?tab=2');
    const protectedPage = await browser.get('/protected?tab=2');
    expect(protectedPage.status).toBe(200);
    expect(await protectedPage.text()).toBe('Protected page');
  });

  it('serves the auth routes on custom paths, with the redirect URI on the custom callback', async () => {
    const routes = {
      signIn: '/auth/login',
      signUp: '/auth/register',
      callback: '/auth/done',
      signOut: '/auth/logout',
    };
    const browser = new Browser(makeApp(configFor(provider, { routes })));
    expect((await browser.get('/sign-in')).status).toBe(404);
    expect((await browser.get('/protected')).headers.get('location')).toBe(
      `/auth/login?returnTo=${encodeURIComponent('/protected')}`,
    );
    const signUp = new URL((await browser.get('/auth/register')).headers.get('location')!);
    expect(signUp.searchParams.get('first_screen')).toBe('register');

    const start = await browser.get('/auth/login');
    const authorization = new URL(start.headers.get('location')!);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${origin}/auth/done`);
    const callbackUrl = await completeSignIn(authorization.href, user);
    expect(new URL(callbackUrl).pathname).toBe('/auth/done');
    expect((await browser.get(callbackUrl)).headers.get('location')).toBe('/');
    expect((await browser.get('/protected')).status).toBe(200);
    const signOut = await browser.get('/auth/logout');
    expect(signOut.headers.get('location')).toContain(`${provider.issuer}/session/end`);
    expect((await browser.get('/protected')).status).toBe(302);
  });

  it.each(['//evil.com', 'https://evil.com', '/\\evil.com', '/\\/evil.com'])(
    'ends a sign-in with returnTo=%s at /',
    async (returnTo) => {
      const browser = new Browser(makeApp(configFor(provider)));
      const callback = await signIn(browser, `/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/');
    },
  );

  it('answers SDK errors thrown by handlers: a page for pages, JSON for APIs, never 500', async () => {
    const browser = new Browser(makeApp(configFor(provider)));
    await signIn(browser);
    const unknown = encodeURIComponent('https://unknown.example.com');
    const api = await browser.get(`/api/token?resource=${unknown}`);
    expect(api.status).toBe(400);
    expect((await api.json()).error).toContain('config.resources');
    const page = await browser.get(`/token-page?resource=${unknown}`);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(visibleText(await page.text())).toMatch(/^Error/);
    const json = await browser.get(`/token-page?resource=${unknown}`, { accept: 'application/json' });
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toContain('application/json');
    // Still signed in.
    expect((await browser.get('/protected')).status).toBe(200);
  });

  it('follows a custom API rule', async () => {
    const browser = new Browser(
      makeApp(configFor(provider), { isApiRequest: (c) => c.req.path.startsWith('/rpc/') }),
    );
    expect((await browser.get('/rpc/protected')).status).toBe(401);
    expect((await browser.get('/api/me')).status).toBe(302);
  });

  it('answers a callback with an unknown state with a 400 error page and no session', async () => {
    const browser = new Browser(makeApp(configFor(provider)));
    const response = await browser.get(
      `/callback?code=abc&state=unknown&iss=${encodeURIComponent(provider.issuer)}`,
    );
    expect(response.status).toBe(400);
    expect(visibleText(await response.text())).toMatch(/^Error/);
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');

    const replayed = new Browser(makeApp(configFor(provider)));
    const start = await replayed.get('/sign-in');
    const callbackUrl = await completeSignIn(start.headers.get('location')!, user);
    expect((await replayed.get(callbackUrl)).status).toBe(302);
    const again = await replayed.get(callbackUrl);
    expect(again.status).toBe(400);
    expect((await replayed.get('/protected')).status).toBe(200);
  });

  it('sends pages to sign-in and gives APIs 401 once the provider ended the session', async () => {
    const browser = new Browser(makeApp(configFor(shortLived)));
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
