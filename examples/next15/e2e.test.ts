/**
 * The Next 15 app end to end: `pnpm --dir examples/next15 start` (`next build`, then `next start` through
 * examples/next's launcher) against a dev provider, driven like a browser. Its middleware runs on the
 * Edge runtime, so this also proves `@logto-machine/next` needs no Node built-ins there.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DevProvider,
  defaultOrganizations,
  defaultUsers,
  startDevProvider,
} from '@logto-machine/dev-provider';
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
import { freePort, type RunningProcess, startExample } from '@logto-machine/example-contract';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** 100 organizations with long ids: the ID token of a member of all of them outgrows the cookie budget. */
const manyOrganizations = Array.from({ length: 100 }, (_, index) => ({
  id: `org_${String(index).padStart(3, '0')}_${'x'.repeat(20)}`,
  name: `Organization ${index}`,
  description: null,
  roles: [{ name: 'member', scopes: ['read:org'] }],
}));
const resource = 'https://api.example.com';
const demo = { username: 'demo', password: 'demo-password' };
const many = { username: 'many', password: 'many-password' };

/**
 * Throws when this app's copy of `@logto-machine/next` differs from packages/next. The copy is an
 * injected dependency, made by `pnpm install` with this app's Next 15 as its peer (as an install from
 * the registry has it; a link would resolve `next` to packages/next's own Next 16): after a change to
 * packages/next it is stale until the next `pnpm install`.
 */
const checkInjectedCopy = async () => {
  const source = fileURLToPath(new URL('../../packages/next/src/', import.meta.url));
  const copy = join(
    dirname(createRequire(import.meta.url).resolve('@logto-machine/next/package.json')),
    'src',
  );
  for (const name of await readdir(source)) {
    if (name.endsWith('.test.ts')) continue;
    const [original, copied] = await Promise.all([
      readFile(join(source, name), 'utf8'),
      readFile(join(copy, name), 'utf8').catch(() => null),
    ]);
    if (original !== copied)
      throw new Error(`examples/next15 has a stale copy of packages/next/src/${name}: run \`pnpm install\`.`);
  }
};

