/**
 * The end-to-end suite of the example-app contract (`/work/shared/EXAMPLE-APPS.md`): starts a dev
 * provider, starts an example as a separate process pointed at it, and drives every route over HTTP
 * like a browser would. Each example runs it from its own `e2e.test.ts`:
 *
 * ```ts
 * import { runExampleContract } from '@logto-machine/example-contract';
 * runExampleContract({ name: 'hono' });
 * ```
 *
 * With `REDIS_URL` set (CI sets it), the examples keep their sessions in Redis, and the suite also
 * has the provider end a session by back-channel logout.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { type DevApp, type DevProvider, defaultApps, startDevProvider } from '@logto-machine/dev-provider';
import {
  Browser,
  CookieJar,
  completeSignIn,
  completeSignOut,
  decodeEntities,
  junkPaths,
  jwtPayload,
  locationOf,
  visibleText,
} from '@logto-machine/dev-provider/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningProcess, startExample } from './process.ts';

export { freePort, type RunningProcess, repoRoot, startExample, startProcess } from './process.ts';

/** The environment of the contract, as the suite sets it for the example. */
export type ExampleEnv = Record<
  | 'LOGTO_ENDPOINT'
  | 'LOGTO_APP_ID'
  | 'LOGTO_APP_SECRET'
  | 'BASE_URL'
  | 'ORIGIN'
  | 'HOST'
  | 'PORT'
  | 'SESSION_SECRET'
  | 'LOGTO_SCOPES'
  | 'LOGTO_RESOURCES',
  string
>;

/** The example the suite started, for the tests of an example's own (see {@link ExampleUnderTest.moreTests}). */
export interface StartedExample {
  /** The app's origin, e.g. `http://127.0.0.1:4020`. */
  readonly baseUrl: string;
  /** The dev provider it signs in with. */
  readonly provider: DevProvider;
  /** A new browser, signed in as the demo user in a provider session of its own. */
  signIn(): Promise<SignedIn>;
}

/** A browser signed in to the example, and its cookies at the provider (to sign out there). */
export interface SignedIn {
  readonly browser: Browser;
  readonly providerJar: CookieJar;
}

/** An example to check. */
export interface ExampleUnderTest {
  /** The directory name under `examples/`. */
  name: string;
  /** Starts the app with `env` and resolves once it listens; default `pnpm --dir examples/<name> start`. */
  start?: (env: ExampleEnv) => Promise<RunningProcess>;
  /** How long the default `start` may take to listen (builds included); default 60 s. */
  startTimeoutMs?: number;
  /** Registers tests of what only this example does; they run after the contract's, on the same app. */
  moreTests?: (example: StartedExample) => void;
}

const resource = 'https://api.example.com';
const user = { username: 'demo', password: 'demo-password' };
const concurrentRequests = 20;
/** Whether the examples keep sessions in Redis, as they do when `REDIS_URL` is set (and not empty). */
const storeMode = Boolean(process.env.REDIS_URL);

/**
 * The dev provider's apps, `demo-app` with a back-channel logout URI on the example in store mode. Its
 * logout tokens name the provider session (`sid`), so they end only the sessions signed in there and
 * no other test's (the three examples' suites may run at once on one Redis).
 */
const appsFor = (baseUrl: string): DevApp[] =>
  defaultApps.map((app) =>
    app.id === 'demo-app' && storeMode
      ? {
          ...app,
          backchannelLogoutUri: `${baseUrl}/backchannel-logout`,
          backchannelLogoutSessionRequired: true,
        }
      : app,
  );

