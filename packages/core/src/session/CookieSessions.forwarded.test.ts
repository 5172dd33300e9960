/**
 * The forwarded copy of a session's cookies (`forwardedSetCookieHeaders`): for a request that never
 * leaves the server (what Next's middleware hands the page), a session over the browser's cookie budget
 * keeps the cached access tokens the browser's copy leaves out — sealed like every session cookie.
 */
import { nextCookieHeader } from '@logto-machine/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CookieSessions } from './CookieSessions.ts';
import { maxChunks } from './chunking.ts';

const secrets = 'forwarded-copy-test-secret-0123456789abcdef';

/** Characters that fill cookies without compressing. */
const sized = (length: number) =>
  Array.from({ length }, (_, index) => String.fromCharCode(33 + ((index * 7919) % 90))).join('');

/** A session record caching `count` access tokens of `tokenLength` characters, each token findable by its index. */
const recordWith = (count: number, tokenLength: number) => {
  const now = Date.now();
  const accessTokens = Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      `https://api-${index}.example#`,
      {
        token: `plain-token-${index}-${sized(tokenLength)}`,
        scope: 'read',
        expiresAt: now + 3_600_000,
        receivedAt: now - index,
      },
    ]),
  );
  return JSON.stringify({
    v: 1,
    state: 'authenticated',
    tokens: { idToken: 'h.p.s', idTokenExpiresAt: now + 3_600_000, refreshToken: 'r', accessTokens },
    failure: null,
  });
};

const cachedTokens = async (instance: CookieSessions, cookie: string) => {
  const stored = await instance.open(cookie, { secure: true }).get('session');
  return stored === null ? null : Object.keys(JSON.parse(stored).tokens.accessTokens).length;
};

afterEach(() => vi.restoreAllMocks());

describe('CookieRequestSession.forwardedSetCookieHeaders', () => {
  it('keeps the cached access tokens the browser’s copy leaves out, sealed, and expires stale chunks', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = new CookieSessions({ secrets });
    const record = recordWith(4, 2_000);
    // A request that carries a chunk neither copy writes (planted, or left from a larger session).
    const incoming = 'logto_session.9=stale; other=kept';
    const session = instance.open(incoming, { secure: true });
    await session.set('session', record);

    const browser = session.setCookieHeaders();
    const forwarded = session.forwardedSetCookieHeaders();
    const browserCookie = nextCookieHeader(incoming, browser);
    const forwardedCookie = nextCookieHeader(incoming, forwarded);
    expect(await cachedTokens(instance, browserCookie)).toBeLessThan(4);
    expect(await cachedTokens(instance, forwardedCookie)).toBe(4);
    expect(await instance.open(forwardedCookie, { secure: true }).get('session')).toBe(record);
    for (const header of browser) expect(header.length).toBeLessThanOrEqual(4096);
    expect(browser.filter((header) => !header.includes('Max-Age=0')).length).toBeLessThanOrEqual(2);

    // Sealed like the browser's: no token in the clear, every session chunk a `v1.` value.
    expect(forwardedCookie).not.toContain('plain-token-');
    const chunks = forwardedCookie.split('; ').filter((pair) => pair.startsWith('logto_session.'));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk).toMatch(/^logto_session\.\d+=[A-Za-z0-9_.-]+$/);
    expect(chunks[0]).toMatch(/^logto_session\.0=v1\./);
    expect(forwardedCookie).not.toContain('logto_session.9=');
    expect(forwardedCookie).toContain('other=kept');
  });

  it('is the browser’s copy when the session fits the budget', async () => {
    const session = new CookieSessions({ secrets }).open('', { secure: true });
    await session.set('session', recordWith(1, 100));
    expect(session.forwardedSetCookieHeaders()).toEqual(session.setCookieHeaders());
  });

  it('is the browser’s copy when the full session would take over maxChunks cookies', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = new CookieSessions({ secrets, maxCookieBytes: 512 });
    const session = instance.open('', { secure: true });
    // 40 tokens of 1 000 characters seal to far more than 64 cookies of 512 bytes.
    await session.set('session', recordWith(40, 1_000));
    const forwarded = session.forwardedSetCookieHeaders();
    expect(forwarded.length).toBeLessThanOrEqual(maxChunks);
    expect(forwarded).toEqual(session.setCookieHeaders());
  });

  it('forwards a transaction or a delete as the browser gets it', async () => {
    const instance = new CookieSessions({ secrets });
    const session = instance.open('logto_session=old', { secure: true });
    await session.set('transaction:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '{"state":"x"}');
    await session.delete('session');
    expect(session.forwardedSetCookieHeaders()).toEqual(session.setCookieHeaders());
    expect(session.forwardedSetCookieHeaders()).toContainEqual(
      expect.stringMatching(/^logto_session=; .*Max-Age=0/),
    );
  });
});
