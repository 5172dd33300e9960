/**
 * Timing helpers shared by the contract suites: wait, give up waiting, and read an effect's failure.
 *
 * @module
 */
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `promise`'s value, or `'still waiting'` if it has not settled within `ms`. */
export const within = <A>(ms: number, promise: Promise<A>): Promise<A | 'still waiting'> =>
  Promise.race([promise, sleep(ms).then(() => 'still waiting' as const)]);

/** The error `effect` fails with; throws if it succeeds or dies. */
export const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(effect);
  if (Exit.isSuccess(exit)) throw new Error('expected the effect to fail, but it succeeded');
  return Option.getOrThrow(Exit.findErrorOption(exit));
};
