import * as Context from 'effect/Context';
import * as Layer from 'effect/Layer';

/** The clock port. Time is read here only, so tests and properties can move it at will. */
export interface ClockShape {
  /** Milliseconds since the Unix epoch. */
  readonly now: () => number;
}

/** The clock port's service tag. */
export class Clock extends Context.Service<Clock, ClockShape>()('@logto-machine/core/Clock') {}

/** The system clock (`Date.now`). */
export const systemClock: ClockShape = { now: () => Date.now() };

/** A clock that moves only when told: for tests and property runs. */
export interface ManualClock extends ClockShape {
  /** Moves the clock forward by `ms` milliseconds. */
  readonly advance: (ms: number) => void;
  /** Sets the clock to `ms` milliseconds since the epoch. */
  readonly set: (ms: number) => void;
}

/**
 * A {@link ManualClock} starting at `startMs`.
 *
 * @example
 * ```ts
 * const clock = makeManualClock(Date.UTC(2026, 0, 1));
 * clock.advance(61_000);
 * ```
 */
export const makeManualClock = (startMs = 0): ManualClock => {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
};

/** The system clock layer. */
export const layerSystemClock: Layer.Layer<Clock> = Layer.succeed(Clock, systemClock);
