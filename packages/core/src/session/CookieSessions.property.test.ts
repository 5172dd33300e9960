import { fc, test } from '@fast-check/vitest';
import { applySetCookies, nextCookieHeader } from '@logto-machine/testing';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { StorageError } from '../errors.ts';
import { CookieSessions } from './CookieSessions.ts';
import { maxChunks } from './chunking.ts';

const secrets = 'property-test-secret-0123456789abcdef';
const encoder = new TextEncoder();

/** Strings of any code point, or of user-perceived characters (combining marks, emoji sequences). */
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20_000, size: 'max' }),
  fc.string({ unit: 'grapheme', maxLength: 20_000, size: 'max' }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 20_000, size: 'max' }),
);
const maxCookieBytes = fc.integer({ min: 512, max: 4096 });

/** The write's error when it was refused for needing more than `maxChunks` cookies; rethrows any other. */
const overCap = (error: unknown) => {
  if (!(error instanceof StorageError) || error.reason !== 'WriteFailed') throw error;
  const cookies = Number(/would take (\d+) cookies/.exec(error.message)?.[1]);
  expect(cookies).toBeGreaterThan(maxChunks);
  expect(error.message).toMatch(/store mode/);
  return error;
};

const outcomes = { written: 0, refused: 0 };

describe('CookieSessions (properties)', () => {
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterAll(() => {
    vi.restoreAllMocks();
    // Both happened: values within the cap and over it.
    expect(outcomes.written).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  test.prop([value, maxCookieBytes, fc.boolean()], { numRuns: 60 })(
    'a value round-trips through at most maxChunks cookies, each Set-Cookie header within maxCookieBytes, or is refused and sets nothing',
    async (stored, maxBytes, secure) => {
      const writer = new CookieSessions({ secrets, maxCookieBytes: maxBytes });
      const session = writer.open('', { secure });
      const refused = await session.set('session', stored).then(() => undefined, overCap);
      const setCookies = session.setCookieHeaders();
      outcomes[refused ? 'refused' : 'written']++;
      if (refused) {
        expect(setCookies).toEqual([]);
        expect(await session.get('session')).toBeNull();
        return;
      }
      expect(setCookies.length).toBeLessThanOrEqual(maxChunks);
      for (const header of setCookies) expect(encoder.encode(header).length).toBeLessThanOrEqual(maxBytes);
      const reader = new CookieSessions({ secrets, maxCookieBytes: maxBytes });
      expect(await reader.open(nextCookieHeader('', setCookies), { secure }).get('session')).toBe(stored);
    },
  );

  test.prop([fc.array(value, { minLength: 1, maxLength: 4 }), maxCookieBytes], { numRuns: 30 })(
    'after a series of writes the browser holds exactly the cookies of the last one written (a refused one changes nothing)',
    async (values, maxBytes) => {
      const instance = new CookieSessions({ secrets, maxCookieBytes: maxBytes });
      let cookie = 'other=1';
      let lastWritten: { value: string; names: string[] } | undefined;
      for (const stored of values) {
        const session = instance.open(cookie, { secure: true });
        const refused = await session.set('session', stored).then(() => undefined, overCap);
        const headers = session.setCookieHeaders();
        if (refused) expect(headers).toEqual([]);
        else {
          const names = headers
            .filter((header) => !header.includes('Max-Age=0'))
            .map((h) => h.split('=')[0]!);
          lastWritten = { value: stored, names };
        }
        cookie = nextCookieHeader(cookie, headers);
      }
      expect([...applySetCookies(cookie, []).keys()].sort()).toEqual(
        ['other', ...(lastWritten?.names ?? [])].sort(),
      );
      expect(await new CookieSessions({ secrets }).open(cookie, { secure: true }).get('session')).toBe(
        lastWritten?.value ?? null,
      );
    },
  );
});
