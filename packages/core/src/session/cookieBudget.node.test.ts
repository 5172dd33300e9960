/**
 * The cookie budget with real tokens: a session holding access tokens for many API resources would
 * need more cookies than the budget allows, so the cookie leaves the cached access tokens out, the
 * user stays signed in, and the tokens are fetched again when asked for.
 */
import {
  type DevProvider,
  defaultResources,
  defaultRoles,
  defaultUsers,
  startDevProvider,
} from '@logto-machine/dev-provider';
import { ServerBrowser } from '@logto-machine/testing/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProviderCache } from '../runtime/providerCache.ts';
import { LogtoServer } from '../server/LogtoServer.ts';

const apis = Array.from({ length: 12 }, (_, index) => `https://api-${index}.example.com/with/a/longer/path`);
let provider: DevProvider;

beforeAll(async () => {
  provider = await startDevProvider({
    resources: [...defaultResources, ...apis.map((indicator) => ({ indicator, scopes: ['read:data'] }))],
    roles: [
      ...defaultRoles,
      { name: 'everything', scopes: apis.map((resource) => ({ resource, scope: 'read:data' })) },
    ],
    users: defaultUsers.map((user) => ({ ...user, roles: [...(user.roles ?? []), 'everything'] })),
  });
});
afterAll(() => provider?.stop());

const makeServer = () =>
  new LogtoServer({
    endpoint: provider.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    scopes: ['read:data'],
    resources: apis,
    session: { secrets: 'cookie-budget-test-secret-0123456789abcdef' },
    clientOptions: { cache: new ProviderCache() },
  });

/** The session cookies of a `Cookie` header: `logto_session` or its chunks. */
const sessionCookies = (cookie: string) =>
  cookie.split('; ').filter((pair) => /^logto_session(\.\d+)?=/.test(pair));

describe('the cookie budget', () => {
  it('keeps a session with many resource tokens within 2 cookies, warns once, and re-fetches the tokens', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const server = makeServer();
      const browser = new ServerBrowser(server);
      await browser.signIn();
      // Each token is cached within the request that fetched it, then the cookie keeps what fits.
      const { value: first } = await browser.request('/', (client) =>
        Promise.all(apis.map((resource) => client.getAccessToken(resource))),
      );
      expect(first?.every(Boolean)).toBe(true);
      expect(sessionCookies(browser.cookie).length).toBeLessThanOrEqual(2);
      expect(browser.cookie.length).toBeLessThan(2 * 4096);

      const grantsBefore = provider.stats.refreshGrants.length;
      const { value: again } = await browser.request('/', async (client) => ({
        signedIn: await client.isAuthenticated(),
        claims: await client.getIdTokenClaims(),
        tokens: await Promise.all(apis.map((resource) => client.getAccessToken(resource))),
      }));
      expect(again?.signedIn).toBe(true);
      expect(again?.claims.sub).toBe('user_demo');
      expect(again?.tokens.every(Boolean)).toBe(true);
      // Left out of the cookie, most tokens were fetched again (with the refresh token the cookie kept).
      expect(provider.stats.refreshGrants.length - grantsBefore).toBeGreaterThan(0);
      expect(sessionCookies(browser.cookie).length).toBeLessThanOrEqual(2);

      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(
        /session is \d+ bytes across [3-9] cookies \(chunkBudget 2\)\. To fit, the cookie leaves out its cached access tokens/,
      );
      expect(warn.mock.calls[0]![0]).toMatch(
        /server-side store \(store mode: `session: \{ store, secrets \}`\)/,
      );
    } finally {
      warn.mockRestore();
    }
  });
});
