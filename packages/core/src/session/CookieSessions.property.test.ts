import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { applySetCookies, nextCookieHeader } from '../../test/cookieJar.ts';
import { CookieSessions } from './CookieSessions.ts';

const secrets = 'property-test-secret-0123456789abcdef';
const encoder = new TextEncoder();

/** Strings of any code point, or of user-perceived characters (combining marks, emoji sequences). */
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20_000, size: 'max' }),
  fc.string({ unit: 'grapheme', maxLength: 20_000, size: 'max' }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 20_000, size: 'max' }),
);
const maxCookieBytes = fc.integer({ min: 512, max: 4096 });

describe('CookieSessions (properties)', () => {
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterAll(() => vi.restoreAllMocks());

  test.prop([value, maxCookieBytes, fc.boolean()], { numRuns: 60 })(
    'a value round-trips through cookies, each Set-Cookie header within maxCookieBytes',
    async (stored, maxBytes, secure) => {
      const writer = new CookieSessions({ secrets, maxCookieBytes: maxBytes });
      const session = writer.open('', { secure });
      await session.set('session', stored);
      const setCookies = session.setCookieHeaders();
      for (const header of setCookies) expect(encoder.encode(header).length).toBeLessThanOrEqual(maxBytes);
      const reader = new CookieSessions({ secrets, maxCookieBytes: maxBytes });
      expect(await reader.open(nextCookieHeader('', setCookies), { secure }).get('session')).toBe(stored);
    },
  );

  test.prop([fc.array(value, { minLength: 1, maxLength: 4 }), maxCookieBytes], { numRuns: 30 })(
    'after a series of writes the browser holds exactly the cookies of the last one',
    async (values, maxBytes) => {
      const instance = new CookieSessions({ secrets, maxCookieBytes: maxBytes });
      let cookie = 'other=1';
      let lastHeaders: string[] = [];
      for (const stored of values) {
        const session = instance.open(cookie, { secure: true });
        await session.set('session', stored);
        lastHeaders = session.setCookieHeaders();
        cookie = nextCookieHeader(cookie, lastHeaders);
      }
      const written = lastHeaders
        .filter((header) => !header.includes('Max-Age=0'))
        .map((h) => h.split('=')[0]);
      expect([...applySetCookies(cookie, []).keys()].sort()).toEqual(['other', ...written].sort());
      expect(await new CookieSessions({ secrets }).open(cookie, { secure: true }).get('session')).toBe(
        values.at(-1),
      );
    },
  );
});
