import { describe, expect, it } from 'vitest';
import { DecryptCache } from './decryptCache.ts';

const tail = 'T'.repeat(24);
const sealedA = `v1.${'a'.repeat(100)}${tail}`;

describe('DecryptCache', () => {
  it('returns the identical plaintext for the identical sealed value and name', () => {
    const cache = new DecryptCache(10);
    const plaintext = `{"x":${'1'.repeat(50)}}`;
    cache.set(sealedA, 'n', plaintext);
    // A fresh string with the same content (as a new request brings it).
    expect(cache.get(`v1.${'a'.repeat(100)}${'T'.repeat(24)}`, 'n')).toBe(plaintext);
  });

  it('misses for another name or another value with the same tail (nothing weaker than equality)', () => {
    const cache = new DecryptCache(10);
    cache.set(sealedA, 'n', 'p');
    expect(cache.get(sealedA, 'other')).toBeUndefined();
    expect(cache.get(`v1.${'b'.repeat(100)}${tail}`, 'n')).toBeUndefined();
    expect(cache.get(tail, 'n')).toBeUndefined();
  });

  it('holds at most its capacity, keeping entries read in the last generation', () => {
    const cache = new DecryptCache(4);
    const sealed = (i: number) => `v1.${String(i).padStart(30, '0')}`;
    cache.set(sealed(0), 'n', 'p0');
    for (let i = 1; i < 20; i++) {
      cache.set(sealed(i), 'n', `p${i}`);
      expect(cache.get(sealed(0), 'n')).toBe('p0');
      expect(cache.size).toBeLessThanOrEqual(4);
    }
    expect(cache.get(sealed(1), 'n')).toBeUndefined();
    expect(cache.get(sealed(19), 'n')).toBe('p19');
  });
});

describe('DecryptCache.offer', () => {
  const sealed = (i: number) => `v1.${'x'.repeat(40)}${String(i).padStart(24, '0')}`;

  it('caches a value read on its second sight within the window, not on its first', () => {
    const cache = new DecryptCache(10);
    cache.offer(sealed(1), 'n', 'p1');
    expect(cache.get(sealed(1), 'n')).toBeUndefined();
    cache.offer(sealed(1), 'n', 'p1');
    expect(cache.get(sealed(1), 'n')).toBe('p1');
  });

  it('never caches values that come back less often than the cache turns over', () => {
    const cache = new DecryptCache(10);
    // 100 values in rotation against a window of 10: none is seen twice within it.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 100; i++) cache.offer(sealed(i), 'n', `p${i}`);
    }
    expect(cache.size).toBeLessThanOrEqual(3);
  });
});
