import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { FakeProvider, fakeIdToken, type GrantAnswer } from '../../test/fakeProvider.ts';
import { makeManualClock } from '../ports/Clock.ts';
import { makeFetchHttp } from '../ports/Http.ts';
import { makeMemoryLock } from '../ports/Lock.ts';
import { MemoryStorage } from '../ports/Storage.ts';
import { LogtoClient } from './LogtoClient.ts';
import { ProviderCache } from './providerCache.ts';
import { RefreshLedger } from './refreshLedger.ts';
import { encodeSessionRecord, sessionKey } from './sessionRecord.ts';

const resources = ['https://api.a.example', 'https://api.b.example'];
const organizations = ['org-1', 'org-2'];
const config = {
  endpoint: 'https://fake.example',
  appId: 'app',
  appSecret: 'secret',
  resources,
  scopes: ['urn:logto:scope:organizations'],
};
const start = Date.UTC(2026, 10, 27);
const quiet = () => {};
const quietLogger = { debug: quiet, info: quiet, warn: quiet, error: quiet };

const target = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...resources).map((resource) => ({ resource })),
  fc.constantFrom(...organizations).map((organizationId) => ({ organizationId })),
);
const expiresIn = fc.integer({ min: 1, max: 7200 });
const answer: fc.Arbitrary<GrantAnswer> = fc.oneof(
  { weight: 4, arbitrary: expiresIn.map((seconds) => ({ kind: 'success' as const, expiresIn: seconds })) },
  { weight: 4, arbitrary: expiresIn.map((seconds) => ({ kind: 'rotate' as const, expiresIn: seconds })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'invalidGrant' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'serverError' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'timeout' as const }) },
  { weight: 2, arbitrary: expiresIn.map((seconds) => ({ kind: 'slow' as const, expiresIn: seconds })) },
);
const step = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3_600_000 }) }),
  fc.record({
    kind: fc.constant('requests' as const),
    // shared: one storage (a long-lived client); perRequest: each request its own copy (one cookie each)
    storage: fc.constantFrom('shared', 'perRequest'),
    targets: fc.array(target, { minLength: 1, maxLength: 6 }),
  }),
);

const seed = (clockNow: number) =>
  encodeSessionRecord('authenticated', {
    transactions: {},
    failure: null,
    tokens: {
      idToken: fakeIdToken('user-1', clockNow / 1000 + 3600),
      idTokenExpiresAt: clockNow + 3_600_000,
      refreshToken: 'rt-0',
      accessTokens: {},
    },
  })!;

describe('refresh under random interleavings', { timeout: 300_000 }, () => {
  test.prop([fc.array(answer, { maxLength: 30 }), fc.array(step, { minLength: 1, maxLength: 12 })], {
    numRuns: Number(process.env.PROPERTY_RUNS ?? 300),
  })(
    'never hands out an expired token, never presents a refresh token twice, and ends sessions cleanly',
    async (answers, steps) => {
      const clock = makeManualClock(start);
      const provider = new FakeProvider(clock, answers);
      const shared = {
        cache: new ProviderCache(),
        ledger: new RefreshLedger(),
        lock: makeMemoryLock(),
        // Hundreds of failed refreshes per run: each is logged (src/server/failureLog.node.test.ts), not printed here.
        logger: quietLogger,
      };
      const http = makeFetchHttp({ fetch: provider.fetch, timeoutMs: 20 });
      const browser = new MemoryStorage();
      await browser.set(sessionKey, seed(clock.now()));
      const client = (storage: MemoryStorage) => new LogtoClient(config, { storage, http, clock, ...shared });
      let expired = false;

      for (const current of steps) {
        if (current.kind === 'advance') {
          clock.advance(current.ms);
          continue;
        }
        const stored = await browser.get(sessionKey);
        const results = await Promise.all(
          current.targets.map(async (wanted) => {
            const storage = current.storage === 'shared' ? browser : new MemoryStorage();
            if (storage !== browser && stored !== null) await storage.set(sessionKey, stored);
            const before = await storage.get(sessionKey);
            try {
              const token = await client(storage).getAccessToken(
                'resource' in wanted ? wanted.resource : undefined,
                'organizationId' in wanted ? wanted.organizationId : undefined,
              );
              return { token, storage, before, error: undefined };
            } catch (error) {
              return { token: null, storage, before, error };
            } finally {
              // A request that changed its session sends a cookie; the browser keeps the last one sent.
              if (storage !== browser) {
                const after = await storage.get(sessionKey);
                if (after !== before) {
                  if (after === null) await browser.delete(sessionKey);
                  else await browser.set(sessionKey, after);
                }
              }
            }
          }),
        );
        for (const { token, error, storage } of results) {
          if (token !== null)
            expect(FakeProvider.parseAccessToken(token).expiresAt).toBeGreaterThan(clock.now());
          if (error !== undefined) {
            expect((error as { _tag?: string })._tag).toBe('SessionExpired');
            // After invalid_grant the request's session is gone and says so.
            expect(await client(storage).isAuthenticated()).toBe(false);
            expect(await client(storage).getRefreshToken()).toBeNull();
            expired = true;
          }
        }
        expect(provider.violations).toEqual([]);
        if (expired) {
          // A concurrent request may still have sent a cookie with the dead refresh token: its next use ends
          // that copy too, without presenting the token to the provider again.
          const grants = provider.grants;
          await client(browser)
            .getAccessToken(resources[0])
            .catch((error) => expect(error._tag).toBe('SessionExpired'));
          expect(await client(browser).isAuthenticated()).toBe(false);
          expect(provider.grants).toBe(grants);
          return;
        }
        // After transient failures the session is kept, with a refresh token the provider still honours.
        const refreshToken = await client(browser).getRefreshToken();
        expect(refreshToken).not.toBeNull();
        expect(await client(browser).isAuthenticated()).toBe(true);
      }
    },
  );
});
