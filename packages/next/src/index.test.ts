import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDevProvider } from '@logto-machine/dev-provider';
import { Browser, completeSignIn, locationOf } from '@logto-machine/dev-provider/testing';
import {
  type AdapterTestConfig,
  configFor,
  demoResource,
  runAdapterContract,
  signIn,
  testUser,
  useTestProviders,
  waitForTokenExpiry,
} from '@logto-machine/testing/adapter';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { createLogto, type LogtoProxyOptions, RefreshInServerComponent, requireAuth } from './index.ts';

const html = (body: string) =>
  new Response(`<!doctype html><html><body>${body}</body></html>`, {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  });

/**
 * The adapter contract's app (see `runAdapterContract`) as a Next app would be: the proxy in front,
 * then the auth route handler or the app's route. Pages Next would render as Server Components read
 * the session with `getLogto()` on the Cookie header the proxy forwarded, as `headers()` would give it.
 * What Next itself does around the proxy is done here as its adapter does it: a `NextResponse.next()`
 * goes on to the app with the request headers the proxy overrode, and same-origin redirects are
 * shortened to their path.
 */
const makeApp = (config: AdapterTestConfig, options: LogtoProxyOptions = { protect: ['/protected'] }) => {
  const logto = createLogto(config);
  const proxy = logto.proxy(options);
  const resourceOf = (request: NextRequest) => request.nextUrl.searchParams.get('resource') ?? undefined;
  const routes: Record<string, (request: NextRequest) => Promise<Response>> = {
    // A Server Component page: read-only client.
    '/': async (request) => {
      const client = await logto.getLogto({ cookie: request.headers.get('cookie') });
      if (!(await client.isAuthenticated()))
        return html('<p>Not authenticated</p><a href="/sign-in">Sign in</a>');
      return Response.json({
        claims: await client.getIdTokenClaims(),
        userInfo: await client.fetchUserInfo(),
      });
    },
    '/protected': async () => html('Protected page'),
    // A Server Component that reads an organization token (which the proxy keeps fresh, see keepFresh).
    '/organization-page': async (request) => {
      const client = await logto.getLogto({ cookie: request.headers.get('cookie') });
      const organizationId = request.nextUrl.searchParams.get('organizationId') ?? '';
      try {
        return Response.json(await client.getOrganizationTokenClaims(organizationId));
      } catch (error) {
        if (!(error instanceof RefreshInServerComponent)) throw error;
        return Response.json({ error: error.name }, { status: 500 });
      }
    },
    // A Server Component that reads only the claims (the ID token lives in the cookie, always).
    '/claims-page': async (request) => {
      const client = await logto.getLogto({ cookie: request.headers.get('cookie') });
      return Response.json(await client.getIdTokenClaims());
    },
    '/api/me': logto.route(async (_request, { logto: client, logtoRequest }) => {
      const denied = await requireAuth(logtoRequest);
      return denied ?? Response.json({ claims: await client.getIdTokenClaims() });
    }),
    // Lets SDK errors through on purpose: logto.route() answers them.
    '/api/token': logto.route(async (request, { logto: client }) => {
      const accessToken = await client.getAccessToken(resourceOf(request));
      return Response.json({ accessToken }, { status: accessToken ? 200 : 401 });
    }),
    '/token-page': logto.route(async (request, { logto: client }) =>
      html(`<p>${await client.getAccessToken(resourceOf(request))}</p>`),
    ),
    '/test/refresh-token': logto.route(async (_request, { logto: client }) =>
      Response.json({ refreshToken: await client.getRefreshToken() }),
    ),
  };
  const authPaths = new Set(Object.values(logto.server.routes));

  const fetch = async (input: Request): Promise<Response> => {
    // Next's server builds the request URL from the Host header, then NextURL shows 127.0.0.1 as localhost.
    const withHost = new Headers(input.headers);
    withHost.set('host', new URL(input.url).host);
    const request = new NextRequest(input.url, {
      method: input.method,
      headers: withHost,
      body: input.body,
      ...(input.body ? { duplex: 'half' } : {}),
    });
    const fromProxy = await proxy(request);
    if (!fromProxy.headers.has('x-middleware-next')) {
      const location = fromProxy.headers.get('location');
      if (location === null || new URL(location).origin !== request.nextUrl.origin) return fromProxy;
      const shortened = new Response(fromProxy.body, fromProxy);
      const { pathname, search } = new URL(location);
      shortened.headers.set('location', `${pathname}${search}`);
      return shortened;
    }
    const headers = new Headers(request.headers);
    for (const name of fromProxy.headers.get('x-middleware-override-headers')?.split(',') ?? [])
      headers.set(name, fromProxy.headers.get(`x-middleware-request-${name}`) ?? '');
    const forwarded = new NextRequest(request.url, {
      method: request.method,
      headers,
      body: request.body,
      ...(request.body ? { duplex: 'half' } : {}),
    });
    const path = request.nextUrl.pathname;
    const route = authPaths.has(path)
      ? request.method === 'POST'
        ? logto.handlers.POST
        : logto.handlers.GET
      : routes[path];
    const response = route ? await route(forwarded) : new Response('Not Found', { status: 404 });
    const answer = new Response(response.body, response);
    for (const cookie of fromProxy.headers.getSetCookie()) answer.headers.append('set-cookie', cookie);
    return answer;
  };
  return { logto, fetch };
};

