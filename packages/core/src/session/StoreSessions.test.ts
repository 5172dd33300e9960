import { createStorage } from 'unstorage';
import memoryDriver from 'unstorage/drivers/memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, StorageError } from '../errors.ts';
import { CookieSessions } from './CookieSessions.ts';
import { makeSessions } from './makeSessions.ts';
import { StoreSessions } from './StoreSessions.ts';
import { CookieBrowser, signedInRecord, storeSessionsContract } from './storeSessionsContract.ts';

const secrets = 'a-secret-of-at-least-32-characters-000';

storeSessionsContract('the unstorage memory driver', () => createStorage({ driver: memoryDriver() }));

afterEach(() => vi.restoreAllMocks());

describe('StoreSessions when the store fails', () => {
  const failing = (getItem: () => Promise<unknown>) => {
    const store = createStorage({ driver: memoryDriver() });
    vi.spyOn(store, 'getItem').mockImplementation(getItem as never);
    vi.spyOn(store, 'setItem').mockImplementation(getItem as never);
    return store;
  };

  it('never touches the store for a request without a session cookie', async () => {
    const store = failing(() => Promise.reject(new Error('down')));
    const browser = new CookieBrowser(new StoreSessions({ store, secrets }));
    expect(await browser.read()).toBeNull();
    expect(store.getItem).not.toHaveBeenCalled();
  });

  it('fails a request that carries a session with StorageError Unavailable, and does not sign it out', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const browser = new CookieBrowser(new StoreSessions({ store, secrets }));
    await browser.request((session) => session.set('session', signedInRecord({ sub: 'user_1' })));
    const getItem = vi.spyOn(store, 'getItem').mockRejectedValue(new Error('ECONNREFUSED'));
    const failure = await browser.read().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageError);
    expect(failure).toMatchObject({
      reason: 'Unavailable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect(browser.cookies.has('logto_session')).toBe(true);
    getItem.mockRestore();
    expect(await browser.read()).toBe(signedInRecord({ sub: 'user_1' }));
  });

  it('gives up on a store that does not answer within storeTimeoutMs', async () => {
    const store = createStorage({ driver: memoryDriver() });
    const browser = new CookieBrowser(new StoreSessions({ store, secrets, storeTimeoutMs: 50 }));
    await browser.request((session) => session.set('session', 'value'));
    vi.spyOn(store, 'getItem').mockReturnValue(new Promise(() => {}));
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

  it('says what to pass when the option is missing', () => {
    expect(() => makeSessions(undefined as never)).toThrow(
      /\{ store, secrets \} to keep sessions in a store/,
    );
  });
});
