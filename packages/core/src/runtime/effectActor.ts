/**
 * Actor logic that carries an Effect: how the runtime binds the machine's actors with `.provide()`,
 * typed against what `setup()` declares, while the interpreter (not XState) runs them on the ports.
 *
 * @module
 */
import type * as Effect from 'effect/Effect';
import { type AnyActorLogic, fromPromise, type PromiseActorLogic } from 'xstate';

const effectOf = Symbol.for('@logto-machine/core/effectActor');

/** A promise actor's logic, as `setup()` declares it, that also carries the Effect the interpreter runs. */
export interface EffectActorLogic<TInput, TOutput, R> extends PromiseActorLogic<TOutput, TInput> {
  readonly [effectOf]: (input: TInput) => Effect.Effect<TOutput, unknown, R>;
}

/** Binds an actor to an Effect: `machine.provide({ actors: { refreshTokens: fromEffect(refreshTokens) } })`. */
export const fromEffect = <TInput, TOutput, R>(
  run: (input: TInput) => Effect.Effect<TOutput, unknown, R>,
): EffectActorLogic<TInput, TOutput, R> =>
  Object.assign(
    fromPromise<TOutput, TInput>(async () => {
      throw new Error(
        'This actor runs in the logto-machine interpreter (runtime/interpreter.ts), not in a live XState actor.',
      );
    }),
    { [effectOf]: run },
  );

/** Whether `logic` was bound with {@link fromEffect}; its Effect then takes the actor's input. */
export const isEffectActor = <R>(logic: AnyActorLogic): logic is EffectActorLogic<unknown, unknown, R> =>
  effectOf in logic;

/** The Effect of an actor bound with {@link fromEffect}, for `input`. */
export const runEffectActor = <R>(logic: EffectActorLogic<unknown, unknown, R>, input: unknown) =>
  logic[effectOf](input);
