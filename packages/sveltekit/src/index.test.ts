import { ConfigError, type LogtoServerConfig } from '@logto-machine/core';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import {
  type Handle,
  type HandleServerError,
  isHttpError,
  isRedirect,
  json,
  type RequestEvent,
  redirect,
} from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleLogto, handleLogtoError, type LogtoLocals, requireAuth } from './index.ts';

const origin = 'http://127.0.0.1:4200';
const secret = 'a-test-session-secret-of-32-chars-or-more';
const demoResource = 'https://api.example.com';
/** Extra API resources, so a session holding a token for each outgrows one cookie. */
const extraResources = Array.from({ length: 8 }, (_, index) => `https://api${index}.example.com`);

let provider: DevProvider;
/** Access tokens live 2 s here, so a token is soon expired and a revoked refresh token ends the session. */
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

type Route = (event: RequestEvent & { locals: LogtoLocals }) => Promise<Response>;

const html = (body: string, status = 200) =>
  new Response(`<!doctype html><html><body>${body}</body></html>`, {
    status,
    headers: { 'content-type': 'text/html' },
  });

/** The tutorial's app as load functions and endpoints would write it, plus routes to look inside. */
const routes: Record<string, Route> = {
  '/': async ({ locals }) => {
    if (!locals.user) return html('<p>Not authenticated</p><a href="/sign-in">Sign in</a>');
    return json({ claims: locals.user, userInfo: await locals.logto.fetchUserInfo() });
  },
  '/protected': async (event) => {
    await requireAuth(event);
    return html('<p>Protected page</p>');
  },
  '/api/me': async (event) => json({ claims: await requireAuth(event) }),
  // Lets SDK errors through on purpose: handleLogtoError and handleLogto answer them.
  '/api/token': async ({ locals, url }) => {
    const accessToken = await locals.logto.getAccessToken(url.searchParams.get('resource') ?? undefined);
    return json({ accessToken }, { status: accessToken ? 200 : 401 });
  },
  '/test/refresh-token': async ({ locals }) => json({ refreshToken: await locals.logto.getRefreshToken() }),
  // Two load functions of one page, asking for a token at the same time.
  '/test/two-loads': async ({ locals }) =>
    json({
      tokens: await Promise.all([
        locals.logto.getAccessToken(demoResource),
        locals.logto.getAccessToken(demoResource),
      ]),
    }),
  // An action that refreshes a token (a session write), then redirects.
  '/test/redirect-after-token': async ({ locals }) => {
    await locals.logto.getAccessToken(demoResource);
    redirect(303, '/done');
  },
  // An endpoint that refreshes a token, then answers with a `fetch` response (immutable headers).
  '/test/proxy': async ({ locals }) => {
    await locals.logto.getAccessToken(demoResource);
    return fetch(`${shortLived.issuer}/.well-known/openid-configuration`);
  },
};

/** SvelteKit's part, as far as these tests need it: route, and turn what a handler throws into a response. */
const resolver =
  (handleError: HandleServerError) =>
  async (event: RequestEvent): Promise<Response> => {
    const route = routes[event.url.pathname];
    if (!route) return html('Not found', 404);
    try {
      return await route(event as RequestEvent & { locals: LogtoLocals });
    } catch (error) {
      if (isRedirect(error))
        return new Response(null, { status: error.status, headers: { location: error.location } });
      if (isHttpError(error)) return json(error.body, { status: error.status });
      const body = await handleError({ error, event, status: 500, message: 'Internal Error' });
      return json(body ?? { message: 'Internal Error' }, { status: 500 });
    }
  };

/** A `RequestEvent` as SvelteKit builds one, with the fields the hook and the routes use. */
const eventFor = (request: Request, isDataRequest = false) =>
  ({
    request,
    url: new URL(request.url),
    locals: {},
    params: {},
    route: { id: null },
    isDataRequest,
    isSubRequest: false,
    getClientAddress: () => '127.0.0.1',
    setHeaders: () => {},
  }) as unknown as RequestEvent;

/** The app: the hook, then (like `sequence`) a second hook that runs after it, then the routes. */
const makeApp = (config: LogtoServerConfig) => {
  const handle = handleLogto(config);
  const handleError = handleLogtoError();
  const after: Handle = async ({ event, resolve }) =>
    event.url.pathname === '/test/sequence'
      ? json({ sub: (event.locals as LogtoLocals).user?.sub ?? null })
      : resolve(event);
  return (request: Request, isDataRequest = false) =>
    handle({
      event: eventFor(request, isDataRequest),
      resolve: (event) => after({ event, resolve: resolver(handleError) }),
    });
};

