/**
 * The Clock port's contract suite.
 *
 * @module
 */
import type { ClockShape } from '@logto-machine/core';
import { describe, expect, it } from 'vitest';
import { sleep } from './waiting.ts';

/**
 * The clock contract: milliseconds since the epoch that never go backwards between reads.
 *
 * @example
 * ```ts
 * clockContract('systemClock', () => systemClock);
 * ```
 */
export const clockContract = (name: string, make: () => ClockShape): void => {
  describe(`${name} (Clock contract)`, () => {
    it('reads a finite number of milliseconds', () => {
      const now = make().now();
      expect(Number.isFinite(now)).toBe(true);
      expect(now).toBeGreaterThanOrEqual(0);
    });

    it('never goes backwards between reads', async () => {
      const clock = make();
      const reads: number[] = [];
      for (let index = 0; index < 1000; index++) reads.push(clock.now());
      await sleep(2);
      reads.push(clock.now());
      expect(reads).toEqual([...reads].sort((a, b) => a - b));
    });
  });
};