/** Registers the contract suite for one example (call it at the top level of a test file). */
export function runExampleContract(example: ExampleUnderTest): void {
  describe(`example ${example.name} follows the example-app contract`, () => {
    let provider: DevProvider;
    let app: RunningProcess | undefined;
    let baseUrl: string;
    /** The signed-in browser the suite walks through the routes with, and its provider cookies. */
    let browser: Browser;
    const providerJar = new CookieJar();
    let failed = false;
    /** The callback URL of the suite's sign-in, to replay. */
    let usedCallbackUrl: string;

    beforeAll(
      async () => {
        const port = await freePort();
        baseUrl = `http://127.0.0.1:${port}`;
        provider = await startDevProvider({
          rotateRefreshTokens: 'always',
          ttl: { accessToken: 2 },
          apps: appsFor(baseUrl),
        });
        const env: ExampleEnv = {
          LOGTO_ENDPOINT: provider.url,
          LOGTO_APP_ID: 'demo-app',
          LOGTO_APP_SECRET: 'demo-app-secret',
          BASE_URL: baseUrl,
          ORIGIN: baseUrl,
          HOST: '127.0.0.1',
          PORT: String(port),
          SESSION_SECRET: randomBytes(32).toString('base64url'),
          LOGTO_SCOPES:
            'email,custom_data,urn:logto:scope:organizations,urn:logto:scope:organization_roles,read:data,read:org',
          LOGTO_RESOURCES: resource,
        };
        app = await (
          example.start ??
          ((env) => startExample(`examples/${example.name}`, env, { timeoutMs: example.startTimeoutMs }))
        )(env);
        browser = new Browser(baseUrl);
      },
      (example.startTimeoutMs ?? 60_000) + 10_000,
    );

    afterEach((context) => {
      if (context.task.result?.state === 'fail') failed = true;
    });

    afterAll(async () => {
      if (failed && app) console.error(`--- output of examples/${example.name} ---\n${app.output()}`);
      await app?.stop();
      await provider?.stop();
    });

    /** A new browser, signed in as the demo user in a provider session of its own. */
    const signIn = async (): Promise<SignedIn> => {
      const fresh = new Browser(baseUrl);
      const jar = new CookieJar();
      const start = await fresh.get('/sign-in');
      expect(start.status).toBe(302);
      const callbackUrl = await completeSignIn(locationOf(start, baseUrl).href, { ...user, cookieJar: jar });
      expect((await fresh.get(callbackUrl)).status).toBe(302);
      return { browser: fresh, providerJar: jar };
    };

    /** Asserts that a response is not a server error, naming the request. */
    const notServerError = (response: Response, what: string) =>
      expect(response.status, `${what} answered ${response.status}`).toBeLessThan(500);

    it('shows signed-out visitors "Not authenticated" and a link to /sign-in', async () => {
      const home = await browser.get('/');
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(visibleText(html)).toContain('Not authenticated');
      expect(html).toMatch(/href=["']\/sign-in["'?]/);
    });

    it('sends signed-out visitors of /protected to /sign-in', async () => {
      const response = await browser.get('/protected');
      expect(response.status).toBe(302);
      const location = locationOf(response, baseUrl);
      expect(location.origin).toBe(baseUrl);
      expect(location.pathname).toBe('/sign-in');
    });

    it('answers the APIs for signed-out visitors', async () => {
      const me = await browser.get('/api/me');
      notServerError(me, '/api/me');
      expect((await me.json()).isAuthenticated).toBe(false);
      const token = await browser.get(`/api/token?resource=${encodeURIComponent(resource)}`);
      expect(token.status).toBe(401);
      expect(await token.json()).toMatchObject({ accessToken: null });
    });

    it('signs in through the provider and comes back to /', async () => {
      const start = await browser.get('/sign-in');
      expect(start.status).toBe(302);
      const authorization = locationOf(start, baseUrl);
      expect(`${authorization.origin}${authorization.pathname}`).toBe(`${provider.issuer}/auth`);
      expect(authorization.searchParams.get('redirect_uri')).toBe(`${baseUrl}/callback`);
      expect(authorization.searchParams.get('client_id')).toBe('demo-app');

      const callbackUrl = await completeSignIn(authorization.href, { ...user, cookieJar: providerJar });
      usedCallbackUrl = callbackUrl;
      const callback = await browser.get(callbackUrl);
      expect(callback.status).toBe(302);
      expect(locationOf(callback, callbackUrl).href).toBe(`${baseUrl}/`);
    });

    it('shows the claims, the userinfo and a link to /sign-out on /', async () => {
      const home = await browser.get('/');
      expect(home.status).toBe(200);
      const html = await home.text();
      const page = decodeEntities(html);
      expect(page).toMatch(/"sub":\s*"user_demo"/);
      expect(page).toMatch(/"iss":\s*"[^"]+\/oidc"/);
      expect(page).toMatch(/"email":\s*"demo@example\.com"/);
      expect(page).toMatch(/"custom_data":\s*\{\s*"plan":\s*"demo"/);
      expect(html).toMatch(/href=["']\/sign-out["']/);
      expect(visibleText(html)).not.toContain('Not authenticated');
    });

    it('serves /protected to a signed-in user', async () => {
      const response = await browser.get('/protected');
      expect(response.status).toBe(200);
      expect(visibleText(await response.text())).toContain('Protected page');
    });

    it('answers /api/me with the claims and the userinfo', async () => {
      const response = await browser.get('/api/me');
      expect(response.status).toBe(200);
      const me = await response.json();
      expect(me.isAuthenticated).toBe(true);
      expect(me.claims).toMatchObject({ sub: 'user_demo', aud: 'demo-app' });
      expect(me.userInfo).toMatchObject({ sub: 'user_demo', email: 'demo@example.com' });
    });

    it('answers /api/token with the default token and with a resource token', async () => {
      const plain = await browser.get('/api/token');
      expect(plain.status).toBe(200);
      expect((await plain.json()).accessToken).toEqual(expect.any(String));

      const scoped = await browser.get(`/api/token?resource=${encodeURIComponent(resource)}`);
      expect(scoped.status).toBe(200);
      const { accessToken, claims } = await scoped.json();
      expect(jwtPayload(accessToken)).toMatchObject({ aud: resource, sub: 'user_demo' });
      expect(claims).toMatchObject({ aud: resource });
    });

    it('answers /api/organization-token for a member organization, 403 for another', async () => {
      const member = await browser.get('/api/organization-token?organizationId=org_demo');
      expect(member.status).toBe(200);
      const { accessToken, claims } = await member.json();
      expect(jwtPayload(accessToken).aud).toBe('urn:logto:organization:org_demo');
      expect(claims).toMatchObject({ aud: 'urn:logto:organization:org_demo' });

      const other = await browser.get('/api/organization-token?organizationId=org_other');
      expect(other.status).toBe(403);
      expect(await other.json()).toMatchObject({ accessToken: null });
    });

    it('answers a resource that was not configured with 400 { accessToken: null }', async () => {
      const response = await browser.get(
        `/api/token?resource=${encodeURIComponent('https://unknown.example.com')}`,
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ accessToken: null });
    });

    it('never answers junk query strings with a server error', async () => {
      for (const path of junkPaths) notServerError(await browser.get(path), path);
      // Still signed in afterwards.
      expect((await browser.get('/protected')).status).toBe(200);
    });

    it('treats tampered and garbage cookies as signed out', async () => {
      const names = [...browser.cookies.keys()];
      expect(names.length).toBeGreaterThan(0);
      const variants: Array<(value: string) => string> = [
        (value) => `${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`,
        (value) => value.slice(0, Math.floor(value.length / 2)),
        () => 'garbage',
        () => '%%%;==',
      ];
      for (const variant of variants) {
        const tampered = browser.clone();
        for (const name of names) tampered.cookies.set(name, variant(tampered.cookies.get(name)!));
        const home = await tampered.get('/');
        notServerError(home, '/ with a tampered cookie');
        if (home.status === 200) expect(visibleText(await home.text())).toContain('Not authenticated');
        notServerError(await tampered.get('/api/me'), '/api/me with a tampered cookie');
        const token = await tampered.get('/api/token');
        expect(token.status).toBe(401);
        expect((await tampered.get('/protected')).status).toBe(302);
      }
    });

    it('answers a replayed callback with an error page and no session', async () => {
      const start = await new Browser(baseUrl).get('/sign-in');
      const callbackUrl = await completeSignIn(locationOf(start, baseUrl).href, user);
      // The callback reaches another browser, which never started this sign-in.
      const stranger = new Browser(baseUrl);
      const response = await stranger.get(callbackUrl);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(visibleText(await response.text())).toMatch(/^Error/);
      expect(visibleText(await (await stranger.get('/')).text())).toContain('Not authenticated');
      // A used callback, replayed.
      const replayed = await browser.get(usedCallbackUrl);
      expect(replayed.status).toBeGreaterThanOrEqual(400);
      expect(replayed.status).toBeLessThan(500);
      expect(visibleText(await replayed.text())).toMatch(/^Error/);
    });

    it('opens the register screen for /sign-up', async () => {
      const response = await new Browser(baseUrl).get('/sign-up');
      expect(response.status).toBe(302);
      const authorization = locationOf(response, baseUrl);
      expect(`${authorization.origin}${authorization.pathname}`).toBe(`${provider.issuer}/auth`);
      expect(authorization.searchParams.get('first_screen')).toBe('register');
    });

    it(`refreshes once for ${concurrentRequests} concurrent requests on an expired access token`, async () => {
      // Access tokens live 2 s: the one in the session is expired now.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const before = provider.stats.refreshGrants.length;
      const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      const responses = await Promise.all(
        Array.from({ length: concurrentRequests }, () =>
          fetch(`${baseUrl}/api/token?resource=${encodeURIComponent(resource)}`, {
            headers: { cookie },
            redirect: 'manual',
          }),
        ),
      );
      const bodies = await Promise.all(responses.map((response) => response.json()));
      expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
      for (const { accessToken } of bodies) expect(jwtPayload(accessToken).aud).toBe(resource);
      expect(provider.stats.refreshGrants.slice(before)).toHaveLength(1);
      for (const response of responses) browser.store(response);
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it.skipIf(!storeMode)(
      `ends a session when the provider sends a back-channel logout${storeMode ? '' : ' (skipped: needs store mode, set REDIS_URL)'}`,
      async () => {
        const { browser: other, providerJar } = await signIn();
        expect((await (await other.get('/api/me')).json()).isAuthenticated).toBe(true);
        const before = provider.stats.backchannelLogouts.length;

        // Signed out at the provider (Logto's own page, or another app): the example learns of it only
        // through the provider's POST to its back-channel logout route, server to server.
        const endSession = `${provider.issuer}/session/end?${new URLSearchParams({
          client_id: 'demo-app',
          post_logout_redirect_uri: `${baseUrl}/`,
        })}`;
        expect(await completeSignOut(endSession, { cookieJar: providerJar })).toBe(`${baseUrl}/`);
        expect(provider.stats.backchannelLogouts.slice(before)).toMatchObject([
          { clientId: 'demo-app', outcome: 'delivered' },
        ]);

        const home = await other.get('/');
        expect(home.status).toBe(200);
        expect(visibleText(await home.text())).toContain('Not authenticated');
        const me = await other.get('/api/me');
        notServerError(me, '/api/me after a back-channel logout');
        expect((await me.json()).isAuthenticated).toBe(false);
        expect((await other.get('/protected')).status).toBe(302);
        // Only that provider session's: the suite's browser is still signed in.
        expect((await browser.get('/protected')).status).toBe(200);
      },
    );

    it('signs out at the provider and comes back signed out', async () => {
      const response = await browser.get('/sign-out');
      expect(response.status).toBe(302);
      const endSession = locationOf(response, baseUrl);
      expect(`${endSession.origin}${endSession.pathname}`).toBe(`${provider.issuer}/session/end`);
      expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${baseUrl}/`);
      expect(await completeSignOut(endSession.href, { cookieJar: providerJar })).toBe(`${baseUrl}/`);

      const home = await browser.get('/');
      expect(home.status).toBe(200);
      expect(visibleText(await home.text())).toContain('Not authenticated');
      expect((await browser.get('/protected')).status).toBe(302);
    });

    example.moreTests?.({
      get baseUrl() {
        return baseUrl;
      },
      get provider() {
        return provider;
      },
      signIn,
    });
  });
}
