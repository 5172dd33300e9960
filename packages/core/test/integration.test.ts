/**
 * The tutorial's flow through the public API against a real OpenID provider over HTTP: the dev
 * provider (oidc-provider, the engine inside Logto, configured like Logto) on 127.0.0.1, with the
 * strictest refresh-token rotation.
 */
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { CookieJar, completeSignIn } from '@logto-machine/dev-provider/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallbackError,
  ConfigError,
  LogtoClient,
  type LogtoClientOptions,
  MemoryStorage,
  ProviderCache,
  SessionExpired,
  TokenRequestError,
  UserInfoScope,
} from '../src/index.ts';
import { decodeJwt } from '../src/oidc/idToken.ts';

const resource = 'https://api.example.com';
const redirectUri = 'http://127.0.0.1:4999/callback';
let provider: DevProvider;
let config: ConstructorParameters<typeof LogtoClient>[0];

beforeAll(async () => {
  provider = await startDevProvider({ rotateRefreshTokens: 'always', ttl: { accessToken: 2 } });
  config = {
    endpoint: provider.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    // As at Logto, API and organization permissions are scopes the sign-in asks for.
    scopes: [
      UserInfoScope.Email,
      UserInfoScope.CustomData,
      UserInfoScope.Organizations,
      UserInfoScope.OrganizationRoles,
      'read:data',
      'read:org',
    ],
    resources: [resource],
  };
});
afterAll(() => provider?.stop());

const options = (storage = new MemoryStorage()): LogtoClientOptions => ({
  storage,
  cache: new ProviderCache(),
  tokenExpirySkewMs: 500,
});

const signedIn = async (clientOptions = options()) => {
  const client = new LogtoClient(config, clientOptions);
  const url = await client.signIn({ redirectUri });
  await client.handleSignInCallback(
    await completeSignIn(url, { username: 'demo', password: 'demo-password' }),
  );
  return client;
};

/**
 * Refresh tokens presented again after a successful grant with them. The provider rotates on every
 * refresh here, so such a presentation is a reuse that would revoke the grant. (A presentation the
 * provider refused, like a 403 for a non-member organization, spends nothing.)
 */
const reusedRefreshTokens = () => {
  const spent = new Set<string>();
  const reused: string[] = [];
  for (const { token, status } of provider.stats.refreshGrants) {
    if (spent.has(token)) reused.push(token);
    if (status === 200) spent.add(token);
  }
  return reused;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sign-in → callback → userinfo → resource token → refresh → sign-out', () => {
  it('runs the tutorial end to end', async () => {
    const storage = new MemoryStorage();
    const client = new LogtoClient(config, options(storage));
    expect(await client.isAuthenticated()).toBe(false);

    const signInUrl = new URL(await client.signIn({ redirectUri }));
    expect(signInUrl.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    const callback = await completeSignIn(signInUrl.href, { username: 'demo', password: 'demo-password' });
    expect(new URL(callback).searchParams.get('iss')).toBe(provider.issuer);
    await client.handleSignInCallback(callback);

    expect(await client.isAuthenticated()).toBe(true);
    const claims = await client.getIdTokenClaims();
    expect(claims).toMatchObject({
      sub: 'user_demo',
      iss: provider.issuer,
      aud: 'demo-app',
      email: 'demo@example.com',
    });
    expect(claims.nonce).toBe(signInUrl.searchParams.get('nonce'));
    expect(claims.organizations).toContain('org_demo');

    const userInfo = await client.fetchUserInfo();
    expect(userInfo.sub).toBe('user_demo');
    expect(userInfo.custom_data).toEqual({ plan: 'demo' });

    const apiToken = await client.getAccessToken(resource);
    expect(apiToken).toBeTruthy();
    expect(await client.getAccessTokenClaims(resource)).toMatchObject({
      aud: resource,
      sub: 'user_demo',
      scope: 'read:data',
    });

    // The access token lives 2 s: after that, the next call refreshes (and the provider rotates).
    const refreshTokenBefore = await client.getRefreshToken();
    await sleep(2100);
    const refreshed = await client.getAccessToken(resource);
    expect(refreshed).toBeTruthy();
    expect(refreshed).not.toBe(apiToken);
    expect(await client.getRefreshToken()).not.toBe(refreshTokenBefore);

    const revocationsBefore = provider.stats.requests.revocation;
    const endSessionUrl = new URL((await client.signOut('http://127.0.0.1:4999/')) ?? '');
    expect(endSessionUrl.pathname).toBe('/oidc/session/end');
    expect(endSessionUrl.searchParams.get('client_id')).toBe('demo-app');
    expect(endSessionUrl.searchParams.get('post_logout_redirect_uri')).toBe('http://127.0.0.1:4999/');
    expect(endSessionUrl.searchParams.get('id_token_hint')).toBeTruthy();
    expect(provider.stats.requests.revocation).toBe(revocationsBefore + 1);
    expect(await client.isAuthenticated()).toBe(false);
    expect(await storage.get('session')).toBeNull();
    expect(reusedRefreshTokens()).toEqual([]);
  });

  it('fetches discovery and the JWKS once per process, not per client', async () => {
    const cache = new ProviderCache();
    const before = { ...provider.stats.requests };
    for (let index = 0; index < 3; index++) await signedIn({ ...options(), cache });
    expect(provider.stats.requests.discovery - before.discovery).toBe(1);
    expect(provider.stats.requests.jwks - before.jwks).toBe(1);
  });
});

