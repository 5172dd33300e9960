/**
 * The Lock port's contract suite.
 *
 * @module
 */
import type { LockShape } from '@logto-machine/core';
import * as Deferred from 'effect/Deferred';
import * as Effect from 'effect/Effect';
import * as Fiber from 'effect/Fiber';
import * as Option from 'effect/Option';
import { describe, expect, it } from 'vitest';
import { failureOf, sleep, within } from './waiting.ts';

/**
 * The lock contract: effects under the same key run one at a time, first come first served; the lock
 * is given up however the holder ends, and a caller that stops waiting gives up its place.
 *
 * @example
 * ```ts
 * lockContract('makeMemoryLock', makeMemoryLock);
 * ```
 */
export const lockContract = (name: string, make: () => LockShape): void => {
  describe(`${name} (Lock contract)`, () => {
    /** Holds `key` until the returned `release` is called. */
    const hold = async (lock: LockShape, key: string) => {
      const gate = Deferred.makeUnsafe<void>();
      const holder = Effect.runFork(lock.withLock(key, Deferred.await(gate)));
      await sleep(10);
      return {
        holder,
        release: () =>
          Effect.runPromise(Deferred.succeed(gate, undefined).pipe(Effect.andThen(Fiber.join(holder)))),
      };
    };

    it("returns the effect's value and passes its failure through", async () => {
      const lock = make();
      expect(await Effect.runPromise(lock.withLock('k', Effect.succeed(42)))).toBe(42);
      expect(await failureOf(lock.withLock('k', Effect.fail('boom')))).toBe('boom');
    });

    it('runs effects under the same key one at a time', async () => {
      const lock = make();
      let active = 0;
      let mostActive = 0;
      const critical = Effect.gen(function* () {
        active++;
        mostActive = Math.max(mostActive, active);
        yield* Effect.sleep('5 millis');
        active--;
      });
      await Effect.runPromise(
        Effect.all(
          Array.from({ length: 5 }, () => lock.withLock('k', critical)),
          { concurrency: 'unbounded' },
        ),
      );
      expect(mostActive).toBe(1);
    });

    it('lets waiters in first come, first served', async () => {
      const lock = make();
      const { release } = await hold(lock, 'k');
      const order: number[] = [];
      const waiters = [];
      for (const index of [1, 2, 3, 4]) {
        waiters.push(
          Effect.runPromise(
            lock.withLock(
              'k',
              Effect.sync(() => order.push(index)),
            ),
          ),
        );
        await sleep(2);
      }
      await release();
      await Promise.all(waiters);
      expect(order).toEqual([1, 2, 3, 4]);
    });

    it('runs effects under different keys in parallel', async () => {
      const lock = make();
      const { release } = await hold(lock, 'a');
      const other = await within(500, Effect.runPromise(lock.withLock('b', Effect.succeed('done'))));
      await release();
      expect(other).toBe('done');
    });

    it.each([
      ['fails', Effect.fail('boom')],
      ['dies', Effect.die(new Error('defect'))],
    ])('is given up when the holder %s', async (_, ending) => {
      const lock = make();
      await Effect.runPromiseExit(lock.withLock('k', ending));
      expect(await within(500, Effect.runPromise(lock.withLock('k', Effect.succeed('next'))))).toBe('next');
    });

    it('is given up when the holder is interrupted', async () => {
      const lock = make();
      const holder = Effect.runFork(lock.withLock('k', Effect.never));
      await sleep(10);
      await Effect.runPromise(Fiber.interrupt(holder));
      expect(await within(500, Effect.runPromise(lock.withLock('k', Effect.succeed('next'))))).toBe('next');
    });

    it('lets a waiter that is interrupted leave at once, without running its effect', async () => {
      const lock = make();
      const { release } = await hold(lock, 'k');
      let ran = false;
      const waiter = Effect.runFork(
        lock.withLock(
          'k',
          Effect.sync(() => (ran = true)),
        ),
      );
      await sleep(10);
      const interrupted = await within(500, Effect.runPromise(Fiber.interrupt(waiter)));
      await release();
      expect(interrupted).not.toBe('still waiting');
      expect(ran).toBe(false);
      expect(await within(500, Effect.runPromise(lock.withLock('k', Effect.succeed('next'))))).toBe('next');
    });

    it('lets a waiter time out while the lock is held', async () => {
      const lock = make();
      const { release } = await hold(lock, 'k');
      const waiting = Effect.runPromise(
        lock.withLock('k', Effect.succeed('ran')).pipe(Effect.timeoutOption('20 millis')),
      );
      const outcome = await within(500, waiting);
      await release();
      expect(outcome).toEqual(Option.none());
    });
  });
};
