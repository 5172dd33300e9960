import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../session/Doorkeeper.ts';
import { readSessionRecord, signedOutRecord } from './sessionRecord.ts';

/** A stored signed-in-looking record that fails no check but the ID token's (never decoded here). */
const stored = (index: number) =>
  JSON.stringify({
    v: 1,
    state: 'expired',
    tokens: null,
    failure: { tag: 'SessionExpired', message: `m${index}` },
  });

describe('readSessionRecord', () => {
  it('keeps a record from its second read on: equal strings, even fresh copies, then give the same record', () => {
    const first = readSessionRecord(stored(1));
    expect(first?.state).toBe('expired');
    // The first sight is parsed and let go (a session that never comes back costs nothing to keep).
    const second = readSessionRecord(`${stored(1)} `.trimEnd());
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(readSessionRecord(`${stored(1)} `.trimEnd())).toBe(second);
    expect(readSessionRecord(null)).toBe(signedOutRecord);
    expect(readSessionRecord('{broken')).toBeNull();
  });

  it('keeps a record read in every generation while 5,000 others pass through, and forgets those read once long ago', () => {
    readSessionRecord(stored(-1));
    readSessionRecord(stored(-2));
    // Both seen twice: kept.
    const hot = readSessionRecord(stored(-1));
    const cold = readSessionRecord(stored(-2));
    expect(readSessionRecord(stored(-2))).toBe(cold);
    for (let index = 0; index < 5000; index++) {
      // Each read twice, so kept: the memo turns over.
      readSessionRecord(stored(index));
      readSessionRecord(stored(index));
      if (index % 100 === 0) expect(readSessionRecord(stored(-1))).toBe(hot);
    }
    expect(readSessionRecord(stored(-1))).toBe(hot);
    // Read long ago: parsed again (a new object), so the memo did not keep everything.
    expect(readSessionRecord(stored(-2))).not.toBe(cold);
  });

  it('never serves one record for another when their sampled fingerprints collide', () => {
    // Two long records that differ in one character the fingerprint does not sample.
    const long = (mark: string) =>
      JSON.stringify({
        v: 1,
        state: 'expired',
        tokens: null,
        failure: { tag: 'SessionExpired', message: `${'x'.repeat(1000)}${mark}${'y'.repeat(1000)}` },
      });
    const [a, b] = [long('a'), long('b')];
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
    for (let round = 0; round < 3; round++) {
      expect(readSessionRecord(a)?.failure?.message).toContain('xay');
      expect(readSessionRecord(b)?.failure?.message).toContain('xby');
    }
  });
});
