import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { maxReturnToLength, safeReturnTo } from './returnTo.ts';

const base = new URL('https://app.example');

/** Pieces an attacker strings together: slashes of every spelling, dot segments, encodings, hosts. */
const piece = fc.constantFrom(
  '/',
  '//',
  '\\',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%5c',
  '%00',
  '%',
  '?',
  '#',
  '@',
  ':',
  'evil.com',
  'app.example',
  'https:',
  'javascript:',
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u2028',
  'é',
  '\ud800',
  'a',
);
const urlShaped = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  urlShaped,
  urlShaped.map((s) => `/${s}`),
);

/** Where a browser would go with `Location: <path>` from the app. */
const destination = (path: string) => new URL(path, base);

describe('safeReturnTo', () => {
  test.prop([anyValue], { numRuns: 2000 })('is idempotent and stays on the app origin', (value) => {
    const once = safeReturnTo(value, base);
    expect(safeReturnTo(once, base)).toBe(once);
    expect(once.startsWith('/') && !once.startsWith('//')).toBe(true);
    expect(destination(once).origin).toBe(base.origin);
    expect(once.length).toBeLessThanOrEqual(maxReturnToLength);
  });

  test.prop([urlShaped])('never leads off-site through a browser that treats \\ as /', (value) => {
    const once = safeReturnTo(`/${value}`, base);
    expect(destination(once.replaceAll('\\', '/')).origin).toBe(base.origin);
  });
});
