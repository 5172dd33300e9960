import { applySetCookies, nextCookieHeader, storageContractValues } from '@logto-machine/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, StorageError } from '../errors.ts';
import { CookieSessions, type CookieSessionsConfig } from './CookieSessions.ts';
import { parseCookieHeader } from './cookieHeader.ts';
import { nativeCrypto } from './nativeCrypto.ts';

const secretA = `${'a'.repeat(16)}secret-number-one-0123456789`;
const secretB = `${'b'.repeat(16)}secret-number-two-0123456789`;
const stateA = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const stateB = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

/** A value that fills cookies: varied, so nothing could shrink it. */
const sized = (length: number) =>
  Array.from({ length }, (_, index) => String.fromCharCode(33 + ((index * 7919) % 90))).join('');

/** 8 000 characters seal to 10 708: three cookies of at most 4096 bytes. */
const threeCookies = sized(8_000);

const sessions = (config: Partial<CookieSessionsConfig> = {}) =>
  new CookieSessions({ secrets: secretA, ...config });

/** Opens `cookie`, runs `write`, and returns the next request's Cookie header and the Set-Cookie headers. */
const request = async (
  instance: CookieSessions,
  cookie: string,
  write: (session: ReturnType<CookieSessions['open']>) => Promise<unknown>,
  secure = true,
) => {
  const session = instance.open(cookie, { secure });
  await write(session);
  const setCookies = session.setCookieHeaders();
  return { setCookies, cookie: nextCookieHeader(cookie, setCookies) };
};

const read = (instance: CookieSessions, cookie: string, key = 'session') =>
  instance.open(cookie, { secure: true }).get(key);

const names = (cookie: string) => [...applySetCookies(cookie, []).keys()];

const withCookie = (cookie: string, name: string, change: (value: string) => string | undefined) => {
  const jar = applySetCookies(cookie, []);
  const value = change(jar.get(name)!);
  if (value === undefined) jar.delete(name);
  else jar.set(name, value);
  return [...jar].map(([key, v]) => `${key}=${v}`).join('; ');
};

afterEach(() => vi.restoreAllMocks());

describe('CookieSessions round trip', () => {
  it('reads back a session written in the previous response', async () => {
    const instance = sessions();
    const { cookie, setCookies } = await request(instance, '', (s) => s.set('session', '{"v":1}'));
    expect(setCookies).toHaveLength(1);
    expect(names(cookie)).toEqual(['logto_session']);
    expect(await read(sessions(), cookie)).toBe('{"v":1}');
  });

  it.each(storageContractValues)('keeps %s exactly (the storage contract values)', async (_, value) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { cookie } = await request(sessions(), '', (s) => s.set('session', value));
    expect(await read(sessions(), cookie)).toBe(value);
  });

  it('reads its own write back within the request', async () => {
    const session = sessions().open('', { secure: true });
    await session.set('session', 'one');
    expect(await session.get('session')).toBe('one');
    await session.delete('session');
    expect(await session.get('session')).toBeNull();
  });

  it('sends nothing when nothing changed, and a single header for the last of several writes', async () => {
    const instance = sessions();
    const { cookie } = await request(instance, '', (s) => s.set('session', 'one'));
    const untouched = instance.open(cookie, { secure: true });
    expect(await untouched.get('session')).toBe('one');
    expect(untouched.setCookieHeaders()).toEqual([]);
    const { setCookies, cookie: next } = await request(instance, cookie, (s) =>
      Promise.all([s.set('session', 'two'), s.set('session', 'three')]),
    );
    expect(setCookies).toHaveLength(1);
    expect(await read(instance, next)).toBe('three');
  });

  it('refuses to list headers while a write is still encrypting', async () => {
    const session = sessions().open('', { secure: true });
    const pending = session.set('session', 'one');
    expect(() => session.setCookieHeaders()).toThrow(StorageError);
    await pending;
    expect(session.setCookieHeaders()).toHaveLength(1);
  });
});

