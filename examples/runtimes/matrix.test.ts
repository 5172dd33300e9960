/**
 * The runtime matrix: the Hono example, bundled once as a Web-standard worker (`build.ts`), serves the
 * same flow — sign-in → callback → claims → resource token → sign-out — against the dev provider on
 * Node, Bun, Deno and workerd; and so does the plain app on `@logto-machine/core/web` (`src/web/`), as
 * its own `Bun.serve` and `Deno.serve` server and as a Workers `fetch` module. Each is a separate
 * process, driven over HTTP like a browser.
 */
import { randomBytes } from 'node:crypto';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import {
  Browser,
  CookieJar,
  completeSignIn,
  completeSignOut,
  decodeEntities,
  jwtPayload,
  locationOf,
  visibleText,
} from '@logto-machine/dev-provider/testing';
import { freePort, type RunningProcess } from '@logto-machine/example-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleApps } from './build.ts';
import { type Launch, launches, type RuntimeName, startServer, webLaunches } from './runtimes.ts';

const resource = 'https://api.example.com';
const user = { username: 'demo', password: 'demo-password' };
const runtimes: RuntimeName[] = ['node', 'bun', 'deno', 'workerd'];
/**
 * Each matrix entry: its name and how it is launched. They run concurrently (vitest's default of 5 at
 * a time), workerd's first: Miniflare takes seconds to listen, the others' flows fit in that wait.
 */
const entries: [name: string, launch: () => Launch][] = [
  ...runtimes.map((runtime) => [runtime, launches[runtime]] as [string, () => Launch]),
  ...Object.entries(webLaunches).map(
    ([name, launch]) => [`plain app on ${name}`, launch] as [string, () => Launch],
  ),
].sort(([a], [b]) => Number(b.includes('workerd')) - Number(a.includes('workerd')));

describe('the Hono example and the plain Web app sign in and out on every runtime', () => {
  let provider: DevProvider;
  const servers = new Set<RunningProcess>();
  const timings: string[] = [];

  beforeAll(async () => {
    const started = performance.now();
    [provider] = await Promise.all([startDevProvider({ rotateRefreshTokens: 'always' }), bundleApps()]);
    timings.push(`provider + bundle ${Math.round(performance.now() - started)} ms`);
  });

  afterAll(async () => {
    await Promise.all([...servers].map((server) => server.stop()));
    await provider?.stop();
    if (timings.length > 0) console.log(`runtime matrix: ${timings.join('; ')}`);
  });

  /** Signs in, reads the claims and a resource token, and signs out, on the app at `baseUrl`. */
  const flow = async (baseUrl: string) => {
    const browser = new Browser(baseUrl);
    const providerJar = new CookieJar();

    const start = await browser.get('/sign-in');
    expect(start.status, 'GET /sign-in').toBe(302);
    const authorization = locationOf(start, baseUrl);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${provider.issuer}/auth`);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${baseUrl}/callback`);

    const callbackUrl = await completeSignIn(authorization.href, { ...user, cookieJar: providerJar });
    const callback = await browser.get(callbackUrl);
    expect(callback.status, 'GET /callback').toBe(302);
    expect(locationOf(callback, callbackUrl).href).toBe(`${baseUrl}/`);

    const home = await browser.get('/');
    expect(home.status, 'GET / signed in').toBe(200);
    const page = decodeEntities(await home.text());
    expect(page).toMatch(/"sub":\s*"user_demo"/);
    expect(page).toMatch(/"email":\s*"demo@example\.com"/);

    const token = await browser.get(`/api/token?resource=${encodeURIComponent(resource)}`);
    expect(token.status, 'GET /api/token').toBe(200);
    const { accessToken, claims } = await token.json();
    expect(accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(jwtPayload(accessToken)).toMatchObject({ aud: resource, sub: 'user_demo' });
    expect(claims).toMatchObject({ aud: resource });

    const signOut = await browser.get('/sign-out');
    expect(signOut.status, 'GET /sign-out').toBe(302);
    const endSession = locationOf(signOut, baseUrl);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(await completeSignOut(endSession.href, { cookieJar: providerJar })).toBe(`${baseUrl}/`);

    const after = await browser.get('/');
    expect(after.status, 'GET / signed out').toBe(200);
    expect(visibleText(await after.text())).toContain('Not authenticated');
    // Rotation is on: a refresh token used twice would mean the runtime lost a rotated session.
    expect(provider.stats.reusedRefreshTokens()).toEqual([]);
  };

  for (const [runtime, launchOf] of entries) {
    it.concurrent(runtime, async () => {
      const launch = launchOf();
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const started = performance.now();
      const server = await startServer(runtime, launch, port, {
        LOGTO_ENDPOINT: provider.url,
        LOGTO_APP_ID: 'demo-app',
        LOGTO_APP_SECRET: 'demo-app-secret',
        BASE_URL: baseUrl,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        LOGTO_SCOPES: 'email,urn:logto:scope:organizations,read:data,read:org',
        LOGTO_RESOURCES: resource,
      });
      servers.add(server);
      const listening = performance.now();
      try {
        await flow(baseUrl);
      } catch (error) {
        if (error instanceof Error) error.message += `\n--- output of ${runtime} ---\n${server.output()}`;
        throw error;
      } finally {
        await server.stop();
        servers.delete(server);
      }
      timings.push(
        `${runtime}: listening ${Math.round(listening - started)} ms, flow ${Math.round(performance.now() - listening)} ms`,
      );
    });
  }
});
