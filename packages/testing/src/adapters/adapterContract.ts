/**
 * The contract test suite of the server adapters (`@logto-machine/hono`, `/koa`, `/sveltekit`): what
 * a user notices of signing in, whatever the framework. Each adapter builds its app with the routes
 * below, and runs the suite from its own test file:
 *
 * ```ts
 * import { runAdapterContract } from '@logto-machine/testing/adapter';
 * runAdapterContract({ name: 'Hono', mount: (config) => ({ fetch: makeApp(config).fetch }) });
 * ```
 *
 * The app under test serves the auth routes (`/sign-in`, `/sign-up`, `/callback`, `/sign-out`, or
 * `config.routes`) through the adapter, with its default API rule (`/api/…`, or `Accept` JSON), and:
 *
 * | route                     | answers                                                                  |
 * | ------------------------- | ------------------------------------------------------------------------ |
 * | `/`                       | signed out: 200 HTML containing `Not authenticated`; signed in: JSON `{ claims, userInfo }` (ID-token claims, `fetchUserInfo()`) |
 * | `/protected`              | behind the adapter's `requireAuth`: a page whose text is `Protected page` |
 * | `/api/me`                 | behind `requireAuth`: JSON `{ claims }`                                   |
 * | `/api/token?resource=`    | JSON `{ accessToken }` of `getAccessToken(resource)`, 401 when null; SDK errors go through to the adapter |
 * | `/token-page?resource=`   | a page showing `getAccessToken(resource)`; SDK errors go through to the adapter |
 * | `/test/refresh-token`     | JSON `{ refreshToken }` of `getRefreshToken()`                            |
 *
 * Any other path is the framework's 404. Imports vitest, so it is never exported from the package
 * entry point.
 *
 * @module
 */

import type { DevProvider } from '@logto-machine/dev-provider';
import {
  Browser,
  completeSignIn,
  type Fetch,
  junkPaths,
  jwtPayload,
  visibleText,
} from '@logto-machine/dev-provider/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AdapterTestConfig,
  configFor,
  demoResource,
  extraResources,
  signIn,
  testUser,
  useTestProviders,
  waitForTokenExpiry,
} from './adapterFixtures.ts';

export {
  type AdapterTestConfig,
  configFor,
  demoResource,
  extraResources,
  signIn,
  type TestProviders,
  testUser,
  useTestProviders,
  waitForTokenExpiry,
} from './adapterFixtures.ts';

/** An app built for the suite, ready for requests. */
export interface MountedApp {
  /** Where it is reached; default `http://127.0.0.1:3000`, for apps that answer in process. */
  readonly origin?: string | undefined;
  /** Answers one request without following redirects. */
  readonly fetch: Fetch;
  /** Stops it (a server, say); called after each test. */
  close?(): Promise<void>;
}

/** An adapter to check. */
export interface AdapterUnderTest {
  /** Names the suite's `describe` block. */
  name: string;
  /** Builds the app with the suite's routes (see the module docs) on `config`; throws if the adapter does. */
  mount(config: AdapterTestConfig): MountedApp | Promise<MountedApp>;
}

const defaultOrigin = 'http://127.0.0.1:3000';
const unknownResource = encodeURIComponent('https://unknown.example.com');

