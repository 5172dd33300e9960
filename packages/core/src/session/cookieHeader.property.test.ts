import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { findCookie, parseCookieHeader } from './cookieHeader.ts';

/** Headers built from the characters that matter to the parser, names among a few that repeat. */
const piece = fc.constantFrom(
  'a',
  'ab',
  'logto_session',
  'logto_session.0',
  ' ',
  '\t',
  '\u00a0',
  '=',
  ';',
  '"',
  'x',
  '.',
  '',
);
const space = fc.constantFrom('', ' ', '  ', '\t', '\u00a0');
const cookieName = fc.constantFrom('a', 'ab', 'b', 'logto_session', 'logto_session.0', 'x', '');
/** Pairs with whitespace around names and values, duplicates, pairs without `=`, quoted values. */
const pair = fc
  .tuple(
    space,
    cookieName,
    space,
    fc.constantFrom('=', '', '=='),
    space,
    fc.constantFrom('', 'v', '"q"', 'x=y', '"'),
    space,
  )
  .map((parts) => parts.join(''));
const header = fc.oneof(
  fc.array(pair, { maxLength: 8 }).map((pairs) => pairs.join(';')),
  fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')),
);
const name = fc.constantFrom('a', 'ab', 'b', 'logto_session', 'logto_session.0', 'x', ' a', 'a ', '');

describe('findCookie (properties)', () => {
  test.prop([fc.oneof(header, fc.string({ maxLength: 60 })), name], { numRuns: 3000 })(
    'finds exactly what parseCookieHeader maps the name to',
    (cookieHeader, cookieName) => {
      expect(findCookie(cookieHeader, cookieName)).toBe(parseCookieHeader(cookieHeader).get(cookieName));
    },
  );
});
