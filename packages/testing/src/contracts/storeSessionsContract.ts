/**
 * The store-sessions contract: what {@link StoreSessions} must do over any session store (unstorage's
 * memory driver in core's tests, Redis in `@logto-machine/redis`'s).
 *
 * @module
 */
import {
  encodeSessionRecord,
  fromStorage,
  type RequestSession,
  type SessionKeyValueStore,
  type Storage,
  StoreSessions,
  type StoreSessionsConfig,
} from '@logto-machine/core';
import { describe, expect, it, vi } from 'vitest';
import { encodeBase64Url } from '../fixtures/base64url.ts';
import { CookieBrowser } from '../fixtures/CookieBrowser.ts';
import { signedInRecord } from '../fixtures/sessionRecords.ts';
import { storageContract } from './storageContract.ts';

/** How many sessions one `sid` or `sub` lists at most, as SECURITY.md documents it. */
const indexCapacity = 1000;

const secret = 'store-sessions-contract-secret-0123456789';
const otherSecret = 'another-secret-of-the-contract-0123456789';

/** A {@link Storage} over one store session that keeps any key: the storage contract's keys become transactions. */
const anyKey = (session: RequestSession): Storage => {
  const keyOf = (key: string) =>
    key === 'session' ? key : `transaction:${encodeBase64Url(new TextEncoder().encode(key))}`;
  return {
    get: (key) => session.get(keyOf(key)),
    set: (key, value) => session.set(keyOf(key), value),
    delete: (key) => session.delete(keyOf(key)),
  };
};

const stateA = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const stateB = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

/**
 * The store-sessions contract over the stores `makeStore` returns (one per test; keys are prefixed
 * per test, so a shared store works too).
 *
 * @example
 * ```ts
 * storeSessionsContract('memory', () => createStorage({ driver: memoryDriver() }));
 * ```
 */
