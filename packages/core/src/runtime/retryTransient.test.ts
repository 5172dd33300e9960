import * as Effect from 'effect/Effect';
import { describe, expect, it } from 'vitest';
import { retryTransient } from './actors.ts';

type Failure = { readonly transient: boolean };

/** An effect that fails with `failures` in turn, then succeeds; records when each attempt started. */
const flaky = (failures: Failure[]) => {
  const attempts: number[] = [];
  const effect = Effect.suspend(() => {
    attempts.push(performance.now());
    const failure = failures.shift();
    return failure ? Effect.fail(failure) : Effect.succeed('ok');
  });
  return { attempts, effect };
};

const isTransient = (failure: Failure) => failure.transient;

describe('retryTransient (discovery, JWKS, userinfo)', () => {
  it('retries a transient failure twice, waiting 150 ms then 600 ms, and then gives up', async () => {
    const { attempts, effect } = flaky([{ transient: true }, { transient: true }, { transient: true }]);
    const exit = await Effect.runPromiseExit(retryTransient(effect, isTransient));
    expect(exit._tag).toBe('Failure');
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(145);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(595);
  });

  it('answers with the first success', async () => {
    const { attempts, effect } = flaky([{ transient: true }]);
    expect(await Effect.runPromise(retryTransient(effect, isTransient))).toBe('ok');
    expect(attempts).toHaveLength(2);
  });

  it('never retries a failure that is not transient', async () => {
    const { attempts, effect } = flaky([{ transient: false }]);
    const exit = await Effect.runPromiseExit(retryTransient(effect, isTransient));
    expect(exit._tag).toBe('Failure');
    expect(attempts).toHaveLength(1);
  });
});