describe('CookieSessions chunking', () => {
  it('splits a 10 KB session over at least 3 cookies of at most 4096 bytes and reads it back', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const value = sized(10_000);
    const { cookie, setCookies } = await request(sessions(), '', (s) => s.set('session', value));
    expect(setCookies.length).toBeGreaterThanOrEqual(3);
    for (const header of setCookies)
      expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(4096);
    expect(names(cookie)).toEqual(setCookies.map((_, index) => `logto_session.${index}`));
    expect(await read(sessions(), cookie)).toBe(value);
  });

  it('deletes the chunks a smaller session no longer uses', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = sessions();
    const big = await request(instance, '', (s) => s.set('session', threeCookies));
    expect(names(big.cookie)).toEqual(['logto_session.0', 'logto_session.1', 'logto_session.2']);

    const smaller = await request(instance, big.cookie, (s) => s.set('session', sized(5_000)));
    expect(smaller.setCookies.filter((header) => header.includes('Max-Age=0'))).toEqual([
      expect.stringMatching(/^logto_session\.2=; Path=\/; Max-Age=0;/),
    ]);
    expect(names(smaller.cookie)).toEqual(['logto_session.0', 'logto_session.1']);
    expect(await read(instance, smaller.cookie)).toBe(sized(5_000));

    const single = await request(instance, smaller.cookie, (s) => s.set('session', 'small'));
    expect(names(single.cookie)).toEqual(['logto_session']);
    expect(await read(sessions(), single.cookie)).toBe('small');
  });

  it('deletes the single cookie when the session grows into chunks', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = sessions();
    const single = await request(instance, '', (s) => s.set('session', 'small'));
    const big = await request(instance, single.cookie, (s) => s.set('session', threeCookies));
    expect(big.setCookies).toContainEqual(expect.stringMatching(/^logto_session=; Path=\/; Max-Age=0;/));
    expect(names(big.cookie)).toEqual(['logto_session.0', 'logto_session.1', 'logto_session.2']);
  });

  it('deletes every cookie of the session on delete, and nothing else', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = sessions();
    const big = await request(instance, 'theme=dark', async (s) => {
      await s.set('session', threeCookies);
      await s.set(`transaction:${stateA}`, 'tx');
    });
    const { setCookies, cookie } = await request(instance, big.cookie, (s) => s.delete('session'));
    expect(setCookies).toHaveLength(3);
    expect(setCookies.every((header) => header.includes('Max-Age=0'))).toBe(true);
    expect(names(cookie)).toEqual(['theme', `logto_session_tx_${stateA.slice(0, 16)}`]);
    expect(await read(instance, cookie)).toBeNull();
    expect(await read(instance, cookie, `transaction:${stateA}`)).toBe('tx');
  });

  it('sends nothing when deleting a session the request did not carry', async () => {
    const { setCookies } = await request(sessions(), 'theme=dark', (s) => s.delete('session'));
    expect(setCookies).toEqual([]);
  });

  it('warns once per instance when the session needs more cookies than chunkBudget, and still writes it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = sessions({ chunkBudget: 2 });
    const first = await request(instance, '', (s) => s.set('session', threeCookies));
    await request(instance, first.cookie, (s) => s.set('session', sized(12_000)));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/session is \d+ bytes across 3 cookies/);
    expect(warn.mock.calls[0]![0]).toMatch(/fewer resources or organizations.*server-side store/);
    expect(await read(instance, first.cookie)).toBe(threeCookies);

    await request(sessions({ chunkBudget: 3 }), '', (s) => s.set('session', threeCookies));
    expect(warn).toHaveBeenCalledTimes(1);
    await request(sessions({ chunkBudget: 2 }), '', (s) => s.set('session', threeCookies));
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

