/**
 * A stored session is untrusted input (a cookie, a shared store): whatever string comes back,
 * decoding yields `null` or a well-formed record, and never throws.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { sessionMachine } from '../machine/sessionMachine.ts';
import {
  claimsOf,
  decodeSessionRecord,
  decodeTransaction,
  encodeSessionRecord,
  readSessionRecord,
  type SessionRecord,
  signedOutRecord,
} from './sessionRecord.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 200);
const states = ['signedOut', 'signingIn', 'authenticated', 'expired'] as const;

const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const accessToken = fc.record({
  token: maybe(fc.string()),
  scope: maybe(fc.string()),
  expiresAt: maybe(fc.integer()),
  receivedAt: fc.option(fc.integer(), { nil: undefined }),
});
const tokens = fc.record({
  idToken: maybe(fc.oneof(fc.string(), fc.constant('eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ1In0.c2ln'))),
  idTokenExpiresAt: maybe(fc.integer()),
  refreshToken: fc.option(maybe(fc.string()), { nil: undefined }),
  accessTokens: maybe(
    fc.dictionary(
      fc.constantFrom('#', 'https://api.example#', '__proto__', 'constructor'),
      maybe(accessToken),
    ),
  ),
});
const failure = fc.record({
  tag: maybe(fc.string()),
  reason: fc.option(maybe(fc.string()), { nil: undefined }),
  message: maybe(fc.string()),
});
/** Records as this version writes them, each field possibly gone wrong. */
const nearRecord = fc
  .record({
    v: maybe(fc.constant(1)),
    state: maybe(fc.constantFrom(...states, 'refreshing', '__proto__')),
    tokens: fc.oneof(fc.constant(null), maybe(tokens)),
    failure: fc.oneof(fc.constant(null), maybe(failure)),
  })
  .map((record) => JSON.stringify(record));
const stored = fc.oneof(
  { weight: 4, arbitrary: nearRecord },
  { weight: 2, arbitrary: nearRecord.map((raw) => raw.slice(0, Math.max(0, raw.length - 7))) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
);

const isString = (value: unknown) => typeof value === 'string';
const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

/** What a well-formed record looks like, checked without the decoder's own helpers. */
const expectWellFormed = (record: SessionRecord) => {
  expect(states).toContain(record.state);
  const tags = sessionMachine.resolveState({
    value: record.state,
    context: { transactions: {}, tokens: null, failure: null },
  }).tags;
  expect([...record.tags].sort()).toEqual([...tags].sort());
  expect(record.state === 'authenticated').toBe(record.tokens !== null);
  if (record.tokens) {
    expect(isString(record.tokens.idToken)).toBe(true);
    expect(isNumber(record.tokens.idTokenExpiresAt)).toBe(true);
    expect(['string', 'undefined']).toContain(typeof record.tokens.refreshToken);
    for (const entry of Object.values(record.tokens.accessTokens)) {
      expect(isString(entry.token) && isString(entry.scope) && isNumber(entry.expiresAt)).toBe(true);
    }
    // Decoding the ID token's claims is as safe as decoding the record.
    const claims = claimsOf(record);
    expect(claims === null || typeof claims === 'object').toBe(true);
  }
  if (record.failure) {
    expect(isString(record.failure.tag) && isString(record.failure.message)).toBe(true);
    expect(['string', 'undefined']).toContain(typeof record.failure.reason);
  }
};

describe('stored sessions (fuzzed)', () => {
  test.prop([stored], { numRuns })(
    'decodeSessionRecord: null or a well-formed record, never throws',
    (raw) => {
      const record = decodeSessionRecord(raw);
      if (record !== null) expectWellFormed(record);
    },
  );

  test.prop([fc.oneof(stored, fc.constant(null))], { numRuns })(
    'readSessionRecord: the same answer as decoding, from the memo too',
    (raw) => {
      const first = readSessionRecord(raw);
      // From the second read on, the memo's record (the first sight is parsed and let go).
      const kept = readSessionRecord(raw);
      expect(kept).toEqual(first);
      expect(readSessionRecord(raw)).toBe(kept);
      if (raw === null) expect(first).toBe(signedOutRecord);
      else expect(first === null).toBe(decodeSessionRecord(raw) === null);
      if (first !== null) expectWellFormed(first);
    },
  );

  test.prop([stored], { numRuns })(
    'a decoded record encodes back to a string that decodes the same',
    (raw) => {
      const record = decodeSessionRecord(raw);
      if (record === null) return;
      const encoded = encodeSessionRecord(record.state, {
        transactions: {},
        tokens: record.tokens,
        failure: record.failure,
      });
      if (encoded === null) {
        expect(record.state === 'signedOut' && record.failure === null).toBe(true);
        return;
      }
      expect(decodeSessionRecord(encoded)).toMatchObject({ state: record.state, tokens: record.tokens });
    },
  );

  test.prop([fc.oneof(stored, fc.constant(null))], { numRuns })(
    'decodeTransaction: null or a transaction with every field typed, never throws',
    (raw) => {
      const transaction = decodeTransaction(raw);
      if (transaction === null) return;
      for (const field of ['state', 'nonce', 'codeVerifier', 'redirectUri'] as const) {
        expect(typeof transaction[field]).toBe('string');
      }
      expect(isNumber(transaction.expiresAt)).toBe(true);
    },
  );
});
