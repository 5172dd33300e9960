import { Browser } from '@logto-machine/dev-provider/testing';
import {
  type AdapterTestConfig,
  configFor,
  demoResource,
  runAdapterContract,
  signIn,
  useTestProviders,
  waitForTokenExpiry,
} from '@logto-machine/testing/adapter';
import {
  type Handle,
  type HandleServerError,
  isHttpError,
  isRedirect,
  json,
  type RequestEvent,
  redirect,
} from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { eventFor } from '../test/requestEvent.ts';
import { handleLogto, handleLogtoError, type LogtoLocals, requireAuth } from './index.ts';

const ops = useTestProviders();

type Route = (event: RequestEvent & { locals: LogtoLocals }) => Promise<Response>;

const html = (body: string, status = 200) =>
  new Response(`<!doctype html><html><body>${body}</body></html>`, {
    status,
    headers: { 'content-type': 'text/html' },
  });

const resourceOf = (url: URL) => url.searchParams.get('resource') ?? undefined;

/** The adapter contract's app (see `runAdapterContract`) as load functions and endpoints would write it. */
const contractRoutes: Record<string, Route> = {
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
    const accessToken = await locals.logto.getAccessToken(resourceOf(url));
    return json({ accessToken }, { status: accessToken ? 200 : 401 });
  },
  '/token-page': async ({ locals, url }) =>
    html(`<p>${await locals.logto.getAccessToken(resourceOf(url))}</p>`),
  '/test/refresh-token': async ({ locals }) => json({ refreshToken: await locals.logto.getRefreshToken() }),
};

/** Routes for SvelteKit's own tests. */
const routes: Record<string, Route> = {
  ...contractRoutes,
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
    return fetch(`${ops.shortLived.issuer}/.well-known/openid-configuration`);
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

/** The app: the hook, then (like `sequence`) a second hook that runs after it, then the routes. */
const makeApp = (config: AdapterTestConfig) => {
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

const origin = 'http://127.0.0.1:3000';

runAdapterContract({ name: 'SvelteKit', mount: (config) => ({ origin, fetch: makeApp(config) }) });

describe('handleLogto on SvelteKit', () => {
  /** A browser on a new app for `op`. */
  const open = (op = ops.provider) => new Browser(origin, makeApp(configFor(op)));

  it('gives hooks after handleLogto the user on locals.user', async () => {
    const browser = open();
    expect(await (await browser.get('/test/sequence')).json()).toEqual({ sub: null });
    await signIn(browser);
    expect(await (await browser.get('/test/sequence')).json()).toEqual({ sub: 'user_demo' });
  });

  it('sends a client-side navigation’s data request to sign-in like the page', async () => {
    const app = makeApp(configFor(ops.provider));
    const page = await app(new Request(`${origin}/protected?tab=2`));
    expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/protected?tab=2')}`);
    // SvelteKit relays the redirect to the client's router.
    const data = await app(new Request(`${origin}/protected?tab=2`), true);
    expect(data.headers.get('location')).toBe(page.headers.get('location'));
  });

  it('refreshes once for two load functions asking for an expired token in one request', async () => {
    const browser = open(ops.shortLived);
    await signIn(browser);
    expect((await browser.get('/test/two-loads')).status).toBe(200);
    await waitForTokenExpiry();
    const before = ops.shortLived.stats.refreshGrants.length;
    const response = await browser.get('/test/two-loads');
    expect(response.status).toBe(200);
    const { tokens } = await response.json();
    expect(ops.shortLived.stats.refreshGrants.slice(before)).toHaveLength(1);
    expect(tokens).toEqual([expect.any(String), expect.any(String)]);
    expect(ops.shortLived.stats.reusedRefreshTokens()).toEqual([]);
    expect(tokens[1]).toBe(tokens[0]);
    // The rotated refresh token reached the browser: the next refresh uses it.
    await waitForTokenExpiry();
    expect((await browser.get('/test/two-loads')).status).toBe(200);
    expect(ops.shortLived.stats.refreshGrants.slice(before)).toHaveLength(2);
    expect(ops.shortLived.stats.reusedRefreshTokens()).toEqual([]);
  });

  it('sends the session cookies with a thrown redirect() and with a fetch() response', async () => {
    const browser = open(ops.shortLived);
    await signIn(browser);
    await waitForTokenExpiry();
    const redirected = await browser.get('/test/redirect-after-token');
    expect(redirected.status).toBe(303);
    expect(redirected.headers.get('location')).toBe('/done');
    expect(redirected.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);

    await waitForTokenExpiry();
    const proxied = await browser.get('/test/proxy');
    expect(proxied.status).toBe(200);
    expect((await proxied.json()).issuer).toBe(ops.shortLived.issuer);
    expect(proxied.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'))).toBe(true);
    // Each answer carried the rotated refresh token, so none was used twice.
    await waitForTokenExpiry();
    expect((await browser.get('/test/two-loads')).status).toBe(200);
    expect(ops.shortLived.stats.reusedRefreshTokens()).toEqual([]);
  });
});