describe('CookieSessions reads anything it did not write as signed out', () => {
  const written = async (value = threeCookies) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    return (await request(sessions(), '', (s) => s.set('session', value))).cookie;
  };
  const flip = (value: string, at: number) =>
    value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);

  it.each([10, 200, 2000])('a value with one character changed at %i', async (at) => {
    const cookie = withCookie(await written(), 'logto_session.0', (value) => flip(value, at));
    expect(await read(sessions(), cookie)).toBeNull();
  });

  it('a value with another version prefix', async () => {
    const cookie = withCookie(await written('short'), 'logto_session', (value) => `v2${value.slice(2)}`);
    expect(await read(sessions(), cookie)).toBeNull();
  });

  it('a chunk set missing its last chunk', async () => {
    expect(
      await read(
        sessions(),
        withCookie(await written(), 'logto_session.2', () => undefined),
      ),
    ).toBeNull();
  });

  it('a chunk set missing a middle chunk', async () => {
    expect(
      await read(
        sessions(),
        withCookie(await written(), 'logto_session.1', () => undefined),
      ),
    ).toBeNull();
  });

  it('a session written under another secret', async () => {
    expect(await read(sessions({ secrets: secretB }), await written('short'))).toBeNull();
  });

  it('a value of another cookie swapped in', async () => {
    const instance = sessions();
    const { cookie } = await request(instance, '', async (s) => {
      await s.set('session', 'session value');
      await s.set(`transaction:${stateA}`, 'transaction A');
      await s.set(`transaction:${stateB}`, 'transaction B');
    });
    const jar = applySetCookies(cookie, []);
    const txA = `logto_session_tx_${stateA.slice(0, 16)}`;
    const txB = `logto_session_tx_${stateB.slice(0, 16)}`;
    const swapped = `logto_session=${jar.get(txA)}; ${txA}=${jar.get('logto_session')}; ${txB}=${jar.get(txA)}`;
    expect(await read(instance, swapped)).toBeNull();
    expect(await read(instance, swapped, `transaction:${stateA}`)).toBeNull();
    expect(await read(instance, swapped, `transaction:${stateB}`)).toBeNull();
    // The same value under the same name, but for another state sharing its first 16 characters.
    expect(await read(instance, cookie, `transaction:${stateA.slice(0, 16)}other`)).toBeNull();
    // Under another cookieName, with the same secret.
    const renamed = `other_session=${jar.get('logto_session')}`;
    expect(await read(sessions({ cookieName: 'other_session' }), renamed)).toBeNull();
  });

  it.each([
    null,
    undefined,
    '',
    ';;;',
    '=; =x; ==',
    'logto_session',
    'logto_session=',
    'logto_session=v1.',
    'logto_session=v1.!!!',
    'logto_session=v1.AAAA',
    `logto_session=v1.${'A'.repeat(40)}`,
    'logto_session="v1.abc"',
    'logto_session.0=v1.; logto_session.1=',
    'logto_session.1=v1.abc',
    '\u0000\uffff\ud800=\ud800',
    `logto_session=${'%'.repeat(10_000)}`,
  ])('a garbage Cookie header: %j', async (header) => {
    const session = sessions().open(header, { secure: false });
    expect(await session.get('session')).toBeNull();
    expect(await session.get(`transaction:${stateA}`)).toBeNull();
    expect(session.setCookieHeaders()).toEqual([]);
  });

  it('a duplicate cookie after a valid one is ignored; before it, it wins', async () => {
    const cookie = await written('short');
    expect(await read(sessions(), `${cookie}; logto_session=garbage`)).toBe('short');
    expect(await read(sessions(), `logto_session=garbage; ${cookie}`)).toBeNull();
  });
});

describe('CookieSessions secret rotation', () => {
  it('reads a session written under an old secret and rewrites it under the new one', async () => {
    const written = await request(new CookieSessions({ secrets: secretA }), '', (s) => s.set('session', 'v'));
    const rotating = new CookieSessions({ secrets: [secretB, secretA] });
    expect(await read(rotating, written.cookie)).toBe('v');
    expect(await read(new CookieSessions({ secrets: secretB }), written.cookie)).toBeNull();

    const rewritten = await request(rotating, written.cookie, (s) => s.set('session', 'v'));
    expect(await read(new CookieSessions({ secrets: [secretB] }), rewritten.cookie)).toBe('v');
    expect(await read(new CookieSessions({ secrets: [secretA] }), rewritten.cookie)).toBeNull();
  });
});

