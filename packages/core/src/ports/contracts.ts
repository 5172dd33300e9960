/**
 * Contract test suites for the ports: each registers `describe` blocks that any implementation of the
 * port must pass. Run one per implementation, e.g. `storageContract('RedisStorage', () => …)`.
 * Imports vitest, so it is never exported from the package entry point.
 *
 * @module
 */
import * as Deferred from 'effect/Deferred';
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Fiber from 'effect/Fiber';
import * as Option from 'effect/Option';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import type { ClockShape } from './Clock.ts';
import type { CryptoShape } from './Crypto.ts';
import type { HttpShape } from './Http.ts';
import type { LockShape } from './Lock.ts';
import type { StorageShape } from './Storage.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `promise`'s value, or `'still waiting'` if it has not settled within `ms`. */
const within = <A>(ms: number, promise: Promise<A>) =>
  Promise.race([promise, sleep(ms).then(() => 'still waiting' as const)]);

/** The error `effect` fails with; throws if it succeeds or dies. */
const failureOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromiseExit(effect);
  if (Exit.isSuccess(exit)) throw new Error('expected the effect to fail, but it succeeded');
  return Option.getOrThrow(Exit.findErrorOption(exit));
};

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

    it.each([
      ['an empty string', ''],
      ['the string "null"', 'null'],
      ['JSON', '{"tokens":{"idToken":"a.b.c"},"n":1}'],
      ['non-ASCII text', 'Grüße, 世界 🔐'],
      ['a large value', 'x'.repeat(64 * 1024)],
    ])('keeps %s exactly', async (_, value) => {
      const storage = make();
      await run(storage.set('session', value));
      expect(await run(storage.get('session'))).toBe(value);
    });
  });
};

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

/** What an HTTP implementation under test is built from: the `fetch` to call and its timeout. */
export interface HttpContractOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
}

/**
 * The HTTP contract: any response is a success (5xx included); a failed fetch is
 * `HttpError('Network')`, no answer within the timeout is `HttpError('Timeout')`.
 *
 * @example
 * ```ts
 * httpContract('makeFetchHttp', (options) => makeFetchHttp(options));
 * ```
 */
export const httpContract = (name: string, make: (options: HttpContractOptions) => HttpShape): void => {
  describe(`${name} (Http contract)`, () => {
    const request = () =>
      new Request('https://tenant.example/oidc/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token',
      });
    const answering =
      (response: () => Response): typeof globalThis.fetch =>
      async () =>
        response();
    /** A fetch that never answers, and rejects when aborted, as a real fetch does. */
    const hangingUntilAborted: typeof globalThis.fetch = (_, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });

    it('sends the request as given and returns the response', async () => {
      const seen: Request[] = [];
      const fetch: typeof globalThis.fetch = async (input) => {
        seen.push(input as Request);
        return new Response('{"ok":true}', { status: 200 });
      };
      const response = await Effect.runPromise(make({ fetch, timeoutMs: 1000 }).fetch(request()));
      expect(await response.json()).toEqual({ ok: true });
      expect(seen).toHaveLength(1);
      const sent = new Request(seen[0]!);
      expect([sent.method, sent.url, sent.headers.get('content-type')]).toEqual([
        'POST',
        'https://tenant.example/oidc/token',
        'application/x-www-form-urlencoded',
      ]);
      expect(await sent.text()).toBe('grant_type=refresh_token');
    });

    it('returns a 500 as a response, not an error', async () => {
      const http = make({ fetch: answering(() => new Response('down', { status: 500 })), timeoutMs: 1000 });
      expect((await Effect.runPromise(http.fetch(request()))).status).toBe(500);
    });

    it('fails with HttpError Network when fetch rejects', async () => {
      const fetch: typeof globalThis.fetch = async () => {
        throw new TypeError('fetch failed');
      };
      const error = await failureOf(make({ fetch, timeoutMs: 1000 }).fetch(request()));
      expect(error).toBeInstanceOf(HttpError);
      expect(error.reason).toBe('Network');
    });

    it('fails with HttpError Timeout when fetch does not answer in time', async () => {
      const started = Date.now();
      const error = await failureOf(make({ fetch: hangingUntilAborted, timeoutMs: 20 }).fetch(request()));
      expect(error).toMatchObject({ _tag: 'HttpError', reason: 'Timeout' });
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('fails with HttpError Timeout even when fetch never settles', async () => {
      const neverSettles: typeof globalThis.fetch = () => new Promise(() => {});
      const outcome = await within(
        1000,
        failureOf(make({ fetch: neverSettles, timeoutMs: 20 }).fetch(request())),
      );
      expect(outcome).toMatchObject({ _tag: 'HttpError', reason: 'Timeout' });
    });

    it('aborts the fetch when the caller is interrupted', async () => {
      let signal: AbortSignal | undefined;
      const fetch: typeof globalThis.fetch = (input, init) => {
        signal = init?.signal ?? (input as Request).signal;
        return hangingUntilAborted(input, init);
      };
      const fiber = Effect.runFork(make({ fetch, timeoutMs: 10_000 }).fetch(request()));
      await sleep(5);
      await Effect.runPromise(Fiber.interrupt(fiber));
      expect(signal?.aborted).toBe(true);
    });
  });
};

export {
  CookieBrowser,
  fakeIdToken,
  signedInRecord,
  storeSessionsContract,
} from '../session/storeSessionsContract.ts';
