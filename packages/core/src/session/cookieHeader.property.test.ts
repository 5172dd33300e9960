import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { findCookiesOf, joinCookies, maxChunks } from './chunking.ts';
import { findCookie, findCookies, isTrimmed, parseCookieHeader } from './cookieHeader.ts';

/**
 * The reading of a `Cookie` header every reader must agree with: the plain split-on-`;` parser the
 * fast ones replaced (first of duplicates, names and values trimmed, one pair of quotes dropped).
 */
const reference = (header: string): Map<string, string> => {
  const cookies = new Map<string, string>();
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const name = pair.slice(0, equals).trim();
    if (name === '' || cookies.has(name)) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies.set(name, value);
  }
  return cookies;
};

/** Whitespace `trim()` removes (ASCII and not), and look-alikes it keeps (U+180E, U+200B). */
const whitespace = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u3000');
const notWhitespace = fc.constantFrom('\u180e', '\u200b');
const cookieName = fc.constantFrom(
  'a',
  'ab',
  'b',
  'x',
  '',
  'logto_session',
  'logto_session.0',
  'logto_session.1',
  'logto_session.01',
  'logto_session.',
  'logto_sessionX',
  'logto_session_tx_AAAA',
  'logto_session_tx_AAAA.0',
);
/** Pairs with whitespace around names and values, duplicates, pairs without `=`, quoted values. */
const pair = fc
  .tuple(
    whitespace,
    cookieName,
    fc.oneof(whitespace, notWhitespace),
    fc.constantFrom('=', '', '=='),
    whitespace,
    fc.constantFrom('', 'v', '"q"', 'x=y', '"', 'logto_session=v', ' logto_session'),
    whitespace,
  )
  .map((parts) => parts.join(''));
/** The characters that matter to the parsers, in any order. */
const piece = fc.constantFrom(
  'a',
  'ab',
  'logto_session',
  'logto_session.0',
  '.1',
  ' ',
  '\t',
  '\u00a0',
  '\u180e',
  '=',
  ';',
  '"',
  'x',
  '.',
  '',
);
/** A chunked cookie, some of it planted: `logto_session.0` … `.<n>`, n around {@link maxChunks}. */
const chunks = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: maxChunks - 1, max: maxChunks + 2 })),
    fc.oneof(fc.constant<number[]>([]), fc.array(fc.nat({ max: maxChunks + 3 }), { maxLength: 3 })),
  )
  .map(([count, gaps]) =>
    Array.from({ length: count }, (_, index) => index)
      .filter((index) => !gaps.includes(index))
      .map((index) => `logto_session.${index}=c${index}`),
  );
const header = fc.oneof(
  fc.array(pair, { maxLength: 8 }).map((pairs) => pairs.join(';')),
  fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')),
  fc
    .tuple(chunks, fc.array(pair, { maxLength: 4 }), fc.constantFrom('; ', ';', ' ; '))
    .map(([parts, others, separator]) =>
      [...others.slice(0, 2), ...parts, ...others.slice(2)].join(separator),
    ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
const name = fc.constantFrom(
  'a',
  'ab',
  'b',
  'x',
  '',
  ' a',
  'a ',
  'a=b',
  'a;b',
  'logto_session',
  'logto_session.0',
  'logto_session.1',
);

describe('Cookie header readers (properties)', () => {
  test.prop([header], { numRuns: 3000 })(
    'parseCookieHeader reads what the plain parser reads',
    (cookieHeader) => {
      expect([...parseCookieHeader(cookieHeader)]).toEqual([...reference(cookieHeader)]);
    },
  );

  test.prop([header, name], { numRuns: 3000 })(
    'findCookie finds exactly what parseCookieHeader maps the name to',
    (cookieHeader, cookieName) => {
      expect(findCookie(cookieHeader, cookieName)).toBe(reference(cookieHeader).get(cookieName));
    },
  );

  test.prop(
    [
      header,
      fc.constantFrom('a', 'a ', 'logto_session', 'logto_session.', 'logto_session_tx_'),
      fc.boolean(),
    ],
    {
      numRuns: 3000,
    },
  )(
    'findCookies finds, in header order, exactly the cookies parseCookieHeader has under that prefix',
    (cookieHeader, prefix, onlyChunks) => {
      const accept = (cookie: string) => !onlyChunks || /\.\d+$/.test(cookie);
      const expected = [...reference(cookieHeader)].filter(
        ([cookie]) => cookie.startsWith(prefix) && accept(cookie),
      );
      expect([...findCookies(cookieHeader, prefix, accept)]).toEqual(expected);
    },
  );

  test.prop([header], { numRuns: 3000 })(
    'joinCookies reads a logical cookie the same from the parsed map, findCookie and findCookiesOf',
    (cookieHeader) => {
      const fromMap = joinCookies(parseCookieHeader(cookieHeader), 'logto_session');
      expect(joinCookies((cookie) => findCookie(cookieHeader, cookie), 'logto_session')).toBe(fromMap);
      expect(joinCookies(findCookiesOf(cookieHeader, 'logto_session'), 'logto_session')).toBe(fromMap);
    },
  );

  test.prop([header], { numRuns: 1000 })(
    'joinCookies looks up at most maxChunks + 1 names, and reads null past maxChunks chunks',
    (cookieHeader) => {
      const cookies = reference(cookieHeader);
      const looked: string[] = [];
      const value = joinCookies((cookie) => {
        looked.push(cookie);
        return cookies.get(cookie);
      }, 'logto_session');
      expect(looked.length).toBeLessThanOrEqual(maxChunks + 1);
      let present = 0;
      while (cookies.has(`logto_session.${present}`)) present++;
      if (present > maxChunks) expect(value).toBeNull();
      else if (present > 0) {
        const parts = Array.from({ length: present }, (_, index) => cookies.get(`logto_session.${index}`));
        expect(value).toBe(parts.join(''));
      } else expect(value).toBe(cookies.get('logto_session') ?? null);
    },
  );
});

describe('isTrimmed', () => {
  it('is true for exactly the code units String.prototype.trim removes', () => {
    const differing: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (isTrimmed(code) !== (String.fromCharCode(code).trim() === '')) differing.push(code);
    }
    expect(differing).toEqual([]);
  });
});