export const storeSessionsContract = (name: string, makeStore: () => SessionKeyValueStore): void => {
  let count = 0;
  const prefix = () => `contract${Date.now().toString(36)}${count++}:`;
  const make = (config: Partial<StoreSessionsConfig> = {}) => {
    const store = config.store ?? makeStore();
    const keyPrefix = config.keyPrefix ?? prefix();
    return {
      store,
      keyPrefix,
      sessions: new StoreSessions({ store, secrets: secret, keyPrefix, ...config }),
    };
  };
  const idOf = (browser: CookieBrowser) => browser.cookies.get('logto_session')?.split('.')[0];

  storageContract(`StoreSessions over ${name}`, () =>
    fromStorage(anyKey(make().sessions.open(null, { secure: true }))),
  );

  describe(`StoreSessions over ${name}`, () => {
    it('keeps only a signed 256-bit id in the cookie and the session in the store, with its TTL', async () => {
      const { store, keyPrefix, sessions } = make({ maxAgeSeconds: 3600, transactionMaxAgeSeconds: 300 });
      const setItem = vi.spyOn(store, 'setItem');
      const browser = new CookieBrowser(sessions);
      const { setCookies } = await browser.request(async (session) => {
        await session.set('session', signedInRecord({ sub: 'user_1' }));
        await session.set(`transaction:${stateA}`, '{"state":"A"}');
      });
      expect(setCookies).toEqual([
        expect.stringMatching(
          /^logto_session=[\w-]{43}\.[\w-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure$/,
        ),
      ]);
      const id = idOf(browser)!;
      expect(await browser.read()).toBe(signedInRecord({ sub: 'user_1' }));
      expect(await browser.read(`transaction:${stateA}`)).toBe('{"state":"A"}');
      expect(await store.getItem(`${keyPrefix}session:${id}`)).toMatchObject({ v: 1 });
      expect(setItem).toHaveBeenCalledWith(`${keyPrefix}session:${id}`, expect.anything(), { ttl: 3600 });
      expect(setItem).toHaveBeenCalledWith(`${keyPrefix}tx:${id}:${stateA}`, expect.anything(), { ttl: 300 });
      // Listed for 1.5 × the max-age: longer than the session can live after any write that listed it.
      expect(setItem).toHaveBeenCalledWith(`${keyPrefix}by-sub:user_1`, [[id, expect.any(Number)]], {
        ttl: 5400,
      });
      setItem.mockRestore();
    });

    it('renews the cookie when the session is written, and sends nothing when it was only read', async () => {
      const { sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set('session', 'one'));
      const cookie = browser.cookies.get('logto_session');
      expect((await browser.request((session) => session.get('session'))).setCookies).toEqual([]);
      const { setCookies } = await browser.request((session) => session.set('session', 'two'));
      expect(setCookies).toEqual([expect.stringContaining(`logto_session=${cookie};`)]);
      expect(await browser.read()).toBe('two');
    });

    it.each([
      ['an altered id', (value: string) => `${value[0] === 'A' ? 'B' : 'A'}${value.slice(1)}`],
      [
        'an altered signature',
        (value: string) => `${value.slice(0, 50)}${value[50] === 'A' ? 'B' : 'A'}${value.slice(51)}`,
      ],
      [
        'a signature spelt another way',
        (value: string) => `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`,
      ],
      ['an unsigned id', (value: string) => value.split('.')[0]!],
      ['an id without its signature', (value: string) => `${value.split('.')[0]!}.`],
      ['junk', () => 'v1.not-a-session'],
    ])('reads %s as signed out, and never writes under it', async (_, tamper) => {
      const { sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set('session', signedInRecord({ sub: 'user_1' })));
      const forged = browser.clone();
      forged.cookies.set('logto_session', tamper(browser.cookies.get('logto_session')!));
      expect(await forged.read()).toBeNull();
      await forged.request((session) => session.set('session', 'attacker'));
      expect(idOf(forged)).not.toBe(idOf(browser));
      expect(await browser.read()).toBe(signedInRecord({ sub: 'user_1' }));
    });

    it('reads an id signed for another cookie name as signed out', async () => {
      const { store, keyPrefix, sessions } = make();
      const other = new CookieBrowser(make({ store, keyPrefix, cookieName: 'other_session' }).sessions);
      await other.request((session) => session.set('session', 'theirs'));
      const browser = new CookieBrowser(sessions);
      browser.cookies.set('logto_session', other.cookies.get('other_session')!);
      expect(await browser.read()).toBeNull();
    });

    it('reads an id signed under another secret only while that secret is listed, and re-signs it', async () => {
      const store = makeStore();
      const keyPrefix = prefix();
      const sessionsWith = (secrets: string[]) => new StoreSessions({ store, secrets, keyPrefix });
      const browser = new CookieBrowser(sessionsWith([otherSecret]));
      await browser.request((session) => session.set('session', 'kept'));
      const old = browser.cookies.get('logto_session')!;
      const withCookie = (sessions: StoreSessions, cookie: string) => {
        const copy = new CookieBrowser(sessions);
        copy.cookies.set('logto_session', cookie);
        return copy;
      };
      expect(await withCookie(sessionsWith([secret]), old).read()).toBeNull();
      const rotated = withCookie(sessionsWith([secret, otherSecret]), old);
      const { value, setCookies } = await rotated.request((session) => session.get('session'));
      expect([value, setCookies.length]).toEqual(['kept', 1]);
      const resigned = rotated.cookies.get('logto_session')!;
      expect(resigned).not.toBe(old);
      expect(await withCookie(sessionsWith([secret]), resigned).read()).toBe('kept');
    });

    it('writes a sign-in under a fresh id, never under the id the browser brought', async () => {
      const { store, keyPrefix, sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set(`transaction:${stateA}`, 'pending'));
      const planted = browser.clone();
      const oldId = idOf(browser)!;
      const setItem = vi.spyOn(store, 'setItem');
      await browser.request(async (session) => {
        expect(await session.get(`transaction:${stateA}`)).toBe('pending');
        await session.rotateId!();
        await session.set('session', signedInRecord({ sub: 'user_1', sid: 'sid_1' }));
        await session.delete(`transaction:${stateA}`);
      });
      const newId = idOf(browser)!;
      expect(newId).not.toBe(oldId);
      // Not even for a moment: nothing was ever written under the old id's session key.
      const written = setItem.mock.calls.map(([key]) => key);
      expect(written).not.toContain(`${keyPrefix}session:${oldId}`);
      expect(written).toContain(`${keyPrefix}session:${newId}`);
      setItem.mockRestore();
      expect(await browser.read()).toBe(signedInRecord({ sub: 'user_1', sid: 'sid_1' }));
      expect(await planted.read()).toBeNull();
      expect(await planted.read(`transaction:${stateA}`)).toBeNull();
      expect(await sessions.deleteSessions({ sid: 'sid_1' })).toBe(1);
    });

    it('ends the session a new sign-in replaces: the old id no longer reads or writes it', async () => {
      const { store, keyPrefix, sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set('session', signedInRecord({ sub: 'user_1' })));
      const copy = browser.clone();
      const oldId = idOf(browser)!;
      await browser.request(async (session) => {
        await session.rotateId!();
        await session.set('session', signedInRecord({ sub: 'user_2' }));
      });
      expect(idOf(browser)).not.toBe(oldId);
      expect(await browser.read()).toBe(signedInRecord({ sub: 'user_2' }));
      expect(await copy.read()).toBeNull();
      expect(await store.getItem(`${keyPrefix}session:${oldId}`)).toEqual({ v: 1, deleted: true });
      // Whoever kept the old id cannot bring a signed-in session back under it.
      await copy.request((session) => session.set('session', signedInRecord({ sub: 'user_1' }, 'rt-2')));
      expect(await copy.read()).toBeNull();
      expect(copy.cookies.has('logto_session')).toBe(false);
    });

    it('leaves the browser its id and session when the sign-in fails to be stored', async () => {
      const { store, keyPrefix, sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set(`transaction:${stateA}`, 'pending'));
      const oldId = idOf(browser)!;
      const setItem = vi.spyOn(store, 'setItem').mockRejectedValue(new Error('store down'));
      const failed = await browser
        .request(async (session) => {
          await session.rotateId!();
          await session.set('session', signedInRecord({ sub: 'user_1' }));
        })
        .catch((error: unknown) => error);
      setItem.mockRestore();
      expect(failed).toMatchObject({ _tag: 'StorageError', reason: 'Unavailable' });
      expect(idOf(browser)).toBe(oldId);
      expect(await store.getItem(`${keyPrefix}session:${oldId}`)).toBeNull();
      expect(await browser.read(`transaction:${stateA}`)).toBe('pending');
    });

    it('stores nothing but the pending sign-in for a visitor who has not signed in', async () => {
      const { store, keyPrefix, sessions } = make();
      const setItem = vi.spyOn(store, 'setItem');
      const browser = new CookieBrowser(sessions);
      const signingIn = encodeSessionRecord('signingIn', { transactions: {}, tokens: null, failure: null })!;
      await browser.request(async (session) => {
        await session.set('session', signingIn);
        await session.set(`transaction:${stateA}`, 'pending');
      });
      const failedCallback = encodeSessionRecord('signedOut', {
        transactions: {},
        tokens: null,
        failure: { tag: 'CallbackError', reason: 'ProviderError', message: 'access_denied' },
      })!;
      await browser.request((session) => session.set('session', failedCallback));
      const id = idOf(browser)!;
      expect(setItem.mock.calls.map(([key, , options]) => [key, options])).toEqual([
        [`${keyPrefix}tx:${id}:${stateA}`, { ttl: 600 }],
      ]);
      setItem.mockRestore();
      expect(await browser.read()).toBeNull();
    });

    it('keeps sign-ins started in other tabs before the id rotated', async () => {
      const { sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request(async (session) => {
        await session.set(`transaction:${stateA}`, 'tab A');
        await session.set(`transaction:${stateB}`, 'tab B');
      });
      await browser.request(async (session) => {
        expect(await session.get(`transaction:${stateA}`)).toBe('tab A');
        await session.rotateId!();
        await session.set('session', signedInRecord({ sub: 'user_1' }));
        await session.delete(`transaction:${stateA}`);
      });
      expect(await browser.read(`transaction:${stateA}`)).toBeNull();
      await browser.request(async (session) => {
        expect(await session.get(`transaction:${stateB}`)).toBe('tab B');
        await session.rotateId!();
        await session.set('session', signedInRecord({ sub: 'user_1' }, 'rt-2'));
        await session.delete(`transaction:${stateB}`);
      });
      expect(await browser.read(`transaction:${stateB}`)).toBeNull();
      expect(await browser.read()).toBe(signedInRecord({ sub: 'user_1' }, 'rt-2'));
    });

    it('deletes the session at sign-out and expires the cookie; a copy of the cookie reads signed out', async () => {
      const { store, keyPrefix, sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set('session', signedInRecord({ sub: 'user_1' })));
      const otherTab = browser.clone();
      const id = idOf(browser)!;
      const { setCookies } = await browser.request((session) => session.delete('session'));
      expect(setCookies).toEqual([expect.stringMatching(/^logto_session=; Path=\/; Max-Age=0;/)]);
      expect(browser.cookies.size).toBe(0);
      expect(await store.getItem(`${keyPrefix}session:${id}`)).toEqual({ v: 1, deleted: true });
      expect(await otherTab.read()).toBeNull();
      // A new sign-in from the stale cookie starts under a fresh id.
      await otherTab.request((session) => session.set(`transaction:${stateA}`, 'again'));
      expect(idOf(otherTab)).not.toBe(id);
      expect(await otherTab.read(`transaction:${stateA}`)).toBe('again');
    });

    it('deletes the sessions of an OpenID session (sid) or of a user (sub), on every copy of their cookies', async () => {
      const { sessions } = make();
      const signIn = async (claims: { sub: string; sid: string }) => {
        const browser = new CookieBrowser(sessions);
        await browser.request((session) => session.set('session', signedInRecord(claims)));
        return browser;
      };
      const [a1, a2, b1] = [
        await signIn({ sub: 'user_a', sid: 'sid_a1' }),
        await signIn({ sub: 'user_a', sid: 'sid_a2' }),
        await signIn({ sub: 'user_b', sid: 'sid_b1' }),
      ];
      expect(await sessions.deleteSessions({ sid: 'sid_a1' })).toBe(1);
      expect([await a1.read(), await a2.read(), await b1.read()].map(Boolean)).toEqual([false, true, true]);
      expect(await sessions.deleteSessions({ sid: 'sid_b1', sub: 'user_a' })).toBe(0);
      expect(await sessions.deleteSessions({ sub: 'user_a' })).toBe(1);
      expect([await a2.read(), await b1.read()].map(Boolean)).toEqual([false, true]);
      expect(await sessions.deleteSessions({ sub: 'user_a' })).toBe(0);
      expect(await sessions.deleteSessions({ sub: 'user_b', sid: 'sid_b1' })).toBe(1);
      expect(await b1.read()).toBeNull();
      await expect(sessions.deleteSessions({})).rejects.toMatchObject({ _tag: 'ConfigError' });
    });

    it('finds sessions by claims that are not safe key segments', async () => {
      const { sessions } = make();
      const browser = new CookieBrowser(sessions);
      const sub = 'a/b:c?d..e%f';
      await browser.request((session) => session.set('session', signedInRecord({ sub, sid: '../x' })));
      expect(await sessions.deleteSessions({ sid: '../x' })).toBe(1);
      expect(await browser.read()).toBeNull();
    });

    it('drops the tokens of a session deleted while a request was refreshing it', async () => {
      const { sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set('session', signedInRecord({ sub: 'user_1', sid: 's' })));
      const { setCookies } = await browser.request(async (session) => {
        expect(await session.get('session')).not.toBeNull();
        await sessions.deleteSessions({ sid: 's' }); // a back-channel logout, meanwhile
        await session.set('session', signedInRecord({ sub: 'user_1', sid: 's' }, 'rt-2'));
      });
      expect(setCookies).toEqual([expect.stringContaining('Max-Age=0')]);
      expect(await browser.read()).toBeNull();
    });

    it.each([
      ['after the request checked for a tombstone, before it writes', 'setItem', 'before', true],
      ['after the request wrote, before it checks whether the session ended', 'getItem', 'before', true],
      ['after the request checked whether the session ended', 'getItem', 'after', false],
    ] as const)('keeps a session ended by a logout that lands %s', async (_, method, when, told) => {
      const { store, keyPrefix, sessions } = make();
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set('session', signedInRecord({ sub: 'user_1', sid: 's' })));
      const id = idOf(browser)!;
      // The logout runs once, at the chosen point of the refresh's write.
      const hookedKey = method === 'setItem' ? `${keyPrefix}session:${id}` : `${keyPrefix}ended:${id}`;
      const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
      let logout: Promise<number> | undefined;
      const spy = vi.spyOn(store, method).mockImplementation((async (key: string, ...rest: unknown[]) => {
        if (key !== hookedKey || logout !== undefined) return original(key, ...rest);
        if (when === 'before') {
          logout = sessions.deleteSessions({ sid: 's' });
          await logout;
          return original(key, ...rest);
        }
        const result = await original(key, ...rest);
        logout = sessions.deleteSessions({ sid: 's' });
        await logout;
        return result;
      }) as never);
      const { setCookies } = await browser.request(async (session) => {
        expect(await session.get('session')).not.toBeNull();
        await session.set('session', signedInRecord({ sub: 'user_1', sid: 's' }, 'rt-2'));
      });
      spy.mockRestore();
      expect(await logout).toBe(1);
      // Told at once when it can be; either way the session stays ended.
      if (told) expect(setCookies).toEqual([expect.stringContaining('Max-Age=0')]);
      expect(await browser.read()).toBeNull();
      expect(await store.getItem(`${keyPrefix}session:${id}`)).toEqual({ v: 1, deleted: true });
    });

    it(`ends every session of a user, however many; beyond ${indexCapacity} a sign-in ends the oldest`, async () => {
      const { sessions } = make();
      const browsers: CookieBrowser[] = [];
      for (let index = 0; index <= indexCapacity; index++) {
        const browser = new CookieBrowser(sessions);
        await browser.request((session) =>
          session.set('session', signedInRecord({ sub: 'user_many', sid: `sid_${index}` })),
        );
        browsers.push(browser);
      }
      // The oldest was ended, not dropped from the index while it still worked.
      expect(await browsers[0]!.read()).toBeNull();
      expect(await browsers[1]!.read()).not.toBeNull();
      expect(await sessions.deleteSessions({ sub: 'user_many' })).toBe(indexCapacity);
      const reads = await Promise.all(browsers.map((browser) => browser.read()));
      expect(reads.filter((read) => read !== null)).toEqual([]);
    }, 60_000);

    it('never serves an entry past its own expiry, whatever the driver does with TTLs', async () => {
      const { sessions } = make({ maxAgeSeconds: 60 });
      const browser = new CookieBrowser(sessions);
      await browser.request((session) => session.set('session', 'short-lived'));
      const now = Date.now();
      const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 61_000);
      try {
        expect(await browser.read()).toBeNull();
      } finally {
        clock.mockRestore();
      }
      expect(await browser.read()).toBe('short-lived');
    });
  });
};
