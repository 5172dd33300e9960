import * as Effect from 'effect/Effect';
import { describe, expect, it } from 'vitest';
import { FakeProvider, fakeIdToken } from '../../test/fakeProvider.ts';
import { ConfigError, NotAuthenticated } from '../errors.ts';
import { makeManualClock } from '../ports/Clock.ts';
import { MemoryStorage } from '../ports/Storage.ts';
import { LogtoClient, makeLogtoLayer } from './LogtoClient.ts';
import { signIn } from './operations.ts';
import { ProviderCache } from './providerCache.ts';
import { RefreshLedger } from './refreshLedger.ts';
import { encodeSessionRecord, sessionKey } from './sessionRecord.ts';

const config = { endpoint: 'https://fake.example', appId: 'app', appSecret: 'secret' };
const fake = () => new FakeProvider(makeManualClock(0), []);

describe('LogtoClient construction', () => {
  it.each([
    [{ ...config, endpoint: 'http://tenant.example' }, 'InvalidEndpoint'],
    [{ ...config, appId: '' }, 'InvalidAppId'],
    [{ ...config, scopes: ['two words'] }, 'InvalidScope'],
    [{ ...config, resources: ['relative/path'] }, 'InvalidResource'],
  ])('refuses an invalid config at construction with a ConfigError (%#)', (bad, reason) => {
    const construct = () => new LogtoClient(bad);
    expect(construct).toThrow(ConfigError);
    expect(construct).toThrow(expect.objectContaining({ reason }));
  });

  it('refuses storage without get/set/delete and negative tunables', () => {
    expect(() => new LogtoClient(config, { storage: {} as never })).toThrow(/options.storage/);
    expect(() => new LogtoClient(config, { tokenExpirySkewMs: -1 })).toThrow(/tokenExpirySkewMs/);
  });

  it('fills in the reserved scopes and prompt=consent', () => {
    const client = new LogtoClient({ ...config, scopes: ['email', 'openid'] });
    expect(client.config.scopes).toEqual(['openid', 'offline_access', 'profile', 'email']);
    expect(client.config.prompt).toBe('consent');
    expect(client.config.issuer).toBe('https://fake.example/oidc');
  });
});

describe('LogtoClient signed out', () => {
  it('answers locally without contacting the provider', async () => {
    const provider = fake();
    let requests = 0;
    const client = new LogtoClient(config, {
      fetch: (input, init) => {
        requests++;
        return provider.fetch(input, init);
      },
      cache: new ProviderCache(),
    });
    expect(await client.isAuthenticated()).toBe(false);
    expect(await client.getAccessToken()).toBeNull();
    expect(await client.getIdToken()).toBeNull();
    await expect(client.getIdTokenClaims()).rejects.toBeInstanceOf(NotAuthenticated);
    await expect(client.fetchUserInfo()).rejects.toBeInstanceOf(NotAuthenticated);
    expect(requests).toBe(0);
  });

  it('reads a session the storage has at hand (peek) without calling get, and calls get otherwise', async () => {
    const calls: string[] = [];
    const storage = (atHand: boolean) => ({
      get: async (key: string) => {
        calls.push(`get ${key}`);
        return null;
      },
      set: async () => {},
      delete: async () => {},
      peek: (key: string) => {
        calls.push(`peek ${key}`);
        return atHand ? null : undefined;
      },
    });
    expect(await new LogtoClient(config, { storage: storage(true) }).isAuthenticated()).toBe(false);
    expect(calls).toEqual(['peek session']);
    calls.length = 0;
    expect(await new LogtoClient(config, { storage: storage(false) }).isAuthenticated()).toBe(false);
    expect(calls).toEqual(['peek session', 'get session']);
  });

  it('refuses a relative redirect URI with a ConfigError', async () => {
    const client = new LogtoClient(config, { fetch: fake().fetch, cache: new ProviderCache() });
    await expect(client.signIn({ redirectUri: '/callback' })).rejects.toMatchObject({
      _tag: 'ConfigError',
      reason: 'InvalidRedirectUri',
    });
  });
});

describe('the Effect API', () => {
  it('runs the same operations on a layer built from the config', async () => {
    const storage = new MemoryStorage();
    const layer = makeLogtoLayer(config, { storage, fetch: fake().fetch, cache: new ProviderCache() });
    const url = new URL(
      await Effect.runPromise(Effect.provide(signIn({ redirectUri: 'https://app.example/cb' }), layer)),
    );
    expect(url.origin + url.pathname).toBe('https://fake.example/oidc/auth');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const state = url.searchParams.get('state')!;
    expect(state).toMatch(/^[\w-]{43}$/);
    // The transaction is stored under its own key, so tabs never overwrite each other.
    expect(JSON.parse((await storage.get(`transaction:${state}`))!)).toMatchObject({
      state,
      redirectUri: 'https://app.example/cb',
    });
  });
});

describe('getSessionState while the machine works', () => {
  it('shows refreshing while a refresh grant is in flight, and the settled state after it', async () => {
    const clock = makeManualClock(Date.UTC(2026, 11, 6));
    const provider = new FakeProvider(clock, [{ kind: 'rotate', expiresIn: 3600 }]);
    let releaseGrant: () => void = () => {};
    const grantHeld = new Promise<void>((resolve) => {
      releaseGrant = resolve;
    });
    let grantStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      grantStarted = resolve;
    });
    const storage = new MemoryStorage();
    await storage.set(
      sessionKey,
      encodeSessionRecord('authenticated', {
        transactions: {},
        failure: null,
        tokens: {
          idToken: fakeIdToken('user-1', clock.now() / 1000 + 3600),
          idTokenExpiresAt: clock.now() + 3_600_000,
          refreshToken: 'rt-0',
          accessTokens: {},
        },
      })!,
    );
    const client = new LogtoClient(config, {
      storage,
      clock,
      cache: new ProviderCache(),
      ledger: new RefreshLedger(),
      fetch: async (input, init) => {
        if (String(input instanceof Request ? input.url : input).endsWith('/token')) {
          grantStarted();
          await grantHeld;
        }
        return provider.fetch(input, init);
      },
    });
    expect([...(await client.getSessionState()).tags]).toEqual(['authenticated']);
    const token = client.getAccessToken();
    await started;
    expect([...(await client.getSessionState()).tags].sort()).toEqual(['authenticated', 'refreshing']);
    releaseGrant();
    expect(await token).not.toBeNull();
    expect([...(await client.getSessionState()).tags]).toEqual(['authenticated']);
  });
});
