/**
 * The Crypto port's contract suite.
 *
 * @module
 */
import type { CryptoShape } from '@logto-machine/core';
import * as Effect from 'effect/Effect';
import { describe, expect, it } from 'vitest';

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * The crypto contract: random bytes of the asked length, and SHA-256 as FIPS 180-4 defines it.
 *
 * @example
 * ```ts
 * cryptoContract('webCrypto', () => webCrypto);
 * ```
 */
export const cryptoContract = (name: string, make: () => CryptoShape): void => {
  describe(`${name} (Crypto contract)`, () => {
    it.each([0, 1, 32, 64])('returns %i random bytes', (length) => {
      expect(make().randomBytes(length)).toHaveLength(length);
    });

    it('returns different bytes each time', () => {
      const crypto = make();
      const draws = new Set(Array.from({ length: 20 }, () => hex(crypto.randomBytes(32))));
      expect(draws.size).toBe(20);
    });

    it.each([
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ])('hashes %j to the known SHA-256 digest', async (input, digest) => {
      const bytes = await Effect.runPromise(make().sha256(new TextEncoder().encode(input)));
      expect(hex(bytes)).toBe(digest);
    });

    it('hashes only the bytes of a view into a larger buffer', async () => {
      const buffer = new TextEncoder().encode('xxabcxx');
      const bytes = await Effect.runPromise(make().sha256(buffer.subarray(2, 5)));
      expect(hex(bytes)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });
  });
};
