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
  test.prop([fc.string({ minLength: 1, maxLength: 2000 }), fc.nat(), fc.integer({ min: 1, max: 0xfff })])(
    'tells apart strings that differ in any one character',
    (text, at, delta) => {
      const index = at % text.length;
      const changed =
        text.slice(0, index) +
        String.fromCharCode((text.charCodeAt(index) + delta) & 0xffff) +
        text.slice(index + 1);
      fc.pre(changed !== text);
      expect(fingerprintOf(changed)).not.toBe(fingerprintOf(text));
    },
  );

  it('reads from `start` on only', () => {
    expect(fingerprintOf('aaaXYZ', 3)).toBe(fingerprintOf('bbbXYZ', 3));
    expect(fingerprintOf('XYZ')).toBe(fingerprintOf('aaaXYZ', 3));
  });
});
