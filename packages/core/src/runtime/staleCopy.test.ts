/**
 * A stolen stale copy of a cookie session must not adopt the tokens another request rotated; copies
 * that were current at the rotation (concurrent requests, or ones the browser sent just before the
 * rotated cookie reached it) must.
 */
import { describe, expect, it } from 'vitest';
import { FakeProvider, fakeIdToken } from '../../test/fakeProvider.ts';
import { makeManualClock } from '../ports/Clock.ts';
import { makeFetchHttp } from '../ports/Http.ts';
import { makeMemoryLock } from '../ports/Lock.ts';
import { MemoryStorage } from '../ports/Storage.ts';
import { LogtoClient } from './LogtoClient.ts';
import { ProviderCache } from './providerCache.ts';
import { RefreshLedger } from './refreshLedger.ts';
import { encodeSessionRecord, sessionKey } from './sessionRecord.ts';

const config = { endpoint: 'https://fake.example', appId: 'app', appSecret: 'secret' };
const start = Date.UTC(2026, 11, 6);

const setUp = () => {
  const clock = makeManualClock(start);
  // The access token expires at once; every grant rotates the refresh token.
  const provider = new FakeProvider(
    clock,
    Array.from({ length: 5 }, () => ({ kind: 'rotate' as const, expiresIn: 3600 })),
  );
  const shared = { cache: new ProviderCache(), ledger: new RefreshLedger(), lock: makeMemoryLock() };
  const http = makeFetchHttp({ fetch: provider.fetch, timeoutMs: 1000 });
  const cookie = encodeSessionRecord('authenticated', {
    transactions: {},
    failure: null,
    tokens: {
      idToken: fakeIdToken('user-1', start / 1000 + 3600),
      idTokenExpiresAt: start + 3_600_000,
      refreshToken: 'rt-0',
      accessTokens: {},
    },
  })!;
  /** A request carrying its own copy of the cookie, opened now. */
  const request = async () => {
    const storage = new MemoryStorage();
    await storage.set(sessionKey, cookie);
    return { storage, client: new LogtoClient(config, { storage, http, clock, ...shared }) };
  };
  return { clock, provider, shared, request };
};

describe('a copy of the session whose refresh token another request rotated', () => {
  it('adopts the rotation when its request was in flight at the rotation, however late it reads', async () => {
    const { clock, provider, request } = setUp();
    const late = await request(); // arrived before the rotation, reads its tokens a minute later
    const first = await request();
    expect(await first.client.getAccessToken()).not.toBeNull();
    expect(provider.grants).toBe(1);
    clock.advance(60_000);
    expect(await late.client.getAccessToken()).not.toBeNull();
    expect(await late.client.getRefreshToken()).toBe(await first.client.getRefreshToken());
    expect(provider.grants).toBe(1);
    expect(provider.violations).toEqual([]);
  });

  it('adopts it when the browser sent the old cookie just before the rotated one reached it', async () => {
    const { clock, provider, shared, request } = setUp();
    expect(await (await request()).client.getAccessToken()).not.toBeNull();
    clock.advance(shared.ledger.adoptionGraceMs);
    const racing = await request();
    expect(await racing.client.getAccessToken()).not.toBeNull();
    expect(provider.grants).toBe(1);
  });

  it('neither adopts it nor presents the spent refresh token when its request started later', async () => {
    const { clock, provider, shared, request } = setUp();
    const victim = await request();
    expect(await victim.client.getAccessToken()).not.toBeNull();
    // The attacker replays a copy stolen before the rotation, after the grace.
    clock.advance(shared.ledger.adoptionGraceMs + 1);
    const stolen = await request();
    await expect(stolen.client.getAccessToken()).rejects.toMatchObject({
      _tag: 'SessionExpired',
      reason: 'StaleSession',
    });
    // The stale copy is over: the machine ended it (its tokens are gone from that copy), nothing was presented.
    expect(await stolen.client.getRefreshToken()).toBeNull();
    expect((await stolen.client.getSessionState()).failure).toMatchObject({ reason: 'StaleSession' });
    expect(provider.grants).toBe(1);
    expect(provider.violations).toEqual([]);
    // The victim's session, and the grant behind it, are untouched.
    clock.advance(3_600_000 - shared.ledger.adoptionGraceMs);
    expect(await victim.client.getAccessToken()).not.toBeNull();
    expect(provider.grants).toBe(2);
  });
});
