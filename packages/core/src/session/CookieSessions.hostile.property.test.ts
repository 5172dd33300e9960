/**
 * The Cookie header is attacker-controlled: random bytes, truncated, duplicated, reordered, renamed or
 * swapped chunks, cookies sealed under a retired or an unknown secret, values moved to another
 * cookie's name. Reading never throws and returns `null` or a value that was really written under that
 * key with a secret the reader holds.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { StorageError } from '../errors.ts';
import { CookieSessions } from './CookieSessions.ts';

/** Undefined when `write` succeeds, the error when it was refused for needing too many cookies. */
const unlessOverCap = (write: Promise<void>) =>
  write.then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof StorageError && /would take \d+ cookies/.test(error.message)) return error;
      throw error;
    },
  );

const numRuns = Number(process.env.FUZZ_RUNS ?? 200);
const secrets = {
  current: 'current-secret-0123456789abcdefghijklmnop',
  retired: 'retired-secret-0123456789abcdefghijklmnop',
  unknown: 'unknown-secret-0123456789abcdefghijklmnop',
} as const;
type Writer = keyof typeof secrets;
const state = (char: string, rest = char) => `${char.repeat(16)}${rest.repeat(27)}`;
/** The third shares the first two's cookie name (16 characters of state) but not its binding. */
const keys = [
  'session',
  `transaction:${state('A')}`,
  `transaction:${state('B')}`,
  `transaction:${state('A', 'C')}`,
];

const write = fc.record({
  writer: fc.constantFrom<Writer>('current', 'current', 'retired', 'unknown'),
  key: fc.constantFrom(...keys),
  value: fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 1500 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 3000 }),
  ),
});

type Pair = [name: string, value: string];
const op = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), offset: fc.nat() }),
  fc.record({ kind: fc.constant('garbage' as const), name: fc.nat(), value: fc.string({ unit: 'binary' }) }),
);
const cookieNames = [
  'logto_session',
  'logto_session.0',
  'logto_session.1',
  'logto_session.2',
  `logto_session_tx_${'A'.repeat(16)}`,
  `logto_session_tx_${'A'.repeat(16)}.0`,
  `logto_session_tx_${'B'.repeat(16)}`,
  'other',
];

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

/** Applies the changes in order; positions wrap around the current list. */
const mutate = (pairs: readonly Pair[], ops: readonly Op[]) => {
  const result = pairs.map(([name, value]): Pair => [name, value]);
  for (const change of ops) {
    const index = result.length === 0 ? -1 : ('at' in change ? change.at : 0) % result.length;
    switch (change.kind) {
      case 'truncate':
        if (index >= 0)
          result[index]![1] = result[index]![1].slice(0, change.keep % (result[index]![1].length + 1));
        break;
      case 'duplicate':
        if (index >= 0) result.splice(change.to % (result.length + 1), 0, [...result[index]!]);
        break;
      case 'swap':
        if (index >= 0) {
          const other = change.with % result.length;
          [result[index]![1], result[other]![1]] = [result[other]![1], result[index]![1]];
        }
        break;
      case 'drop':
        if (index >= 0) result.splice(index, 1);
        break;
      case 'rename':
        if (index >= 0) result[index]![0] = cookieNames[change.name % cookieNames.length]!;
        break;
      case 'flip':
        if (index >= 0 && result[index]![1].length > 0) {
          const value = result[index]![1];
          const offset = change.offset % value.length;
          const flipped = value[offset] === 'A' ? 'B' : 'A';
          result[index]![1] = `${value.slice(0, offset)}${flipped}${value.slice(offset + 1)}`;
        }
        break;
      case 'garbage':
        result.push([cookieNames[change.name % cookieNames.length]!, change.value]);
        break;
    }
  }
  return result;
};

const pairsOf = (setCookies: readonly string[]): Pair[] =>
  setCookies
    .map((header) => header.slice(0, header.indexOf(';')))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]);

const reads = { values: 0, nulls: 0 };

describe('CookieSessions under hostile Cookie headers (fuzzed)', () => {
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterAll(() => {
    vi.restoreAllMocks();
    // Both outcomes happened: the property is not vacuous.
    expect(reads.values).toBeGreaterThan(0);
    expect(reads.nulls).toBeGreaterThan(0);
  });

  test.prop(
    [
      fc.array(write, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 400, max: 1200 }),
      fc.array(op, { maxLength: 6 }),
      fc.boolean(),
      fc.constantFrom('; ', ';', ' ;  '),
    ],
    { numRuns },
  )(
    'get() never throws and returns null or a value written under that key with a secret the reader holds',
    async (writes, maxCookieBytes, ops, shuffle, separator) => {
      const writers = {
        current: new CookieSessions({ secrets: secrets.current, maxCookieBytes }),
        retired: new CookieSessions({ secrets: secrets.retired, maxCookieBytes }),
        unknown: new CookieSessions({ secrets: secrets.unknown, maxCookieBytes }),
      };
      const pairs: Pair[] = [];
      const written = new Map<Writer, Map<string, Set<string>>>();
      for (const { writer, key, value } of writes) {
        const session = writers[writer].open('', { secure: true });
        // Small cookies and long values may need more cookies than can be read back: nothing is written.
        if (await unlessOverCap(session.set(key, value))) continue;
        pairs.push(...pairsOf(session.setCookieHeaders()));
        const byKey = written.get(writer) ?? new Map<string, Set<string>>();
        byKey.set(key, (byKey.get(key) ?? new Set()).add(value));
        written.set(writer, byKey);
      }
      const hostile = mutate(shuffle ? [...pairs].reverse() : pairs, ops);
      const header = hostile.map(([name, value]) => `${name}=${value}`).join(separator);
      const readers: [CookieSessions, readonly Writer[]][] = [
        [
          new CookieSessions({ secrets: [secrets.current, secrets.retired], maxCookieBytes }),
          ['current', 'retired'],
        ],
        [new CookieSessions({ secrets: secrets.current, maxCookieBytes }), ['current']],
      ];
      for (const [reader, trusted] of readers) {
        const session = reader.open(header, { secure: true });
        for (const key of keys) {
          const value = await session.get(key);
          reads[value === null ? 'nulls' : 'values']++;
          if (value === null) continue;
          const candidates = trusted.flatMap((writer) => [...(written.get(writer)?.get(key) ?? [])]);
          expect(candidates).toContain(value);
        }
      }
    },
  );

  test.prop([fc.string({ unit: 'binary', maxLength: 5000 }), fc.constantFrom(...keys, 'anything', '')], {
    numRuns,
  })('a random Cookie header reads as null for every key', async (header, key) => {
    const session = new CookieSessions({ secrets: secrets.current }).open(header, { secure: false });
    expect(await session.get(key)).toBeNull();
    expect(session.setCookieHeaders()).toEqual([]);
  });

  test.prop([fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 400, max: 1200 })], {
    numRuns: Math.min(numRuns, 100),
  })(
    'an untouched cookie set under the retired secret still reads back (rotation)',
    async (value, maxCookieBytes) => {
      const old = new CookieSessions({ secrets: secrets.retired, maxCookieBytes }).open('', { secure: true });
      if (await unlessOverCap(old.set('session', value))) return;
      const header = pairsOf(old.setCookieHeaders())
        .map(([name, cookie]) => `${name}=${cookie}`)
        .join('; ');
      const rotated = new CookieSessions({ secrets: [secrets.current, secrets.retired], maxCookieBytes });
      expect(await rotated.open(header, { secure: true }).get('session')).toBe(value);
    },
  );
});