/** A browser's cookie handling, enough for these tests: one host, `Path=/`, `Max-Age`. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly app: ReturnType<typeof makeApp>) {}

  async get(path: string, headers: Record<string, string> = {}, isDataRequest = false): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const request = new Request(new URL(path, origin), {
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
    });
    const response = await this.app(request, isDataRequest);
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
const visibleText = (page: string) =>
  page
    .replace(/<head>[\s\S]*<\/head>/i, '')
    .replace(/<[^>]+>/g, ' ')
    .trim();

describe('handleLogto', () => {
  it('throws a ConfigError when the server starts with a bad config', () => {
    expect(() => handleLogto(configFor(provider, { endpoint: 'not a url' }))).toThrow(ConfigError);
    expect(() => handleLogto(configFor(provider, { session: { secrets: ['short'] } }))).toThrow(ConfigError);
    expect(() => handleLogto(configFor(provider, { routes: { callback: 'callback' } }))).toThrow(ConfigError);
  });

  it('runs the tutorial flow: sign in, locals.user, tokens, sign out', async () => {
    const browser = new Browser(makeApp(configFor(provider)));
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');
    expect(await (await browser.get('/test/sequence')).json()).toEqual({ sub: null });

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
    expect(claims).toMatchObject({ sub: 'user_demo', aud: 'demo-app' });
    expect(userInfo).toMatchObject({ sub: 'user_demo', email: 'demo@example.com' });
    // A hook after handleLogto sees the user too.
    expect(await (await browser.get('/test/sequence')).json()).toEqual({ sub: 'user_demo' });

    expect((await (await browser.get('/api/token')).json()).accessToken).toEqual(expect.any(String));
    const { accessToken } = await (await browser.get(`/api/token?resource=${demoResource}`)).json();
    expect(JSON.parse(atob(accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).aud).toBe(
      demoResource,
    );

    const signOut = await browser.get('/sign-out');
    expect(signOut.status).toBe(302);
    const endSession = new URL(signOut.headers.get('location')!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');
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
    // A client-side navigation's data request is sent to sign-in the same way (SvelteKit relays it).
    const data = await browser.get('/protected?tab=2', {}, true);
    expect(data.headers.get('location')).toBe(page.headers.get('location'));

    expect((await browser.get('/api/me')).status).toBe(401);
    expect((await browser.get('/protected', { accept: 'application/json' })).status).toBe(401);

    const callback = await signIn(browser, page.headers.get('location')!);
    expect(callback.headers.get('location')).toBe('/protected?tab=2');
    const protectedPage = await browser.get('/protected?tab=2');
    expect(protectedPage.status).toBe(200);
    expect(visibleText(await protectedPage.text())).toBe('Protected page');
    expect((await (await browser.get('/api/me')).json()).claims.sub).toBe('user_demo');
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

  it('answers a failed callback with a 400 error page and no session', async () => {
    const browser = new Browser(makeApp(configFor(provider)));
    const response = await browser.get(
      `/callback?code=abc&state=unknown&iss=${encodeURIComponent(provider.issuer)}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(visibleText(await response.text())).toMatch(/^Error/);
    expect(await (await browser.get('/')).text()).toContain('Not authenticated');

    const replayed = new Browser(makeApp(configFor(provider)));
    const start = await replayed.get('/sign-in');
    const callbackUrl = await completeSignIn(start.headers.get('location')!, user);
    expect((await replayed.get(callbackUrl)).status).toBe(302);
    const again = await replayed.get(callbackUrl);
    expect(again.status).toBe(400);
    expect(visibleText(await again.text())).toMatch(/^Error/);
    expect((await replayed.get('/protected')).status).toBe(200);
  });

  it('refreshes once for two load functions asking for an expired token in one request', async () => {
    const browser = new Browser(makeApp(configFor(shortLived)));
    await signIn(browser);
    expect((await browser.get('/test/two-loads')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const before = shortLived.stats.refreshGrants.length;
    const response = await browser.get('/test/two-loads');
    expect(response.status).toBe(200);
    const { tokens } = await response.json();
    expect(shortLived.stats.refreshGrants.slice(before)).toHaveLength(1);
    expect(tokens).toEqual([expect.any(String), expect.any(String)]);
    expect(shortLived.stats.reusedRefreshTokens()).toEqual([]);
    expect(tokens[1]).toBe(tokens[0]);
    // The rotated refresh token reached the browser: the next refresh uses it.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await browser.get('/test/two-loads')).status).toBe(200);
    expect(shortLived.stats.refreshGrants.slice(before)).toHaveLength(2);
    expect(shortLived.stats.reusedRefreshTokens()).toEqual([]);
  });

  it('sends the session cookies with a thrown redirect() and with a fetch() response', async () => {
    const browser = new Browser(makeApp(configFor(shortLived)));
    await signIn(browser);
    const expired = () => new Promise((resolve) => setTimeout(resolve, 2_100));
    await expired();
    const redirected = await browser.get('/test/redirect-after-token');
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get('location')).toBe('/done');
    expect(redirected.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);

    await expired();
    const proxied = await browser.get('/test/proxy');
    expect(proxied.status).toBe(200);
    expect((await proxied.json()).issuer).toBe(shortLived.issuer);
    expect(proxied.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);
    // Each answer carried the rotated refresh token, so none was used twice.
    await expired();
    expect((await browser.get('/test/two-loads')).status).toBe(200);
    expect(shortLived.stats.reusedRefreshTokens()).toEqual([]);
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