describe('examples/next15: Next 15, middleware.ts on the Edge runtime', () => {
  let provider: DevProvider;
  let app: RunningProcess | undefined;
  let baseUrl: string;
  let failed = false;

  beforeAll(async () => {
    await checkInjectedCopy();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    provider = await startDevProvider({
      rotateRefreshTokens: 'always',
      ttl: { accessToken: 2 },
      organizations: [...defaultOrganizations, ...manyOrganizations],
      users: [
        ...defaultUsers,
        {
          id: 'user_many',
          ...many,
          claims: { email: 'many@example.com' },
          organizations: manyOrganizations.map(({ id }) => ({ id, roles: ['member'] })),
        },
      ],
    });
    app = await startExample(
      'examples/next15',
      {
        LOGTO_ENDPOINT: provider.url,
        LOGTO_APP_ID: 'demo-app',
        LOGTO_APP_SECRET: 'demo-app-secret',
        BASE_URL: baseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        LOGTO_SCOPES: 'email,urn:logto:scope:organizations,urn:logto:scope:organization_roles',
        LOGTO_RESOURCES: resource,
      },
      { timeoutMs: 180_000 },
    );
  }, 200_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });

  afterAll(async () => {
    if (failed && app) console.error(`--- output of examples/next15 ---\n${app.output()}`);
    await app?.stop();
    await provider?.stop();
  });

  /** A new browser signed in as `user`, through /protected: it comes back there. */
  const signIn = async (user = demo) => {
    const browser = new Browser(baseUrl);
    const providerJar = new CookieJar();
    const start = await browser.get('/protected');
    expect(start.status).toBe(302);
    const signInUrl = locationOf(start, baseUrl);
    expect(`${signInUrl.pathname}${signInUrl.search}`).toBe(
      `/sign-in?returnTo=${encodeURIComponent('/protected')}`,
    );
    const authorization = await browser.get(`${signInUrl.pathname}${signInUrl.search}`);
    expect(authorization.status).toBe(302);
    expect(locationOf(authorization, baseUrl).searchParams.get('redirect_uri')).toBe(`${baseUrl}/callback`);
    const callbackUrl = await completeSignIn(locationOf(authorization, baseUrl).href, {
      ...user,
      cookieJar: providerJar,
    });
    const callback = await browser.get(callbackUrl);
    expect(callback.status).toBe(302);
    expect(locationOf(callback, baseUrl).href).toBe(`${baseUrl}/protected`);
    return { browser, providerJar };
  };

  it('runs the middleware on the Edge runtime', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('.next/server/middleware-manifest.json', import.meta.url), 'utf8'),
    );
    // Next 15 lists Edge middleware here; Node middleware (`runtime: 'nodejs'`) would not be.
    expect(manifest.middleware['/']).toMatchObject({ name: 'middleware' });
    const home = await new Browser(baseUrl).get('/');
    expect(home.headers.get('x-middleware-runtime')).toBe('edge');
    expect(visibleText(await home.text())).toContain('Not authenticated');
  });

  it('answers an API call of a signed-out visitor with 401 from the middleware', async () => {
    const response = await new Browser(baseUrl).get('/api/token');
    expect(response.status).toBe(401);
    expect(response.headers.get('x-middleware-runtime')).toBe('edge');
    expect(await response.json()).toEqual({ error: 'unauthorized' });
  });

  it('signs in, serves the protected page and an access token, and signs out', async () => {
    const { browser, providerJar } = await signIn();
    const protectedPage = await browser.get('/protected');
    expect(protectedPage.status).toBe(200);
    expect(visibleText(await protectedPage.text())).toContain('Protected page');

    const home = decodeEntities(await (await browser.get('/')).text());
    expect(home).toMatch(/"sub":\s*"user_demo"/);
    expect(home).toMatch(/"email":\s*"demo@example\.com"/);

    const opaque = await browser.get('/api/token');
    expect(opaque.status).toBe(200);
    expect((await opaque.json()).accessToken).toEqual(expect.any(String));
    const token = await browser.get(`/api/token?resource=${encodeURIComponent(resource)}`);
    expect(token.status).toBe(200);
    expect(jwtPayload((await token.json()).accessToken)).toMatchObject({ aud: resource, sub: 'user_demo' });

    const signOut = await browser.get('/sign-out');
    expect(signOut.status).toBe(302);
    const endSession = locationOf(signOut, baseUrl);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(await completeSignOut(endSession.href, { cookieJar: providerJar })).toBe(`${baseUrl}/`);
    expect(visibleText(await (await browser.get('/')).text())).toContain('Not authenticated');
    expect((await browser.get('/api/token')).status).toBe(401);
    expect((await browser.get('/protected')).status).toBe(302);
  });

  it('refreshes an expired access token in the middleware while a Server Component reads it', async () => {
    const { browser } = await signIn();
    // Access tokens live 2 s here: the one in the session is expired now.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const before = provider.stats.refreshGrants.length;
    const home = await browser.get('/');
    expect(home.status).toBe(200);
    const text = visibleText(await home.text());
    expect(text).toContain('Signed in');
    expect(text).not.toMatch(/Cookies can only be modified|RefreshInServerComponent/);
    expect(provider.stats.refreshGrants.length).toBe(before + 1);
    // The middleware wrote the refreshed session: the next page needs no grant.
    expect((await browser.get('/')).status).toBe(200);
    expect(provider.stats.refreshGrants.length).toBe(before + 1);
  });

  it('serves a member of 100 organizations an organization token the middleware fetched, no cookie over 4 KB', async () => {
    const { browser } = await signIn(many);
    const organizationId = manyOrganizations[42]!.id;
    const setCookies: string[] = [];
    for (let round = 0; round < 2; round++) {
      const grants = provider.stats.refreshGrants.length;
      const page = await browser.get(`/organizations/${organizationId}`);
      setCookies.push(...page.headers.getSetCookie());
      expect(page.status).toBe(200);
      expect(decodeEntities(await page.text())).toContain(
        `"aud": "urn:logto:organization:${organizationId}"`,
      );
      // The browser's cookies leave the cached tokens out, so the middleware fetches them each time.
      expect(provider.stats.refreshGrants.length).toBeGreaterThan(grants);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
    }
    expect(
      [...browser.cookies.keys()].filter((name) => name.startsWith('logto_session.')).length,
    ).toBeGreaterThan(1);
    for (const header of setCookies)
      expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(4096);
    for (const [name, value] of browser.cookies)
      expect(new TextEncoder().encode(`${name}=${value}`).length).toBeLessThanOrEqual(4096);
  });
});