describe('CookieSessions transactions', () => {
  it('keeps two pending sign-ins in separate cookies and deletes them independently', async () => {
    const instance = sessions();
    const txA = `transaction:${stateA}`;
    const txB = `transaction:${stateB}`;
    const tabA = await request(instance, '', (s) => s.set(txA, 'A'));
    const tabB = await request(instance, tabA.cookie, (s) => s.set(txB, 'B'));
    expect(tabB.setCookies).toEqual([expect.stringMatching(/^logto_session_tx_BBBBBBBBBBBBBBBB=v1\./)]);
    expect([await read(instance, tabB.cookie, txA), await read(instance, tabB.cookie, txB)]).toEqual([
      'A',
      'B',
    ]);

    const doneA = await request(instance, tabB.cookie, (s) => s.delete(txA));
    expect(doneA.setCookies).toEqual([
      expect.stringMatching(/^logto_session_tx_AAAAAAAAAAAAAAAA=; .*Max-Age=0/),
    ]);
    expect([await read(instance, doneA.cookie, txA), await read(instance, doneA.cookie, txB)]).toEqual([
      null,
      'B',
    ]);
  });

  it('refuses keys it does not keep, naming them, and reads them as missing', async () => {
    const session = sessions().open('', { secure: true });
    for (const key of ['a', 'sessions', 'transaction:', 'transaction:not base64url']) {
      const error = await session.set(key, 'v').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ reason: 'WriteFailed', message: expect.stringContaining(`"${key}"`) });
      expect(await session.get(key)).toBeNull();
      await expect(session.delete(key)).resolves.toBeUndefined();
    }
    expect(session.setCookieHeaders()).toEqual([]);
  });

  it('refuses a value with a lone surrogate, which UTF-8 cannot keep', async () => {
    const session = sessions().open('', { secure: true });
    await expect(session.set('session', 'a\ud800b')).rejects.toMatchObject({ reason: 'WriteFailed' });
  });
});