describe('tokens for organizations and resources', () => {
  it('gets an organization token, and a 403 for a non-member leaves the session intact', async () => {
    const client = await signedIn();
    const token = await client.getOrganizationToken('org_demo');
    expect(decodeJwt(token ?? '')).toMatchObject({ payload: { aud: 'urn:logto:organization:org_demo' } });
    expect((await client.getOrganizationTokenClaims('org_demo'))?.scope).toContain('read:org');

    const error = await client.getOrganizationToken('org_other').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ reason: 'Rejected', error: 'access_denied', status: 403 });
    expect(await client.isAuthenticated()).toBe(true);
    expect(await client.getAccessToken(resource)).toBeTruthy();
  });

  it('refuses a resource that was not requested at sign-in without contacting the provider', async () => {
    const client = await signedIn();
    const tokenRequests = provider.stats.requests.token;
    await expect(client.getAccessToken('https://unknown.example.com')).rejects.toBeInstanceOf(ConfigError);
    expect(provider.stats.requests.token).toBe(tokenRequests);
  });

  it('needs the organizations scope for organization tokens', async () => {
    const client = new LogtoClient({ ...config, scopes: [] }, options());
    await expect(client.getOrganizationToken('org_demo')).rejects.toMatchObject({
      _tag: 'ConfigError',
      reason: 'OrganizationsScopeNotRequested',
    });
  });
});

describe('single-flight refresh', () => {
  it('20 concurrent requests on one session (one storage) make exactly one refresh grant', async () => {
    const storage = new MemoryStorage();
    const client = await signedIn(options(storage));
    await client.getAccessToken(resource);
    await sleep(2100);
    const grants = provider.stats.refreshGrants.length;
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => new LogtoClient(config, options(storage)).getAccessToken(resource)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBeTruthy();
    expect(provider.stats.refreshGrants.length - grants).toBe(1);
    expect(reusedRefreshTokens()).toEqual([]);
  });

  it('20 concurrent requests each holding their own copy (one cookie each) make exactly one refresh grant', async () => {
    const storage = new MemoryStorage();
    await signedIn(options(storage));
    const cookie = (await storage.get('session'))!;
    const grants = provider.stats.refreshGrants.length;
    const copies = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const copy = new MemoryStorage();
        await copy.set('session', cookie);
        return copy;
      }),
    );
    const tokens = await Promise.all(
      copies.map((copy) => new LogtoClient(config, options(copy)).getAccessToken(resource)),
    );
    expect(tokens.every(Boolean)).toBe(true);
    expect(provider.stats.refreshGrants.length - grants).toBe(1);
    // Every copy now holds the rotated refresh token, none the spent one.
    const refreshTokens = await Promise.all(
      copies.map((copy) => new LogtoClient(config, options(copy)).getRefreshToken()),
    );
    expect(new Set(refreshTokens).size).toBe(1);
    expect(reusedRefreshTokens()).toEqual([]);
  });

  it('concurrent requests for different resources and organizations present each refresh token once', async () => {
    const client = await signedIn();
    const results = await Promise.all([
      client.getAccessToken(resource),
      client.getOrganizationToken('org_demo'),
      client.getAccessToken(resource, 'org_demo'),
      client.getAccessToken(),
      client.getAccessToken(resource),
    ]);
    expect(results.every(Boolean)).toBe(true);
    expect(reusedRefreshTokens()).toEqual([]);
  });
});

