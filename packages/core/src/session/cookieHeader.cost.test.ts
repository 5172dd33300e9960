/**
 * Finding 2 of the security review, at the level of the readers: reading a `Cookie` header costs time
 * linear in its length whatever its shape (a quadratic reader was the bug), and reading a logical
 * cookie looks at a bounded number of chunks however many are planted. The end-to-end bound, through a
 * Node HTTP server, is in `test/hostileCookies.test.ts`.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { benignCookieHeader, hostileCookieHeaders } from '../../test/cookieHeaderShapes.ts';
import { workOf } from '../../test/workOf.ts';
import { CookieSessions } from './CookieSessions.ts';
import { findCookiesOf, joinCookies, maxChunks } from './chunking.ts';
import { findCookie, parseCookieHeader } from './cookieHeader.ts';

const sessions = new CookieSessions({ secrets: 'cost-test-secret-0123456789abcdefghijk' });
const readers: Record<string, (header: string) => unknown> = {
  findCookie: (header) => findCookie(header, 'logto_session'),
  findCookiesOf: (header) => findCookiesOf(header, 'logto_session'),
  parseCookieHeader: (header) => parseCookieHeader(header),
  // What a request's session read does with the header (decryption, later, only sees the joined value).
  'a session read': (header) => {
    const session = sessions.open(header, { secure: true });
    session.peek?.('session');
    return session.get('session');
  },
};

/**
 * Work per character of header a reader may do: a small constant whatever the header (today's readers
 * stay under 6; the quadratic ones this replaced did thousands on 16 KiB).
 */
const workPerCharacter = 8;

/** Headers made of what matters to the readers, in runs long enough for a quadratic reader to show. */
const header = fc
  .array(
    fc.constantFrom(
      'logto_session',
      'logto_session',
      '.0',
      '.1',
      '.64',
      '_tx_AAAA',
      ';',
      ';',
      '; ',
      '=',
      ' ',
      '\u00a0',
      'x',
      'v1.',
      '"',
    ),
    { maxLength: 2000 },
  )
  .map((pieces) => pieces.join(''));

describe('Cookie header readers, on headers up to 16 KiB of any shape', () => {
  const size = 16 * 1024;
  const shapes = { benign: benignCookieHeader(size), ...hostileCookieHeaders(size) };

  it('counts work (a reader looks at every character of a header without the cookie at least once)', () => {
    expect(workOf(() => findCookie(shapes.benign, 'logto_session'))).toBeGreaterThanOrEqual(size);
  });

  it.each(
    Object.keys(readers).flatMap((reader) => Object.keys(shapes).map((shape) => [reader, shape] as const)),
  )('%s does linear work on %s', (reader, shape) => {
    const header = shapes[shape as keyof typeof shapes];
    expect(workOf(() => readers[reader]!(header))).toBeLessThanOrEqual(workPerCharacter * header.length);
  });

  test.prop([header, fc.constantFrom(...Object.keys(readers))], { numRuns: 300 })(
    'every reader does linear work on any header (fuzzed)',
    (cookieHeader, reader) => {
      const read = readers[reader]!;
      // Beyond what a read of an empty header costs (opening a session, its lookups), and what one
      // last pair may cost whatever its length.
      const fixed = workOf(() => read('')) + 2 * workPerCharacter;
      expect(workOf(() => read(cookieHeader))).toBeLessThanOrEqual(
        fixed + workPerCharacter * cookieHeader.length,
      );
    },
  );

  it(`looks up at most maxChunks + 1 (${maxChunks + 1}) chunks of a logical cookie, however many are planted`, () => {
    const planted = hostileCookieHeaders(size)['planted chunks']!;
    const cookies = parseCookieHeader(planted);
    expect(cookies.size).toBeGreaterThan(500);
    let lookups = 0;
    const value = joinCookies((name) => {
      lookups++;
      return cookies.get(name);
    }, 'logto_session');
    expect(lookups).toBe(maxChunks + 1);
    // More chunks than are ever written: not a session, and nothing to decrypt.
    expect(value).toBeNull();
    // Found in one pass, the chunks that can matter and no more.
    expect(findCookiesOf(planted, 'logto_session').size).toBe(maxChunks + 1);
  });

  it('reads a planted-chunk header as signed out, and a write answers it with at most maxChunks + 1 deletions', async () => {
    const planted = hostileCookieHeaders(size)['planted chunks']!;
    const session = sessions.open(planted, { secure: true });
    expect(await session.get('session')).toBeNull();
    await session.set('session', 'v');
    const headers = session.setCookieHeaders();
    expect(headers.filter((header) => !header.includes('Max-Age=0'))).toHaveLength(1);
    expect(headers.filter((header) => header.includes('Max-Age=0'))).toHaveLength(maxChunks + 1);
  });
});
