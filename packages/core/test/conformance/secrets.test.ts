/**
 * Secrets never leak: across a sign-in, refreshes, sign-out and a series of failures against the
 * hostile provider — through the Promise client and through the server routes with cookie sessions —
 * no error message, no stored failure, no page, no cookie and no console line carries a token, a code,
 * a PKCE verifier or the client secret.
 */

import { nextCookieHeader } from '@logto-machine/testing';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { LogtoServer, ProviderCache } from '../../src/index.ts';
import { authorize, failure, providerSecrets, type Rig, resource, signIn, useRigs } from './harness.ts';
import { defaultClientSecret, type HostileProvider } from './hostileProvider.ts';

const rig = useRigs();
const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let spies: MockInstance[] = [];

beforeEach(() => {
  spies = methods.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
});
afterEach(() => vi.restoreAllMocks());

/** Everything secret the provider handed out or saw, with each JWT's signature on its own too. */
const secretsOf = (provider: HostileProvider) => {
  const secrets = providerSecrets(provider);
  const signatures = [...provider.issued.idTokens].map((jwt) => jwt.split('.')[2] ?? '');
  return [...secrets, ...signatures, provider.clientSecret!].filter((secret) => secret.length >= 16);
};

/** Every text an error exposes: its message, its fields, its string and JSON forms. */
const textsOf = (error: unknown): string[] => {
  const fields = Object.values(error as Record<string, unknown>).filter((value) => typeof value === 'string');
  return [String(error), JSON.stringify(error), (error as Error).stack ?? '', ...(fields as string[])];
};

const consoleLines = () =>
  spies.flatMap((spy) => spy.mock.calls.map((args) => args.map((arg) => String(arg)).join(' ')));

const expectNoLeak = (providers: readonly HostileProvider[], texts: readonly string[]) => {
  const secrets = providers.flatMap(secretsOf);
  // The check is only as good as its secrets: every kind must be among them.
  for (const provider of providers) expect(secretsOf(provider)).toContain(provider.clientSecret);
  for (const kind of ['accessTokens', 'refreshTokens', 'idTokens', 'codes', 'codeVerifiers'] as const) {
    expect(
      providers.some((provider) => provider.issued[kind].size > 0),
      kind,
    ).toBe(true);
  }
  for (const text of [...texts, ...consoleLines()]) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
};

describe('no secret in errors, stored failures or logs', () => {
  it('through the client: sign-in, refresh, userinfo, sign-out and eleven failures', async () => {
    const texts: string[] = [];
    const collect = async (setup: Rig, promise: Promise<unknown>) => {
      texts.push(...textsOf(await failure(promise)));
      const state = await setup.again().getSessionState();
      if (state.failure) texts.push(state.failure.message);
    };
    const providers: HostileProvider[] = [];
    const start = async (...args: Parameters<typeof rig>) => {
      const setup = await rig(...args);
      providers.push(setup.provider);
      return setup;
    };

    const happy = await start({ rotateRefreshTokens: true });
    await signIn(happy);
    await happy.client.fetchUserInfo();
    happy.clock.advance(3_600_000);
    await happy.client.getAccessToken();
    await happy.client.getAccessToken(resource);
    await happy.client.signOut();

    for (const plan of [
      { idToken: { claims: (claims: Record<string, unknown>) => ({ ...claims, nonce: 'x' }) } },
      { idToken: { jws: (jws: string) => `${jws.slice(0, -4)}AAAA` } },
      { idToken: { signer: { hmac: defaultClientSecret } } },
      { token: { status: 500, raw: 'down' } },
      {
        token: {
          status: 400,
          body: () => ({ error: 'invalid_grant', error_description: 'code already used' }),
        },
      },
      { token: { raw: '{"access_token":' } },
      { authorization: { iss: 'https://attacker.example/oidc' } },
      { jwks: { status: 500, raw: 'down' } },
    ]) {
      const setup = await start(plan);
      const { callbackUrl } = await authorize(setup);
      await collect(setup, setup.client.handleSignInCallback(callbackUrl));
    }

    const badRefresh = await start();
    await signIn(badRefresh);
    badRefresh.provider.plan = {
      refreshIdToken: { claims: (claims) => ({ ...claims, sub: 'someone-else' }) },
    };
    await collect(badRefresh, badRefresh.client.getAccessToken(resource));
    badRefresh.provider.plan = { userinfo: { claims: (claims) => ({ ...claims, sub: 'someone-else' }) } };
    await collect(badRefresh, badRefresh.client.fetchUserInfo());
    // A copy of the session outlives its sign-out: its revoked refresh token ends it (SessionExpired).
    const revoked = await start();
    await signIn(revoked);
    const stored = await revoked.storage.get('session');
    await revoked.client.signOut();
    await revoked.storage.set('session', stored!);
    await collect(revoked, revoked.again().getAccessToken(resource));

    expect(texts.length).toBeGreaterThan(20);
    expectNoLeak(providers, texts);
  });

  it('through the server routes: pages, JSON errors and Set-Cookie carry no plaintext secret', async () => {
    const setup = await rig();
    const server = new LogtoServer({
      endpoint: setup.provider.endpoint,
      appId: setup.provider.clientId,
      appSecret: setup.provider.clientSecret!,
      resources: [resource],
      session: { secrets: ['a-cookie-secret-of-at-least-32-characters!'] },
      clientOptions: { cache: new ProviderCache(), clock: setup.clock, timeoutMs: 2_000 },
    });
    const texts: string[] = [];
    let cookie = '';
    const request = async (path: string) => {
      const opened = server.open({ url: `http://127.0.0.1:4999${path}`, method: 'GET', cookie });
      const response = await opened.route();
      if (!response) throw new Error(`${path} is not an auth route`);
      cookie = nextCookieHeader(cookie, response.setCookie);
      texts.push(...response.setCookie, 'body' in response ? response.body : '');
      return { opened, response };
    };
    const callbackPath = async () => {
      const { response } = await request('/sign-in');
      if (response.kind !== 'redirect') throw new Error('sign-in did not redirect');
      const callback = new URL(await setup.provider.authorize(response.location));
      return `${callback.pathname}${callback.search}`;
    };

    await request(await callbackPath());
    const signedIn = server.open({ url: 'http://127.0.0.1:4999/', method: 'GET', cookie });
    expect(await signedIn.client.isAuthenticated()).toBe(true);
    await signedIn.client.getAccessToken(resource);
    texts.push(...signedIn.setCookieHeaders());
    cookie = nextCookieHeader(cookie, signedIn.setCookieHeaders());

    for (const plan of [
      {
        idToken: {
          claims: (claims: Record<string, unknown>) => ({ ...claims, iss: 'https://evil.example' }),
        },
      },
      { token: { status: 400, body: () => ({ error: 'invalid_grant' }) } },
    ]) {
      setup.provider.plan = plan;
      const { response } = await request(await callbackPath());
      expect(response.kind).toBe('page');
    }
    setup.provider.plan = { refreshIdToken: { claims: (claims) => ({ ...claims, sub: 'someone-else' }) } };
    setup.clock.advance(3_600_000);
    const api = server.open({ url: 'http://127.0.0.1:4999/api', method: 'GET', cookie });
    const answer = api.failure(await failure(api.client.getAccessToken(resource)), { api: true });
    expect(answer).toMatchObject({ kind: 'json', status: 400 });
    texts.push('body' in answer ? answer.body : '', ...answer.setCookie);

    expectNoLeak([setup.provider], texts);
  });
});
