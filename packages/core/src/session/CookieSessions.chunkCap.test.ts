/**
 * The hard cap on chunks (finding 2 of the security review, write side): a logical cookie is read from
 * at most `maxChunks` cookies, so a value that would need more is refused when written — a typed error
 * that says what to do — never written as a session that cannot be read back.
 */

import { applySetCookies, nextCookieHeader } from '@logto-machine/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, StorageError } from '../errors.ts';
import { CookieSessions, type CookieSessionsConfig } from './CookieSessions.ts';
import { maxChunks } from './chunking.ts';

const secrets = 'chunk-cap-test-secret-0123456789abcdefghij';
const sessions = (config: Partial<CookieSessionsConfig> = {}) => new CookieSessions({ secrets, ...config });

/** Characters that fill cookies without compressing (none of it matters to base64url). */
const sized = (length: number) =>
  Array.from({ length }, (_, index) => String.fromCharCode(33 + ((index * 7919) % 90))).join('');

/** How many cookies `value` takes as the session, under `instance`'s config (written with no cap on reads). */
const cookiesFor = async (instance: CookieSessions, value: string) => {
  const session = instance.open('', { secure: true });
  const refused = await session.set('session', value).then(
    () => null,
    (error: unknown) => error,
  );
  return refused === null ? session.setCookieHeaders().length : Number.POSITIVE_INFINITY;
};

/** The longest value (by binary search) whose session still fits in `maxChunks` cookies. */
const longestWithinCap = async (instance: CookieSessions) => {
  let [fits, over] = [1, 200_000];
  while (over - fits > 1) {
    const middle = Math.floor((fits + over) / 2);
    if ((await cookiesFor(instance, sized(middle))) <= maxChunks) fits = middle;
    else over = middle;
  }
  return fits;
};

afterEach(() => vi.restoreAllMocks());

describe(`at most maxChunks (${maxChunks}) cookies per value`, () => {
  it('writes and reads back a session of exactly maxChunks cookies, and refuses one character more', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = sessions({ maxCookieBytes: 512 });
    const longest = await longestWithinCap(instance);

    const session = instance.open('', { secure: true });
    await session.set('session', sized(longest));
    const setCookies = session.setCookieHeaders();
    expect(setCookies).toHaveLength(maxChunks);
    expect(
      await sessions({ maxCookieBytes: 512 })
        .open(nextCookieHeader('', setCookies), { secure: true })
        .get('session'),
    ).toBe(sized(longest));

    const over = instance.open('', { secure: true });
    const error = await over.set('session', sized(longest + 1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({
      reason: 'WriteFailed',
      message: expect.stringMatching(
        new RegExp(
          `"session" would take ${maxChunks + 1} cookies; no more than ${maxChunks} can be read back.*store mode`,
        ),
      ),
    });
    // Nothing half-written: no Set-Cookie, and reads see what the request brought.
    expect(over.setCookieHeaders()).toEqual([]);
    expect(await over.get('session')).toBeNull();
  });

  it('leaves the session the browser holds alone when a bigger one is refused', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const instance = sessions();
    const first = instance.open('', { secure: true });
    await first.set('session', 'small');
    const cookie = nextCookieHeader('theme=dark', first.setCookieHeaders());

    const second = instance.open(cookie, { secure: true });
    await expect(second.set('session', sized(400_000))).rejects.toBeInstanceOf(StorageError);
    expect(second.setCookieHeaders()).toEqual([]);
    expect(await second.get('session')).toBe('small');
    expect([...applySetCookies(cookie, []).keys()]).toEqual(['theme', 'logto_session']);
  });

  it('refuses a transaction that would need more cookies than can be read back, as for the session', async () => {
    const session = sessions({ maxCookieBytes: 512 }).open('', { secure: true });
    const key = `transaction:${'A'.repeat(43)}`;
    await expect(session.set(key, sized(100_000))).rejects.toMatchObject({
      reason: 'WriteFailed',
      message: expect.stringContaining(`"${key}" would take`),
    });
    expect(session.setCookieHeaders()).toEqual([]);
  });

  it('first leaves cached access tokens out; refuses only what still does not fit', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const now = Date.now();
    const accessTokens = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [
        `https://api-${index}.example#`,
        { token: sized(1000), scope: 'read', expiresAt: now + 3_600_000, receivedAt: now - index },
      ]),
    );
    const record = JSON.stringify({
      v: 1,
      state: 'authenticated',
      tokens: { idToken: 'h.p.s', idTokenExpiresAt: now + 3_600_000, refreshToken: 'r', accessTokens },
      failure: null,
    });
    const instance = sessions({ maxCookieBytes: 512 });
    // Any other value this long is refused: it would take over maxChunks cookies of 512 bytes.
    expect(await cookiesFor(instance, sized(record.length))).toBe(Number.POSITIVE_INFINITY);
    // Refused values get no warning: their error says it all.
    expect(warn).not.toHaveBeenCalled();

    const session = instance.open('', { secure: true });
    await session.set('session', record);
    const setCookies = session.setCookieHeaders();
    // Without its access tokens the session fits the budget of 2.
    expect(setCookies.length).toBeLessThanOrEqual(2);
    expect(warn).toHaveBeenCalledTimes(1);
    const stored = await instance.open(nextCookieHeader('', setCookies), { secure: true }).get('session');
    expect(JSON.parse(stored!).tokens.accessTokens).toEqual({});
  });

  it('sends the oversized-session warning to the configured logger, sizes only, not to console', async () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const now = Date.now();
    const accessTokens = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [
        `https://api-${index}.example#`,
        { token: `secret-token-${index}-${sized(1000)}`, scope: 'read', expiresAt: now + 3_600_000 },
      ]),
    );
    const record = JSON.stringify({
      v: 1,
      state: 'authenticated',
      tokens: { idToken: 'h.p.s', idTokenExpiresAt: now + 3_600_000, refreshToken: 'r', accessTokens },
      failure: null,
    });
    const session = sessions({ maxCookieBytes: 512, logger }).open('', { secure: true });
    await session.set('session', record);
    expect(consoleWarn).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const [details, message] = logger.warn.mock.calls[0]!;
    expect(details).toMatchObject({ bytes: record.length, chunkBudget: 2, withoutAccessTokens: 1 });
    expect(message).toMatch(/The session is \d+ bytes across \d+ cookies \(chunkBudget 2\)/);
    expect(`${JSON.stringify(details)} ${message}`).not.toContain('secret-token');
  });

  it('refuses a logger without pino’s four methods, saying what fits', () => {
    expect(() => sessions({ logger: {} as never })).toThrow(
      /logger must have debug, info, warn and error methods/,
    );
  });

  it('refuses a chunkBudget over maxChunks at construction, saying to use store mode', () => {
    expect(() => sessions({ chunkBudget: maxChunks })).not.toThrow();
    expect(() => sessions({ chunkBudget: maxChunks + 1 })).toThrow(ConfigError);
    expect(() => sessions({ chunkBudget: maxChunks + 1 })).toThrow(
      /chunkBudget must be at most 64.*store mode/,
    );
  });
});
