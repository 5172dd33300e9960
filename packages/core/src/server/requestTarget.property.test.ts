import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { plainPathname, splitUrl } from './requestTarget.ts';

/** Characters that matter to the URL parser after the authority, and some that do not. */
const tricky = fc.constantFrom(
  ...'/?#\\.%:@;=&+$!*,\'()[]{}<>"`^| \t\n\r\0~-_aZ09é€😀'.split(''),
  '..',
  '/./',
  '/../',
  '%2e',
  '%2F',
);
const afterAuthority = fc.array(tricky, { maxLength: 30 }).map((parts) => parts.join(''));
const authority = fc.oneof(
  fc.domain(),
  fc.constantFrom(
    '127.0.0.1:3000',
    'localhost',
    '[::1]:8080',
    'user:pass@host',
    'HOST.example',
    'a:80',
    'a:443',
  ),
);

describe('requestTarget (properties)', () => {
  test.prop([fc.constantFrom('http://', 'https://'), authority, afterAuthority], { numRuns: 2000 })(
    'the prefix gives the full URL’s origin, and a plain pathname is the parser’s',
    (scheme, host, rest) => {
      const url = `${scheme}${host}${rest}`;
      const split = splitUrl(url);
      // Left to the full parser: an authority ending in a space or control character.
      if (split === null) {
        expect(url.split(/[/?#\\]/, 3).join('/')).toMatch(/[\0-\x20]$/);
        return;
      }
      expect(`${split!.prefix}${split!.rest}`).toBe(url);
      // The prefix parses exactly when the whole URL does, to the same origin.
      expect(URL.canParse(split!.prefix)).toBe(URL.canParse(url));
      if (!URL.canParse(url)) return;
      expect(new URL(split!.prefix).origin).toBe(new URL(url).origin);
      const pathname = plainPathname(split!.rest);
      if (pathname !== undefined) expect(pathname).toBe(new URL(url).pathname);
    },
  );

  test.prop([fc.webUrl({ withQueryParameters: true, withFragments: true })], { numRuns: 1000 })(
    'web URLs: same origin, and the plain pathname (when there is one) is the parser’s',
    (url) => {
      const split = splitUrl(url);
      expect(split).not.toBeNull();
      expect(new URL(split!.prefix).origin).toBe(new URL(url).origin);
      const pathname = plainPathname(split!.rest);
      if (pathname !== undefined) expect(pathname).toBe(new URL(url).pathname);
    },
  );

  test('ordinary paths take the fast way; others are left to the parser', () => {
    expect(plainPathname('/me')).toBe('/me');
    expect(plainPathname('')).toBe('/');
    expect(plainPathname('?returnTo=%2F')).toBe('/');
    expect(plainPathname('/sign-in?returnTo=/a/../b')).toBe('/sign-in');
    expect(plainPathname('/api/v1.2/items;x=1')).toBe('/api/v1.2/items;x=1');
    for (const path of ['/a/../b', '/./a', '/%7e', '/a b', '/a\\b', '/é', '//a/.', '/a/..'])
      expect(plainPathname(path)).toBeUndefined();
    expect(splitUrl('ftp://host/a')).toBeNull();
    expect(splitUrl('HTTP://host/a')).toBeNull();
    expect(splitUrl('http://host?x')).toEqual({ prefix: 'http://host', rest: '?x' });
  });
});
