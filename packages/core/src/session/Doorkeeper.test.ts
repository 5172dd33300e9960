import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Doorkeeper, fingerprintOf } from './Doorkeeper.ts';

describe('Doorkeeper', () => {
  it('admits a fingerprint on its second sight within the window', () => {
    const doorkeeper = new Doorkeeper(100);
    expect(doorkeeper.admits(12345)).toBe(false);
    expect(doorkeeper.admits(12345)).toBe(true);
    expect(doorkeeper.admits(12345)).toBe(true);
  });

  it('forgets first sights after `window` notes', () => {
    const doorkeeper = new Doorkeeper(100);
    doorkeeper.admits(fingerprintOf('first'));
    for (let i = 0; i < 150; i++) doorkeeper.admits(fingerprintOf(`other ${i}`));
    expect(doorkeeper.admits(fingerprintOf('first'))).toBe(false);
  });

  it('lets about 1% of first sights through, no more', () => {
    const doorkeeper = new Doorkeeper(1000);
    let admitted = 0;
    for (let i = 0; i < 20_000; i++) if (doorkeeper.admits(fingerprintOf(`session ${i}`))) admitted++;
    expect(admitted / 20_000).toBeLessThan(0.03);
  });
});

describe('fingerprintOf', () => {
  const withOneChange = (text: string, at: number, delta: number) => {
    const index = at % text.length;
    return (
      text.slice(0, index) +
      String.fromCharCode((text.charCodeAt(index) + delta) & 0xffff) +
      text.slice(index + 1)
    );
  };

  test.prop([fc.string({ minLength: 1, maxLength: 256 }), fc.nat(), fc.integer({ min: 1, max: 0xfff })])(
    'tells apart strings of up to 256 characters that differ in any one character',
    (text, at, delta) => {
      const changed = withOneChange(text, at, delta);
      fc.pre(changed !== text);
      expect(fingerprintOf(changed)).not.toBe(fingerprintOf(text));
    },
  );

  test.prop([fc.string({ minLength: 257, maxLength: 3000 }), fc.nat()])(
    'reads a longer string at 32 places spread from its end, and its length',
    (text, at) => {
      const step = Math.floor(text.length / 32);
      const sampled = text.length - 1 - step * (at % 32);
      expect(fingerprintOf(withOneChange(text, sampled, 1))).not.toBe(fingerprintOf(text));
      expect(fingerprintOf(`${text}x`)).not.toBe(fingerprintOf(text));
      // A character between two samples is not read.
      if (step > 1) expect(fingerprintOf(withOneChange(text, text.length - 2, 1))).toBe(fingerprintOf(text));
    },
  );
});
