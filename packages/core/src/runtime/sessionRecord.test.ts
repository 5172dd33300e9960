import { describe, expect, it } from 'vitest';
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
  it('parses a stored string once: equal strings, even fresh copies, give the same record', () => {
    const first = readSessionRecord(stored(1));
    expect(first?.state).toBe('expired');
    expect(readSessionRecord(`${stored(1)} `.trimEnd())).toBe(first);
    expect(readSessionRecord(null)).toBe(signedOutRecord);
    expect(readSessionRecord('{broken')).toBeNull();
  });

  it('keeps a record read in every generation while 5,000 others pass through, and forgets those read once long ago', () => {
    const hot = readSessionRecord(stored(-1));
    const cold = readSessionRecord(stored(-2));
    for (let index = 0; index < 5000; index++) {
      readSessionRecord(stored(index));
      if (index % 100 === 0) expect(readSessionRecord(stored(-1))).toBe(hot);
    }
    expect(readSessionRecord(stored(-1))).toBe(hot);
    // Read once long ago: parsed again (a new object), so the memo did not keep everything.
    expect(readSessionRecord(stored(-2))).not.toBe(cold);
  });
});
