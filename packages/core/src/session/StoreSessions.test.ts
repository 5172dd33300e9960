import { CookieBrowser, signedInRecord, storeSessionsContract } from '@logto-machine/testing';
import { createStorage } from 'unstorage';
import memoryDriver from 'unstorage/drivers/memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, StorageError } from '../errors.ts';
import { makeManualClock } from '../ports/Clock.ts';
import { CookieSessions } from './CookieSessions.ts';
import { makeSessions } from './makeSessions.ts';
import { nativeCrypto } from './nativeCrypto.ts';
import { StoreSessions } from './StoreSessions.ts';
import { deriveSigningKey, newSessionId, signSessionId } from './sessionId.ts';

const secrets = 'a-secret-of-at-least-32-characters-000';

storeSessionsContract('the unstorage memory driver', () => createStorage({ driver: memoryDriver() }));

afterEach(() => vi.restoreAllMocks());

describe('StoreSessions when the store fails', () => {
  const failing = (getItem: () => Promise<unknown>) => {
    const store = createStorage({ driver: memoryDriver() });
    vi.spyOn(store, 'getItem').mockImplementation(getItem as never);
    vi.spyOn(store, 'getItemRaw').mockImplementation(getItem as never);
    vi.spyOn(store, 'setItem').mockImplementation(getItem as never);
    return store;
  };

  it('never touches the store for a request without a session cookie', async () => {
    const store = failing(() => Promise.reject(new Error('down')));
    const browser = new CookieBrowser(new StoreSessions({ store, secrets }));
    expect(await browser.read()).toBeNull();
    expect(store.getItem).not.toHaveBeenCalled();
    expect(store.getItemRaw).not.toHaveBeenCalled();
  });

  it('fails a request that carries a session with StorageError Unavailable, and does not sign it out', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const browser = new CookieBrowser(new StoreSessions({ store, secrets }));
    await browser.request((session) => session.set('session', signedInRecord({ sub: 'user_1' })));
    // Both ways a session can be read (sessions are read raw; other entries parsed by unstorage).
    const reads = ['getItem', 'getItemRaw'] as const;
    const spies = reads.map((read) => vi.spyOn(store, read).mockRejectedValue(new Error('ECONNREFUSED')));
    const failure = await browser.read().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageError);
    expect(failure).toMatchObject({
      reason: 'Unavailable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect(browser.cookies.has('logto_session')).toBe(true);
    for (const spy of spies) spy.mockRestore();
    expect(await browser.read()).toBe(signedInRecord({ sub: 'user_1' }));
  });

  it('gives up on a store that does not answer within storeTimeoutMs', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const browser = new CookieBrowser(new StoreSessions({ store, secrets, storeTimeoutMs: 50 }));
    await browser.request((session) => session.set('session', 'value'));
    vi.spyOn(store, 'getItem').mockReturnValue(new Promise(() => {}));
    vi.spyOn(store, 'getItemRaw').mockReturnValue(new Promise(() => {}));
    const started = Date.now();
    await expect(browser.read()).rejects.toMatchObject({ _tag: 'StorageError', reason: 'Unavailable' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('StoreSessions cookies', () => {
  it('expires the chunks of a cookie-mode session when it first writes its id', async () => {
    const sessions = new StoreSessions({ store: createStorage({ driver: memoryDriver() }), secrets });
    const session = sessions.open('logto_session.0=abc; logto_session.1=def; theme=dark', { secure: false });
    expect(await session.get('session')).toBeNull();
    await session.set('session', 'value');
    const headers = session.setCookieHeaders();
    expect(headers.map((header) => header.split(';')[0])).toEqual([
      expect.stringMatching(/^logto_session=[\w-]{43}\.[\w-]{43}$/),
      'logto_session.0=',
      'logto_session.1=',
    ]);
    expect(headers[0]).not.toContain('Secure');
  });

  it('expires at most the chunks a cookie session could have written, however many are planted', async () => {
    const sessions = new StoreSessions({ store: createStorage({ driver: memoryDriver() }), secrets });
    const planted = Array.from({ length: 1000 }, (_, index) => `logto_session.${index}=x`).join('; ');
    const session = sessions.open(planted, { secure: false });
    await session.set('session', 'value');
    const headers = session.setCookieHeaders();
    expect(headers.filter((header) => header.startsWith('logto_session.'))).toHaveLength(64);
    expect(headers).toContain('logto_session.63=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  });

  it('refuses keys it does not keep', async () => {
    const session = new StoreSessions({ store: createStorage({ driver: memoryDriver() }), secrets }).open(
      '',
      {
        secure: true,
      },
    );
    await expect(session.set('other', 'x')).rejects.toBeInstanceOf(StorageError);
    await expect(session.set('transaction:not base64url', 'x')).rejects.toBeInstanceOf(StorageError);
    expect(await session.get('other')).toBeNull();
  });

  it('refuses to list headers while a write is pending', async () => {
    const session = new StoreSessions({ store: createStorage({ driver: memoryDriver() }), secrets }).open(
      '',
      {
        secure: true,
      },
    );
    const pending = session.set('session', 'one');
    expect(() => session.setCookieHeaders()).toThrow(StorageError);
    await pending;
    expect(session.setCookieHeaders()).toHaveLength(1);
  });
});

describe('StoreSessions verified cookie values', () => {
  const otherSecret = 'another-secret-of-at-least-32-chars-111';

  /** Counts HMAC-SHA256 computations on whichever path this runtime takes. */
  const spyOnMac = () => {
    const native = nativeCrypto();
    return native === null ? vi.spyOn(globalThis.crypto.subtle, 'sign') : vi.spyOn(native, 'hmacSha256');
  };

  const browserWith = (sessions: StoreSessions, cookie: string) => {
    const browser = new CookieBrowser(sessions);
    browser.cookies.set('logto_session', cookie);
    return browser;
  };

  it('verifies an unchanged cookie once per instance, and not at all on the instance that signed it', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const browser = new CookieBrowser(new StoreSessions({ store, secrets }));
    await browser.request((session) => session.set('session', 'kept'));
    const mac = spyOnMac();
    expect(await browser.read()).toBe('kept');
    expect(await browser.read()).toBe('kept');
    expect(mac).not.toHaveBeenCalled();
    // Another instance (another server process) verifies it on its first request only.
    const elsewhere = browserWith(
      new StoreSessions({ store, secrets }),
      browser.cookies.get('logto_session')!,
    );
    expect(await elsewhere.read()).toBe('kept');
    expect(await elsewhere.read()).toBe('kept');
    expect(mac).toHaveBeenCalledTimes(1);
  });

  it('refuses, every time and before the store, values that share a prefix or suffix with a cached one', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const sessions = new StoreSessions({ store, secrets });
    const browser = new CookieBrowser(sessions);
    await browser.request((session) => session.set('session', 'kept'));
    const other = new CookieBrowser(sessions);
    await other.request((session) => session.set('session', 'other'));
    const value = browser.cookies.get('logto_session')!;
    const [id, mac] = value.split('.') as [string, string];
    const [otherId, otherMac] = other.cookies.get('logto_session')!.split('.') as [string, string];
    const flip = (character: string) => (character === 'A' ? 'B' : 'A');
    const forgeries = [
      value.slice(0, -1),
      `${value}A`,
      `${value.slice(0, -1)}${flip(value.at(-1)!)}`,
      `${flip(value[0]!)}${value.slice(1)}`,
      `${id}.${otherMac}`,
      `${otherId}.${mac}`,
      `${id}.`,
      id,
    ];
    const getItem = vi.spyOn(store, 'getItem');
    for (const forged of forgeries) {
      for (const attempt of [1, 2])
        expect(await browserWith(sessions, forged).read(), `${forged} #${attempt}`).toBeNull();
    }
    expect(getItem).not.toHaveBeenCalled();
    expect(await browser.read()).toBe('kept');
  });

  it('re-signs a value of an older secret on every request that brings it, cached or not', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const before = new CookieBrowser(new StoreSessions({ store, secrets: otherSecret }));
    await before.request((session) => session.set('session', 'kept'));
    const old = before.cookies.get('logto_session')!;
    const rotated = new StoreSessions({ store, secrets: [secrets, otherSecret] });
    const responses = [];
    for (const _ of [1, 2])
      responses.push(await browserWith(rotated, old).request((session) => session.get('session')));
    const [first, second] = responses;
    expect(first!.value).toBe('kept');
    expect(second!.value).toBe('kept');
    expect(first!.setCookies).toHaveLength(1);
    expect(second!.setCookies).toEqual(first!.setCookies);
    expect(first!.setCookies[0]).not.toContain(old);
  });

  it('holds at most 10,000 values, forgetting the least recently used first', async () => {
    const sessions = new StoreSessions({ store: createStorage({ driver: memoryDriver() }), secrets });
    const key = await deriveSigningKey(secrets);
    const values: string[] = [];
    for (let index = 0; index <= 10_000; index++)
      values.push(await signSessionId(key, 'logto_session', newSessionId()));
    const read = (value: string) => sessions.open(`logto_session=${value}`, { secure: true }).get('session');
    for (const value of values) await read(value);
    const mac = spyOnMac();
    await read(values.at(-1)!);
    await read(values[1]!);
    expect(mac).not.toHaveBeenCalled();
    await read(values[0]!);
    expect(mac).toHaveBeenCalledTimes(1);
  });
});

describe('StoreSessions config', () => {
  const store = createStorage({ driver: memoryDriver() });

  it.each([
    ['no store', { secrets }, /store must be an unstorage Storage/],
    ['a Map as store', { secrets, store: new Map() }, /store must be an unstorage Storage/],
    [
      'a short secret',
      { store, secrets: 'short' },
      /^StoreSessions: secrets\[0\] must be a string of at least 32/,
    ],
    ['a bad keyPrefix', { store, secrets, keyPrefix: 'a/b' }, /keyPrefix must hold only/],
    [
      'a cookie-mode option',
      { store, secrets, chunkBudget: 3 },
      /chunkBudget applies to cookie sessions only/,
    ],
    [
      'a bad timeout',
      { store, secrets, storeTimeoutMs: 0 },
      /storeTimeoutMs must be a positive whole number/,
    ],
    [
      'a reserved cookie name',
      { store, secrets, cookieName: '_session' },
      /^StoreSessions: cookieName "_session"/,
    ],
  ])('refuses %s with a ConfigError that says what to fix', (_, config, message) => {
    const error = (() => {
      try {
        new StoreSessions(config as never);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('refuses to open a __Host- cookie without Secure', () => {
    const sessions = new StoreSessions({ store, secrets, cookieName: '__Host-sid' });
    expect(() => sessions.open('', { secure: false })).toThrow(/needs Secure cookies/);
    expect(() => sessions.open('', { secure: true })).not.toThrow();
  });
});

describe('makeSessions', () => {
  const store = createStorage({ driver: memoryDriver() });

  it('keeps sessions in cookies by default and in the store when given one', () => {
    expect(makeSessions({ secrets })).toBeInstanceOf(CookieSessions);
    expect(makeSessions({ store, secrets })).toBeInstanceOf(StoreSessions);
  });

  it('takes sessions already built as they are', () => {
    const built = new StoreSessions({ store, secrets });
    expect(makeSessions(built)).toBe(built);
  });

  it("gives store sessions the default clock (the server's) when their config names none", async () => {
    const clock = makeManualClock(Date.UTC(2026, 0, 1));
    const browser = new CookieBrowser(
      makeSessions({ store, secrets, maxAgeSeconds: 60 }, { clock }) as StoreSessions,
    );
    await browser.request((session) => session.set('session', 'value'));
    expect(await browser.read()).toBe('value');
    clock.advance(61_000);
    // The memory driver ignores TTLs: only the entry's own expiry, measured by this clock, ends it.
    expect(await browser.read()).toBeNull();
  });

  it('refuses a clock without now()', () => {
    expect(() => new StoreSessions({ store, secrets, clock: {} as never })).toThrow(
      /clock must have a now\(\) method/,
    );
  });

  it('says what to pass when the option is missing', () => {
    expect(() => makeSessions(undefined as never)).toThrow(
      /\{ store, secrets \} to keep sessions in a store/,
    );
  });
});

describe('StoreSessions reading sessions raw', () => {
  const signedIn = signedInRecord({ sub: 'user_raw' });

  it.each([
    ['JSON text (memory, Redis, KV)', (text: string) => text],
    ['bytes (fs)', (text: string) => new TextEncoder().encode(text)],
    ['a value the driver parsed itself', (text: string) => JSON.parse(text) as unknown],
  ])('reads a session a driver hands back as %s', async (_, asDriverGives) => {
    const store = createStorage({ driver: memoryDriver() });
    const browser = new CookieBrowser(new StoreSessions({ store, secrets }));
    await browser.request((session) => session.set('session', signedIn));
    const getItemRaw = store.getItemRaw.bind(store);
    vi.spyOn(store, 'getItemRaw').mockImplementation((async (key: string) =>
      asDriverGives((await getItemRaw(key)) as string)) as never);
    expect(await browser.read()).toBe(signedIn);
  });

  it('hands out the same value for unchanged stored text, and a new one once it changes', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const browser = new CookieBrowser(new StoreSessions({ store, secrets }));
    await browser.request((session) => session.set('session', signedIn));
    const first = await browser.read();
    expect(first).toBe(signedIn);
    expect(await browser.read()).toBe(first);
    // Another instance writes the session (e.g. after a refresh): the next read sees the new text.
    const [key] = (await store.getKeys()).filter((name) => name.startsWith('logto:session:'));
    const entry = (await store.getItem(key!)) as Record<string, unknown>;
    await store.setItem(key!, { ...entry, value: signedInRecord({ sub: 'user_raw' }, 'rt-2') });
    expect(await browser.read()).toBe(signedInRecord({ sub: 'user_raw' }, 'rt-2'));
    // Unparsable text reads as no session.
    await store.setItemRaw(key!, '{not json');
    expect(await browser.read()).toBeNull();
  });
});
