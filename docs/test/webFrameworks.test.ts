/**
 * The React Router and Astro snippets of the Web-standard guide (`docs/examples/web/`), against the dev
 * provider: each called the way its framework calls it — loaders with `{ request }` (a thrown
 * `Response` is the answer), Astro middleware with `(context, next)`. Not inside the frameworks
 * themselves: the guide says so.
 */
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { Browser, completeSignIn, locationOf } from '@logto-machine/dev-provider/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const baseUrl = 'http://127.0.0.1:4598';
const user = { username: 'demo', password: 'demo-password' };
let provider: DevProvider;

beforeAll(async () => {
  provider = await startDevProvider();
  // The snippets read their configuration from the environment when imported.
  Object.assign(process.env, {
    LOGTO_ENDPOINT: provider.url,
    LOGTO_APP_ID: 'demo-app',
    LOGTO_APP_SECRET: 'demo-app-secret',
    BASE_URL: baseUrl,
    SESSION_SECRET: 'a-session-secret-for-the-web-framework-snippets',
  });
});
afterAll(() => provider?.stop());

/** A loader's answer, whether returned or thrown (React Router sends a thrown `Response` as it is). */
const answer = async (loader: () => Promise<Response>) => {
  try {
    return await loader();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
};

const signIn = async (browser: Browser, path: string) => {
  const start = await browser.get(path);
  expect(start.status).toBe(302);
  return browser.get(await completeSignIn(locationOf(start, baseUrl).href, user));
};

describe('the React Router loaders', () => {
  it('guard a page, sign in and come back, and sign out', async () => {
    const auth = await import('../examples/web/react-router/app/routes/auth.ts');
    const protectedRoute = await import('../examples/web/react-router/app/routes/protected.ts');
    const routes: Record<string, (args: { request: Request }) => Promise<Response>> = {
      '/sign-in': auth.loader,
      '/callback': auth.loader,
      '/sign-out': auth.loader,
      '/protected': protectedRoute.loader,
    };
    const browser = new Browser(baseUrl, (request) => {
      const loader = routes[new URL(request.url).pathname];
      return loader ? answer(() => loader({ request })) : new Response('Not found', { status: 404 });
    });

    const denied = await browser.get('/protected');
    expect(denied.status).toBe(302);
    const signInPath = denied.headers.get('location')!;
    expect(signInPath).toBe(`/sign-in?returnTo=${encodeURIComponent('/protected')}`);
    const callback = await signIn(browser, signInPath);
    expect(callback.headers.get('location')).toBe('/protected');
    const page = await browser.get('/protected');
    expect(page.status).toBe(200);
    expect((await page.json()).sub).toBe('user_demo');

    const signOut = await browser.get('/sign-out');
    expect(locationOf(signOut, baseUrl).href).toContain(`${provider.issuer}/session/end`);
    expect((await browser.get('/protected')).status).toBe(302);
    // The auth route's loader leaves every other path alone.
    expect((await answer(() => auth.loader({ request: new Request(`${baseUrl}/other`) }))).status).toBe(404);
  });
});

describe('the Astro middleware and endpoint', () => {
  it('answer the auth routes, give endpoints the client, and turn SDK errors into their answer', async () => {
    const { onRequest } = await import('../examples/web/astro/src/middleware.ts');
    const { GET } = await import('../examples/web/astro/src/pages/api/token.ts');
    type Locals = Parameters<typeof onRequest>[0]['locals'];
    // The app's routes, as Astro would render them after the middleware's `next()`.
    const render = async (request: Request, locals: Locals): Promise<Response> => {
      const url = new URL(request.url);
      if (url.pathname === '/api/token') return GET({ locals, url });
      if (url.pathname === '/me') return Response.json(await locals.logto!.client.getIdTokenClaims());
      return new Response('Not found', { status: 404 });
    };
    const browser = new Browser(baseUrl, (request) => {
      const locals: Locals = {};
      return onRequest({ request, locals }, () => render(request, locals));
    });

    expect((await browser.get('/api/token')).status).toBe(401);
    // A page that lets NotAuthenticated through: the middleware sends it to sign-in.
    const me = await browser.get('/me');
    expect(me.status).toBe(302);
    expect(me.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/me')}`);

    expect((await signIn(browser, '/sign-in')).status).toBe(302);
    const token = await browser.get('/api/token');
    expect(token.status).toBe(200);
    expect((await token.json()).accessToken).toEqual(expect.any(String));
    expect((await (await browser.get('/me')).json()).sub).toBe('user_demo');
  });
});