/** Registers the adapter contract for one adapter (call it at the top level of a test file). */
export function runAdapterContract({ name, mount }: AdapterUnderTest): void {
  describe(`${name} follows the adapter contract`, () => {
    const ops = useTestProviders();
    const mounted: MountedApp[] = [];
    afterEach(async () => {
      await Promise.all(mounted.splice(0).map((app) => app.close?.()));
    });

    /** A browser on a new app with the config for `op` (default the main provider) and `overrides`. */
    const open = async (overrides: Partial<AdapterTestConfig> = {}, op?: DevProvider) => {
      const app = await mount(configFor(op ?? ops.provider, overrides));
      mounted.push(app);
      return new Browser(app.origin ?? defaultOrigin, app.fetch);
    };
    const sessionCookies = (browser: Browser) =>
      [...browser.cookies.keys()].filter((cookie) => cookie.startsWith('logto_session'));
    const setsSession = (response: Response) =>
      response.headers.getSetCookie().some((cookie) => cookie.startsWith('logto_session'));

    it('rejects a bad config when the app is built, with a ConfigError', async () => {
      const bad: Array<Partial<AdapterTestConfig>> = [
        { endpoint: 'not a url' },
        { session: { secrets: ['short'] } },
        { routes: { callback: 'callback' } },
        { baseUrl: 'app.example' },
      ];
      for (const overrides of bad)
        await expect(open(overrides)).rejects.toMatchObject({ _tag: 'ConfigError' });
    });

    it('runs the tutorial flow: sign in, claims, tokens, sign out', async () => {
      const browser = await open();
      const { baseUrl: origin } = browser;
      expect(await (await browser.get('/')).text()).toContain('Not authenticated');

      const start = await browser.get('/sign-in');
      expect(start.status).toBe(302);
      const authorization = new URL(start.headers.get('location')!);
      expect(`${authorization.origin}${authorization.pathname}`).toBe(`${ops.provider.issuer}/auth`);
      expect(authorization.searchParams.get('redirect_uri')).toBe(`${origin}/callback`);
      expect(setsSession(start)).toBe(true);

      const callback = await browser.get(await completeSignIn(authorization.href, testUser));
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/');

      const home = await browser.get('/');
      expect(home.status).toBe(200);
      const { claims, userInfo } = await home.json();
      expect(claims).toMatchObject({ sub: 'user_demo', aud: 'demo-app' });
      expect(userInfo).toMatchObject({ sub: 'user_demo', email: 'demo@example.com' });
      expect(visibleText(await (await browser.get('/protected')).text())).toBe('Protected page');

      expect((await (await browser.get('/api/token')).json()).accessToken).toEqual(expect.any(String));
      const { accessToken } = await (await browser.get(`/api/token?resource=${demoResource}`)).json();
      expect(jwtPayload(accessToken).aud).toBe(demoResource);

      const signOut = await browser.get('/sign-out');
      expect(signOut.status).toBe(302);
      const endSession = new URL(signOut.headers.get('location')!);
      expect(`${endSession.origin}${endSession.pathname}`).toBe(`${ops.provider.issuer}/session/end`);
      expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
      expect(endSession.searchParams.get('id_token_hint')).toEqual(expect.any(String));
      expect(sessionCookies(browser)).toEqual([]);
      expect(await (await browser.get('/')).text()).toContain('Not authenticated');
    });

    it('lets two tabs of one browser sign in at the same time', async () => {
      const browser = await open();
      const [first, second] = [
        await browser.get('/sign-in?returnTo=/a'),
        await browser.get('/sign-in?returnTo=/b'),
      ];
      const [firstCallback, secondCallback] = await Promise.all(
        [first, second].map((response) => completeSignIn(response.headers.get('location')!, testUser)),
      );
      expect((await browser.get(secondCallback!)).headers.get('location')).toBe('/b');
      expect((await browser.get(firstCallback!)).headers.get('location')).toBe('/a');
      expect((await (await browser.get('/api/me')).json()).claims.sub).toBe('user_demo');
    });

    it('treats tampered, truncated and garbage cookies as signed out, never 500', async () => {
      const signedIn = await open();
      await signIn(signedIn);
      const [name, value] = [...signedIn.cookies].find(([cookie]) => cookie.startsWith('logto_session'))!;
      const variants = [
        `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`,
        value.slice(0, value.length / 2),
        '%%%garbage==',
        '%%%garbage;;==',
        '',
      ];
      for (const variant of variants) {
        const browser = new Browser(signedIn.baseUrl, signedIn.fetch);
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
      const browser = await open({ resources: [demoResource, ...extraResources] });
      await signIn(browser);
      let last: Response | undefined;
      for (const resource of extraResources) {
        last = await browser.get(`/api/token?resource=${resource}`);
        expect(last.status).toBe(200);
      }
      const setCookies = last!.headers.getSetCookie();
      expect(setCookies.filter((cookie) => cookie.startsWith('logto_session')).length).toBeGreaterThan(1);
      for (const header of setCookies)
        expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(4096);
      expect(
        sessionCookies(browser).filter((cookie) => cookie.startsWith('logto_session.')).length,
      ).toBeGreaterThan(1);

      // Every token is still in the session: no new grant is needed to answer.
      const grants = ops.provider.stats.refreshGrants.length;
      for (const resource of extraResources) {
        expect((await browser.get(`/api/token?resource=${resource}`)).status).toBe(200);
      }
      expect(ops.provider.stats.refreshGrants.length).toBe(grants);
      expect((await (await browser.get('/')).json()).claims.sub).toBe('user_demo');
    });

    it('requireAuth redirects signed-out pages to sign-in and back, and gives APIs 401', async () => {
      const browser = await open();
      const page = await browser.get('/protected?tab=2');
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe(
        `/sign-in?returnTo=${encodeURIComponent('/protected?tab=2')}`,
      );

      const api = await browser.get('/api/me');
      expect(api.status).toBe(401);
      expect(api.headers.get('content-type')).toContain('application/json');
      expect((await browser.get('/protected', { accept: 'application/json' })).status).toBe(401);

      const callback = await signIn(browser, page.headers.get('location')!);
      expect(callback.headers.get('location')).toBe('/protected?tab=2');
      const protectedPage = await browser.get('/protected?tab=2');
      expect(protectedPage.status).toBe(200);
      expect(visibleText(await protectedPage.text())).toBe('Protected page');
      expect((await (await browser.get('/api/me')).json()).claims.sub).toBe('user_demo');
    });

    it('serves the auth routes on custom paths, with the redirect URI on the custom callback', async () => {
      const browser = await open({
        routes: {
          signIn: '/auth/login',
          signUp: '/auth/register',
          callback: '/auth/done',
          signOut: '/auth/logout',
        },
        postSignOutPath: '/bye',
      });
      expect((await browser.get('/sign-in')).status).toBe(404);
      expect((await browser.get('/callback?code=x&state=y')).status).toBe(404);
      expect((await browser.get('/protected')).headers.get('location')).toBe(
        `/auth/login?returnTo=${encodeURIComponent('/protected')}`,
      );
      const signUp = new URL((await browser.get('/auth/register')).headers.get('location')!);
      expect(signUp.searchParams.get('first_screen')).toBe('register');

      const authorization = new URL((await browser.get('/auth/login')).headers.get('location')!);
      expect(authorization.searchParams.get('redirect_uri')).toBe(`${browser.baseUrl}/auth/done`);
      const callbackUrl = await completeSignIn(authorization.href, testUser);
      expect(new URL(callbackUrl).pathname).toBe('/auth/done');
      expect((await browser.get(callbackUrl)).headers.get('location')).toBe('/');
      expect((await browser.get('/protected')).status).toBe(200);
      const signOut = new URL((await browser.get('/auth/logout')).headers.get('location')!);
      expect(`${signOut.origin}${signOut.pathname}`).toBe(`${ops.provider.issuer}/session/end`);
      expect(signOut.searchParams.get('post_logout_redirect_uri')).toBe(`${browser.baseUrl}/bye`);
      expect((await browser.get('/protected')).status).toBe(302);
    });

    it.each(['//evil.com', 'https://evil.com', '/\\evil.com', '/\\/evil.com', 'javascript:alert(1)'])(
      'ends a sign-in with returnTo=%s at /',
      async (returnTo) => {
        const callback = await signIn(await open(), `/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
        expect(callback.status).toBe(302);
        expect(callback.headers.get('location')).toBe('/');
      },
    );

    it('takes the public origin from baseUrl, never from X-Forwarded-*', async () => {
      const browser = await open();
      const forwarded = { 'x-forwarded-host': 'evil.com', 'x-forwarded-proto': 'https' };
      const start = await browser.get('/sign-in', forwarded);
      const redirectUri = new URL(start.headers.get('location')!).searchParams.get('redirect_uri');
      expect(redirectUri).toBe(`${browser.baseUrl}/callback`);

      // Behind a proxy the adapter sees the internal URL: the sign-in is moved to baseUrl's host once
      // (the browser keeps cookies per host), and comes back as the same internal URL with the marker.
      const behindProxy = await open({ baseUrl: 'https://app.example' });
      const moved = await behindProxy.get('/sign-in');
      expect(moved.status).toBe(302);
      expect(moved.headers.get('location')).toBe('https://app.example/sign-in?logto_moved=1');
      const proxied = await behindProxy.get('/sign-in?logto_moved=1');
      expect(new URL(proxied.headers.get('location')!).searchParams.get('redirect_uri')).toBe(
        'https://app.example/callback',
      );
      // Over https the cookies are `__Host-` cookies: no other origin (a sibling subdomain, plain http) can plant one.
      const cookies = proxied.headers.getSetCookie().filter((cookie) => cookie.includes('logto_session'));
      expect(cookies.length).toBeGreaterThan(0);
      for (const cookie of cookies) {
        expect(cookie).toMatch(/^__Host-logto_session/);
        expect(cookie).toMatch(/;\s*Secure/i);
        expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
      }
    });

    it('answers a callback with an unknown state or a replayed one with a 400 error page and no session', async () => {
      const browser = await open();
      const unknown = await browser.get(
        `/callback?code=abc&state=unknown&iss=${encodeURIComponent(ops.provider.issuer)}`,
      );
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get('content-type')).toContain('text/html');
      expect(visibleText(await unknown.text())).toMatch(/^Error/);
      expect(await (await browser.get('/')).text()).toContain('Not authenticated');

      const replayed = await open();
      const start = await replayed.get('/sign-in');
      const callbackUrl = await completeSignIn(start.headers.get('location')!, testUser);
      expect((await replayed.get(callbackUrl)).status).toBe(302);
      const again = await replayed.get(callbackUrl);
      expect(again.status).toBe(400);
      expect(visibleText(await again.text())).toMatch(/^Error/);
      expect((await replayed.get('/protected')).status).toBe(200);
    });

    it('answers SDK errors thrown by handlers: JSON for APIs, an error page for pages, never 500', async () => {
      const browser = await open();
      await signIn(browser);
      const api = await browser.get(`/api/token?resource=${unknownResource}`);
      expect(api.status).toBe(400);
      expect(api.headers.get('content-type')).toContain('application/json');
      expect((await api.json()).error).toContain('config.resources');
      const page = await browser.get(`/token-page?resource=${unknownResource}`);
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(visibleText(await page.text())).toMatch(/^Error/);
      const json = await browser.get(`/token-page?resource=${unknownResource}`, {
        accept: 'application/json',
      });
      expect(json.status).toBe(400);
      expect(json.headers.get('content-type')).toContain('application/json');

      for (const path of junkPaths) expect((await browser.get(path)).status, path).toBeLessThan(500);
      // Still signed in.
      expect((await browser.get('/protected')).status).toBe(200);
    });

    it('answers sign-in with a 502 error page when the provider is down', async () => {
      const browser = await open({ endpoint: 'http://127.0.0.1:1' });
      const signInPage = await browser.get('/sign-in');
      expect(signInPage.status).toBe(502);
      expect(visibleText(await signInPage.text())).toMatch(/^Error/);
    });

    it('sends pages to sign-in and gives APIs 401 once the provider ended the session', async () => {
      const browser = await open({}, ops.shortLived);
      await signIn(browser);
      const { refreshToken } = await (await browser.get('/test/refresh-token')).json();
      const revoked = await fetch(`${ops.shortLived.issuer}/token/revocation`, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa('demo-app:demo-app-secret')}` },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
      });
      expect(revoked.status).toBe(200);
      await waitForTokenExpiry();

      const api = await browser.clone().get(`/api/token?resource=${demoResource}`);
      expect(api.status).toBe(401);
      expect(api.headers.get('content-type')).toContain('application/json');

      const page = await browser.get('/');
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/')}`);
      expect(await (await browser.get('/')).text()).toContain('Not authenticated');
    });
  });
}
