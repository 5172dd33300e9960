/**
 * The Storage port's contract suite.
 *
 * @module
 */
import type { StorageShape } from '@logto-machine/core';
import * as Effect from 'effect/Effect';
import { describe, expect, it } from 'vitest';

/** The values every storage must keep to the character, by what they test (an implementation's own tests may reuse them). */
export const storageContractValues: readonly (readonly [label: string, value: string])[] = [
  ['an empty string', ''],
  ['the string "null"', 'null'],
  ['JSON', '{"tokens":{"idToken":"a.b.c"},"n":1}'],
  ['non-ASCII text', 'Grüße, 世界 🔐'],
  ['a large value', 'x'.repeat(64 * 1024)],
];

/**
 * The storage contract: a key–value store of strings where a missing key reads as `null`.
 *
 * @example
 * ```ts
 * storageContract('MemoryStorage', () => fromStorage(new MemoryStorage()));
 * ```
 */
export const storageContract = (name: string, make: () => StorageShape): void => {
  describe(`${name} (Storage contract)`, () => {
    const run = Effect.runPromise;

    it('reads a missing key as null', async () => {
      expect(await run(make().get('missing'))).toBeNull();
    });

    it('reads back what was written', async () => {
      const storage = make();
      await run(storage.set('session', 'value-1'));
      expect(await run(storage.get('session'))).toBe('value-1');
    });

    it('replaces the value on a second write', async () => {
      const storage = make();
      await run(storage.set('session', 'value-1'));
      await run(storage.set('session', 'value-2'));
      expect(await run(storage.get('session'))).toBe('value-2');
    });

    it('forgets a deleted key', async () => {
      const storage = make();
      await run(storage.set('session', 'value-1'));
      await run(storage.delete('session'));
      expect(await run(storage.get('session'))).toBeNull();
    });

    it('deletes a missing key without failing', async () => {
      await expect(run(make().delete('missing'))).resolves.toBeUndefined();
    });

    it('keeps keys apart', async () => {
      const storage = make();
      await run(storage.set('a', '1'));
      await run(storage.set('b', '2'));
      await run(storage.delete('a'));
      expect([await run(storage.get('a')), await run(storage.get('b'))]).toEqual([null, '2']);
    });

    it.each(storageContractValues)('keeps %s exactly', async (_, value) => {
      const storage = make();
      await run(storage.set('session', value));
      expect(await run(storage.get('session'))).toBe(value);
    });
  });
};