describe('CookieSessions cookie attributes', () => {
  it('sets Path, Max-Age, HttpOnly and SameSite=Lax, and Secure only over https', async () => {
    const instance = sessions();
    const write = (s: ReturnType<CookieSessions['open']>) =>
      Promise.all([s.set('session', 'v'), s.set(`transaction:${stateA}`, 't')]);
    const secure = await request(instance, '', write, true);
    expect(secure.setCookies).toEqual([
      expect.stringMatching(
        /^logto_session=v1\.[\w-]+; Path=\/; Max-Age=1209600; HttpOnly; SameSite=Lax; Secure$/,
      ),
      expect.stringMatching(
        /^logto_session_tx_A{16}=v1\.[\w-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/,
      ),
    ]);
    const plain = await request(instance, '', write, false);
    expect(plain.setCookies.every((header) => header.endsWith('; HttpOnly; SameSite=Lax'))).toBe(true);
    const expired = await request(instance, secure.cookie, (s) => s.delete('session'), false);
    expect(expired.setCookies).toEqual(['logto_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax']);
  });

  it('uses the configured name, path and ages', async () => {
    const instance = sessions({
      cookieName: 'app',
      path: '/auth',
      maxAgeSeconds: 3600,
      transactionMaxAgeSeconds: 60,
    });
    const { setCookies } = await request(instance, '', (s) =>
      Promise.all([s.set('session', 'v'), s.set(`transaction:${stateA}`, 't')]),
    );
    expect(setCookies).toEqual([
      expect.stringMatching(/^app=v1\.[\w-]+; Path=\/auth; Max-Age=3600; HttpOnly; SameSite=Lax; Secure$/),
      expect.stringMatching(
        /^app_tx_A{16}=v1\.[\w-]+; Path=\/auth; Max-Age=60; HttpOnly; SameSite=Lax; Secure$/,
      ),
    ]);
  });

  it('refuses to open a __Secure- or __Host- cookie without Secure, which browsers would drop', () => {
    const instance = sessions({ cookieName: '__Host-session' });
    expect(() => instance.open('', { secure: false })).toThrow(ConfigError);
    expect(() => instance.open('', { secure: true })).not.toThrow();
  });
});

describe('CookieSessions decrypt cache', () => {
  /** Counts AES-GCM decryptions on whichever path this runtime takes (`node:crypto` or Web Crypto). */
  const spyOnDecrypt = () => {
    const native = nativeCrypto();
    return native === null
      ? vi.spyOn(globalThis.crypto.subtle, 'decrypt')
      : vi.spyOn(native, 'decryptAesGcm');
  };

  it('caches an unchanged cookie from its second read on, then serves the same string without decrypting', async () => {
    const { cookie } = await request(sessions(), '', (s) => s.set('session', sized(3000)));
    const decrypt = spyOnDecrypt();
    const reader = sessions();
    expect(await read(reader, cookie)).toBe(sized(3000));
    // A first sight is not kept (most sessions of a busy server would be evicted before coming back).
    const second = await read(reader, cookie);
    expect(decrypt).toHaveBeenCalledTimes(2);
    const third = await read(reader, cookie);
    expect(third).toBe(second);
    expect(third).toBe(sized(3000));
    expect(decrypt).toHaveBeenCalledTimes(2);
  });

  it('does not decrypt what the same instance just wrote', async () => {
    const instance = sessions();
    const { cookie } = await request(instance, '', (s) => s.set('session', 'v'));
    const decrypt = spyOnDecrypt();
    expect(await read(instance, cookie)).toBe('v');
    expect(decrypt).not.toHaveBeenCalled();
  });

  it('never serves a cached value for a tampered cookie or under another name', async () => {
    const instance = sessions();
    const { cookie } = await request(instance, '', (s) => s.set('session', 'v'));
    const value = applySetCookies(cookie, []).get('logto_session')!;
    expect(await read(instance, `logto_session=${value}x`)).toBeNull();
    expect(
      await read(instance, `logto_session_tx_${stateA.slice(0, 16)}=${value}`, `transaction:${stateA}`),
    ).toBeNull();
  });
});

describe('CookieSessions config', () => {
  const invalid = (config: Partial<CookieSessionsConfig>, message: RegExp) => {
    let error: unknown;
    try {
      new CookieSessions({ secrets: secretA, ...config } as CookieSessionsConfig);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ reason: 'InvalidOption', message: expect.stringMatching(message) });
  };

  it.each([
    [{ secrets: 'too short' }, /secrets\[0\] must be a string of at least 32 characters/],
    [{ secrets: [secretA, 'short'] }, /secrets\[1\]/],
    [{ secrets: [] }, /non-empty list/],
    [{ secrets: undefined }, /non-empty list/],
    [{ cookieName: '' }, /cookieName must be/],
    [{ cookieName: 'a b' }, /cookieName must be/],
    [{ cookieName: 'a;b' }, /cookieName must be/],
    [{ cookieName: 'a.b' }, /no "\."/],
    [{ cookieName: '_session' }, /used by the OpenID provider/],
    [{ cookieName: '_interaction' }, /used by the OpenID provider/],
    [{ cookieName: '_ldp_app' }, /used by the OpenID provider/],
    [{ cookieName: '__Host-app', path: '/auth' }, /requires path "\/"/],
    [{ path: 'auth' }, /path must start with "\/"/],
    [{ path: '/a;b' }, /path must start/],
    [{ maxAgeSeconds: 0 }, /maxAgeSeconds must be a positive whole number/],
    [{ transactionMaxAgeSeconds: 1.5 }, /transactionMaxAgeSeconds/],
    [{ chunkBudget: -1 }, /chunkBudget/],
    [{ maxCookieBytes: 300 }, /maxCookieBytes must be at least \d+/],
  ] as const)('refuses %j', (config, message) => invalid(config as Partial<CookieSessionsConfig>, message));

  it('accepts a list of secrets and the defaults', () => {
    expect(() => new CookieSessions({ secrets: [secretA, secretB] })).not.toThrow();
  });
});

