import { describe, expect, it } from 'vitest';
import { maxReturnToLength, safeReturnTo } from './returnTo.ts';

const base = new URL('https://app.example');

describe('safeReturnTo', () => {
  it.each(['/', '/protected', '/a/b?x=1#top', '/%2F%2Fevil.com'])(
    'keeps the same-origin path %s',
    (value) => {
      expect(safeReturnTo(value, base)).toBe(
        new URL(value, base).pathname + new URL(value, base).search + new URL(value, base).hash,
      );
    },
  );

  it.each([
    'https://evil.com',
    '//evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    'javascript:alert(1)',
    '/\tevil',
    ' /x',
    '',
    'evil.com/x',
  ])('refuses %j and falls back to /', (value) => {
    expect(safeReturnTo(value, base)).toBe('/');
  });

  it('falls back for non-strings', () => {
    expect(safeReturnTo(null, base)).toBe('/');
    expect(safeReturnTo(undefined, base, '/home')).toBe('/home');
  });
});

describe('safeReturnTo after normalisation', () => {
  it.each(['/.//evil.com', '/%2e//evil.com', '/%2E//evil.com', '/a/..//evil.com', '/./%2e/..//evil.com'])(
    'refuses %j, whose path normalises to //evil.com',
    (value) => {
      expect(safeReturnTo(value, base)).toBe('/');
    },
  );

  it('refuses values longer than maxReturnToLength, and keeps one of exactly that length', () => {
    const longest = `/${'a'.repeat(maxReturnToLength - 1)}`;
    expect(safeReturnTo(longest, base)).toBe(longest);
    expect(safeReturnTo(`${longest}a`, base)).toBe('/');
    // Encoding may lengthen a value past the limit: the result is checked too.
    expect(safeReturnTo(`/${'é'.repeat(400)}`, base)).toBe('/');
  });
});
