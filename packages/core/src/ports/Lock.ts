import * as Context from 'effect/Context';
import * as Effect from 'effect/Effect';
import * as Layer from 'effect/Layer';

/**
 * The lock port: runs effects one at a time per key. The refresh logic takes it per refresh token, so
 * no refresh token is ever presented twice at once. An implementation over a shared store (Redis)
 * extends that guarantee across server instances.
 */
export interface LockShape {
  /** Runs `effect` while holding the lock named `key`; callers with the same key wait their turn. */
  readonly withLock: <A, E, R>(key: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>;
}

/** The lock port's service tag. */
export class Lock extends Context.Service<Lock, LockShape>()('@logto-machine/core/Lock') {}

/**
 * An in-process lock: a FIFO queue per key, removed when it empties, so it holds no memory between
 * uses. Interrupted waiters give up their place.
 *
 * @example
 * ```ts
 * const lock = makeMemoryLock();
 * await Effect.runPromise(lock.withLock('k', Effect.succeed(1)));
 * ```
 */
export const makeMemoryLock = (): LockShape => {
  // Each key maps to the promise the next holder waits for.
  const tails = new Map<string, Promise<void>>();

  const acquire = (key: string) =>
    Effect.callback<() => void>((resume) => {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      let cancelled = false;
      const releaseOnce = () => {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      };
      previous.then(() => {
        if (cancelled) releaseOnce();
        else resume(Effect.succeed(releaseOnce));
      });
      return Effect.sync(() => {
        cancelled = true;
      });
    });

  return {
    // Waiting is interruptible (a timed-out waiter leaves the queue); once acquired, release is certain.
    withLock: (key, effect) =>
      Effect.uninterruptibleMask((restore) =>
        restore(acquire(key)).pipe(
          Effect.flatMap((release) => restore(effect).pipe(Effect.ensuring(Effect.sync(release)))),
        ),
      ),
  };
};

/** The in-process lock layer (a fresh lock table). */
export const layerMemoryLock = (): Layer.Layer<Lock> => Layer.succeed(Lock, makeMemoryLock());