describe('parseCookieHeader', () => {
  it('keeps the first of duplicates, trims whitespace, keeps "=" in values, unquotes, skips malformed pairs', () => {
    expect([...parseCookieHeader(' a = 1 ;b=x=y==; a=2;junk; =v;c="q"; ;d=')]).toEqual([
      ['a', '1'],
      ['b', 'x=y=='],
      ['c', 'q'],
      ['d', ''],
    ]);
  });
});

describe('RequestSession.peek (the synchronous fast path)', () => {
  it('answers only what get() would: a decrypted cookie, a pending write, or no cookie', async () => {
    const writer = sessions();
    const { cookie } = await request(writer, '', (s) => s.set('session', sized(3000)));
    // Another instance has decrypted nothing yet: not at hand, get() decrypts.
    const reader = sessions();
    const first = reader.open(cookie, { secure: true });
    expect(first.peek?.('session')).toBeUndefined();
    expect(await first.get('session')).toBe(sized(3000));
    // With node:crypto it now opens at once (keys derived); on Web Crypto only once cached, which a
    // cookie is from its second read on. Either way peek agrees with get().
    const second = reader.open(cookie, { secure: true });
    expect(second.peek?.('session')).toBe(nativeCrypto() === null ? undefined : sized(3000));
    expect(await second.get('session')).toBe(sized(3000));
    const third = reader.open(cookie, { secure: true });
    expect(third.peek?.('session')).toBe(sized(3000));
    // No cookie reads as null; a pending write as the written value; other keys as get() does.
    const fresh = reader.open('', { secure: true });
    expect(fresh.peek?.('session')).toBeNull();
    await fresh.set('session', 'written');
    expect(fresh.peek?.('session')).toBe('written');
    expect(fresh.peek?.('not-a-session-key')).toBeNull();
  });

  // Where the runtime lends node:crypto, derived keys open a cookie at once; with Web Crypto they cannot.
  const atOnce = <T>(value: T): T | undefined => (nativeCrypto() === null ? undefined : value);

  it('opens a cookie this instance never saw without waiting, once its keys are derived', async () => {
    const { cookie } = await request(sessions(), '', (s) => s.set('session', sized(3000)));
    const reader = sessions();
    expect(reader.open(cookie, { secure: true }).peek?.('session')).toBeUndefined(); // keys not derived yet
    const { cookie: another } = await request(sessions(), '', (s) => s.set('session', 'another'));
    expect(await reader.open(another, { secure: true }).get('session')).toBe('another');
    expect(reader.open(cookie, { secure: true }).peek?.('session')).toBe(atOnce(sized(3000)));
  });

  it('never answers a cookie that is not authentic other than get() does', async () => {
    const reader = sessions();
    const { cookie } = await request(reader, '', (s) => s.set('session', 'v'));
    // Two characters of the tag changed (to `AA`, or `BB` when they already were `AA`).
    const tampered = withCookie(
      cookie,
      'logto_session',
      (value) => `${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`,
    );
    const session = reader.open(tampered, { secure: true });
    expect(session.peek?.('session')).toBe(atOnce(null));
    expect(await session.get('session')).toBeNull();
    // A value sealed by another secret is never served from a cache, even when its bytes were cached.
    const other = sessions({ secrets: secretB });
    expect(other.open(cookie, { secure: true }).peek?.('session')).toBeUndefined();
    expect(await other.open(cookie, { secure: true }).get('session')).toBeNull();
    expect(other.open(cookie, { secure: true }).peek?.('session')).toBe(atOnce(null));
  });
});