runAdapterContract({ name: 'Next', mount: (config) => ({ fetch: makeApp(config).fetch }) });

/** 100 organizations with long ids: the ID token of a member of all of them outgrows the cookie budget. */
const manyOrganizations = Array.from({ length: 100 }, (_, index) => ({
  id: `org_${String(index).padStart(3, '0')}_${'x'.repeat(20)}`,
  name: `Organization ${index}`,
  description: null,
  roles: [{ name: 'member', scopes: ['read:org'] }],
}));

/** A provider whose {@link testUser} is a member of {@link manyOrganizations}; access tokens live 2 s. */
const startManyOrganizationsProvider = () =>
  startDevProvider({
    rotateRefreshTokens: 'always',
    ttl: { accessToken: 2 },
    organizations: manyOrganizations,
    users: [
      {
        id: 'user_many',
        username: testUser.username,
        password: testUser.password,
        claims: { email: 'many@example.com' },
        organizations: manyOrganizations.map(({ id }) => ({ id, roles: ['member'] })),
      },
    ],
  });

const cookieHeader = (browser: Browser) =>
  [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

describe('@logto-machine/next', () => {
  const ops = useTestProviders();

  it('never refreshes in a Server Component: getLogto() throws RefreshInServerComponent and sends no grant', async () => {
    const { logto, fetch } = makeApp(configFor(ops.shortLived));
    const browser = new Browser('http://127.0.0.1:3000', fetch);
    await signIn(browser);
    await waitForTokenExpiry();
    const grants = ops.shortLived.stats.refreshGrants.length;

    const client = await logto.getLogto({ cookie: cookieHeader(browser) });
    expect(await client.isAuthenticated()).toBe(true);
    expect((await client.getIdTokenClaims()).sub).toBe('user_demo');
    await expect(client.getAccessToken()).rejects.toBeInstanceOf(RefreshInServerComponent);
    await expect(client.fetchUserInfo()).rejects.toMatchObject({ _tag: 'RefreshInServerComponent' });
    expect(ops.shortLived.stats.refreshGrants.length).toBe(grants);

    // Behind the proxy, the same page reads the token the proxy refreshed in this very request.
    const home = await browser.get('/');
    expect(home.status).toBe(200);
    expect((await home.json()).userInfo.sub).toBe('user_demo');
    expect(ops.shortLived.stats.refreshGrants.length).toBe(grants + 1);
    // …and the browser got the refreshed session: the next page needs no grant.
    expect((await browser.get('/')).status).toBe(200);
    expect(ops.shortLived.stats.refreshGrants.length).toBe(grants + 1);
  });

  it('guards API routes in the proxy with 401 and pages with a redirect that comes back', async () => {
    const { fetch } = makeApp(configFor(ops.provider), {
      protect: (request) => request.nextUrl.pathname !== '/',
    });
    const browser = new Browser('http://127.0.0.1:3000', fetch);
    const api = await browser.get('/api/token');
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: 'unauthorized' });
    const page = await browser.get('/token-page?x=1');
    expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/token-page?x=1')}`);
    expect((await browser.get('/')).status).toBe(200);
  });

  it('keeps the tokens listed in keepFresh fresh, and leaves API calls alone by default', async () => {
    const { fetch } = makeApp(configFor(ops.shortLived), {
      keepFresh: (_request, api) => (api ? [] : [{}, { resource: demoResource }]),
    });
    const browser = new Browser('http://127.0.0.1:3000', fetch);
    await signIn(browser);
    await waitForTokenExpiry();
    const grants = ops.shortLived.stats.refreshGrants.length;
    expect((await browser.get('/protected')).status).toBe(200);
    // The default token and the resource's: one grant each.
    expect(ops.shortLived.stats.refreshGrants.length).toBe(grants + 2);
    expect((await browser.get('/api/token')).status).toBe(200);
    expect(ops.shortLived.stats.refreshGrants.length).toBe(grants + 2);
  });

  it('signs in a user of 100 organizations and keeps them signed in: no cookie over 4 KB, no loop', async () => {
    const provider = await startManyOrganizationsProvider();
    try {
      const { fetch } = makeApp(
        {
          ...configFor(provider),
          scopes: ['email', 'urn:logto:scope:organizations', 'urn:logto:scope:organization_roles'],
          resources: [],
        },
        { protect: ['/protected'] },
      );
      const browser = new Browser('http://127.0.0.1:3000', fetch);
      const start = await browser.get('/protected');
      expect(start.status).toBe(302);
      const toProvider = await browser.get(start.headers.get('location')!);
      const callback = await browser.get(
        await completeSignIn(locationOf(toProvider, browser.baseUrl).href, testUser),
      );
      const allSetCookies = [...callback.headers.getSetCookie()];
      expect(callback.headers.get('location')).toBe('/protected');

      for (let round = 0; round < 2; round++) {
        const page = await browser.get('/protected');
        expect(page.status).toBe(200);
        const claimsPage = await browser.get('/claims-page');
        expect(claimsPage.status).toBe(200);
        expect((await claimsPage.json()).organizations).toHaveLength(100);
        const me = await browser.get('/api/me');
        expect(me.status).toBe(200);
        expect((await me.json()).claims.sub).toBe('user_many');
        allSetCookies.push(
          ...page.headers.getSetCookie(),
          ...claimsPage.headers.getSetCookie(),
          ...me.headers.getSetCookie(),
        );
        // Past the access token's life: the proxy refreshes, the session stays.
        await waitForTokenExpiry();
      }
      expect(
        [...browser.cookies.keys()].filter((name) => name.startsWith('logto_session.')).length,
      ).toBeGreaterThan(1);
      for (const header of allSetCookies)
        expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(4096);
      for (const [name, value] of browser.cookies)
        expect(new TextEncoder().encode(`${name}=${value}`).length).toBeLessThanOrEqual(4096);
    } finally {
      await provider.stop();
    }
  });

  it('hands a Server Component the whole oversized session: an organization token the proxy fetched, no cookie over 4 KB', async () => {
    const provider = await startManyOrganizationsProvider();
    const organizationId = manyOrganizations[42]!.id;
    const organizationPage = `/organization-page?organizationId=${organizationId}`;
    const options = (maxForwardedCookieBytes?: number): LogtoProxyOptions => ({
      keepFresh: (request, api) => {
        const id = request.nextUrl.searchParams.get('organizationId');
        return api ? [] : id ? [{}, { organizationId: id }] : [{}];
      },
      maxForwardedCookieBytes,
    });
    try {
      const config = {
        ...configFor(provider),
        scopes: ['email', 'urn:logto:scope:organizations', 'urn:logto:scope:organization_roles'],
        resources: [],
      };
      const { logto, fetch } = makeApp(config, options());
      const browser = new Browser('http://127.0.0.1:3000', fetch);
      await signIn(browser);
      const setCookies: string[] = [];

      for (let round = 0; round < 2; round++) {
        const grants = provider.stats.refreshGrants.length;
        const page = await browser.get(organizationPage);
        setCookies.push(...page.headers.getSetCookie());
        expect(page.status).toBe(200);
        expect((await page.json()).aud).toBe(`urn:logto:organization:${organizationId}`);
        // The browser's cookies leave the tokens out, so the proxy fetches them on each request.
        expect(provider.stats.refreshGrants.length).toBeGreaterThan(grants);
        // Past the access tokens' life: the proxy refreshes them, the page still reads them.
        await waitForTokenExpiry();
      }
      // What the browser holds has no organization token: a Server Component alone could not read it.
      const alone = await logto.getLogto({ cookie: cookieHeader(browser) });
      await expect(alone.getOrganizationToken(organizationId)).rejects.toBeInstanceOf(
        RefreshInServerComponent,
      );
      for (const header of setCookies)
        expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(4096);
      for (const [name, value] of browser.cookies)
        expect(new TextEncoder().encode(`${name}=${value}`).length).toBeLessThanOrEqual(4096);

      // Over maxForwardedCookieBytes the page gets the browser's copy, which lacks the token.
      const capped = makeApp(config, options(4096));
      const cappedBrowser = new Browser('http://127.0.0.1:3000', capped.fetch);
      await signIn(cappedBrowser);
      const refused = await cappedBrowser.get(organizationPage);
      expect(refused.status).toBe(500);
      expect(await refused.json()).toEqual({ error: 'RefreshInServerComponent' });
    } finally {
      await provider.stop();
    }
  });

  it('never lets a request plant a session for the page: a forged cookie reads as signed out', async () => {
    const { fetch } = makeApp(configFor(ops.provider));
    const forged = JSON.stringify({
      v: 1,
      state: 'authenticated',
      tokens: { idToken: 'h.p.s' },
      failure: null,
    });
    const response = await fetch(
      new Request('http://127.0.0.1:3000/', {
        headers: { cookie: `logto_session=${encodeURIComponent(forged)}; logto_session.0=v1.forged` },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Not authenticated');
  });

  it('refuses a maxForwardedCookieBytes that is not a whole number of bytes', () => {
    const logto = createLogto(configFor(ops.provider));
    expect(() => logto.proxy({ maxForwardedCookieBytes: -1 })).toThrow(/maxForwardedCookieBytes/);
    expect(() => logto.proxy({ maxForwardedCookieBytes: 1.5 })).toThrow(/maxForwardedCookieBytes/);
  });

  it('answers back-channel logout through the route handler (501 in cookie mode)', async () => {
    const { fetch } = makeApp(configFor(ops.provider));
    const response = await fetch(
      new Request('http://127.0.0.1:3000/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'logout_token=x',
      }),
    );
    expect(response.status).toBe(501);
  });

  it('reads the configuration lazily when given a function (so `next build` needs no environment)', () => {
    let read = 0;
    const logto = createLogto(() => {
      read++;
      return configFor(ops.provider);
    });
    expect(read).toBe(0);
    expect(logto.server.routes.callback).toBe('/callback');
    expect(logto.server.routes.signIn).toBe('/sign-in');
    expect(read).toBe(1);
  });

  it('type-checks against Next 15 as well as Next 16', () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    expect(() =>
      execFileSync('npx', ['tsc', '-p', 'tsconfig.next15.json', '--noEmit'], {
        cwd: packageDir,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  }, 60_000);
});