describe('an ended session', () => {
  it('turns into SessionExpired and isAuthenticated() false when the provider rejects the refresh token', async () => {
    const storage = new MemoryStorage();
    const client = await signedIn(options(storage));
    const refreshToken = (await client.getRefreshToken())!;
    // Revoke the grant behind the app's back, as a sign-out elsewhere or an admin would.
    await fetch(`${provider.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa('demo-app:demo-app-secret')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
    });
    await expect(client.getAccessToken(resource)).rejects.toBeInstanceOf(SessionExpired);
    expect(await client.isAuthenticated()).toBe(false);
    expect(await client.getRefreshToken()).toBeNull();
    expect((await client.getSessionState()).failure).toMatchObject({ tag: 'SessionExpired' });
    expect((await client.getSessionState()).tags.has('expired')).toBe(true);
  });
});

describe('callbacks', () => {
  it('lets two tabs sign in at once, completed in any order', async () => {
    const storage = new MemoryStorage();
    const client = new LogtoClient(config, options(storage));
    const first = await client.signIn({ redirectUri });
    const second = await client.signIn({ redirectUri, interactionMode: 'signIn' });
    const secondCallback = await completeSignIn(second, { username: 'demo', password: 'demo-password' });
    const firstCallback = await completeSignIn(first, { username: 'demo', password: 'demo-password' });
    await client.handleSignInCallback(secondCallback);
    await client.handleSignInCallback(firstCallback);
    expect(await client.isAuthenticated()).toBe(true);
  });

  it('refuses a replayed callback, and a callback at another path', async () => {
    const client = new LogtoClient(config, options());
    const callback = await completeSignIn(await client.signIn({ redirectUri }), {
      username: 'demo',
      password: 'demo-password',
      cookieJar: new CookieJar(),
    });
    const elsewhere = callback.replace('/callback', '/callback-evil');
    await expect(client.handleSignInCallback(elsewhere)).rejects.toMatchObject({
      reason: 'RedirectUriMismatch',
    });
    // The mismatch spent the transaction: the real callback is now unknown too.
    await expect(client.handleSignInCallback(callback)).rejects.toBeInstanceOf(CallbackError);
    await expect(client.handleSignInCallback(callback)).rejects.toMatchObject({ reason: 'UnknownState' });
  });

  it('surfaces provider errors in the callback as CallbackError', async () => {
    const client = new LogtoClient(config, options());
    const state = new URL(await client.signIn({ redirectUri })).searchParams.get('state');
    const callback = `${redirectUri}?error=access_denied&error_description=user+cancelled&state=${state}&iss=${encodeURIComponent(provider.issuer)}`;
    await expect(client.handleSignInCallback(callback)).rejects.toMatchObject({
      _tag: 'CallbackError',
      reason: 'ProviderError',
      error: 'access_denied',
    });
    expect(await client.isAuthenticated()).toBe(false);
  });
});

describe('the opt-in inspector', () => {
  it('sees every machine step, with every secret redacted', async () => {
    const steps: { event: { type: string }; value: unknown; tags: readonly string[] }[] = [];
    const client = await signedIn({ ...options(), inspect: (step) => steps.push(step) });
    // The first token for a resource comes from a refresh grant.
    const apiToken = await client.getAccessToken(resource);
    const secrets = [apiToken, await client.getIdToken(), await client.getRefreshToken()];
    await client.signOut();
    expect(steps.map((step) => step.event.type)).toEqual(
      expect.arrayContaining([
        'app.signInRequested',
        'app.callbackReceived',
        'xstate.done.actor.exchangeCode',
        'app.refreshRequested',
        'xstate.done.actor.refreshTokens',
        'app.signOutRequested',
      ]),
    );
    expect(steps.some((step) => step.tags.includes('refreshing'))).toBe(true);
    expect(steps.at(-1)?.tags).toContain('signedOut');
    const seen = JSON.stringify(steps);
    expect(secrets.every(Boolean)).toBe(true);
    for (const secret of secrets) expect(seen).not.toContain(secret);
    expect(seen).not.toMatch(/eyJ[\w-]{10,}\./);
  });
});
