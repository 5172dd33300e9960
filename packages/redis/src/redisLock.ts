/**
 * A {@link LockShape} over Redis, so refresh stays single-flight across server instances: Logto
 * revokes the whole grant when a used refresh token is presented twice, which signs the user out.
 *
 * Acquire is `SET key token NX PX ttl` with a random token, retried with backoff for at most `waitMs`;
 * release deletes the key only if it still holds our token (compare-and-delete in one Lua script), so
 * a holder whose lock expired never deletes the next holder's. Waiters of one process queue in an
 * in-process lock first (first come, first served; one of them polls Redis). If Redis cannot be
 * reached, the lock falls back to that in-process lock with one warning — a request never hangs on it.
 *
 * @see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, type LockShape, makeMemoryLock } from '@logto-machine/core';
import * as Cause from 'effect/Cause';
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import type { Redis } from 'ioredis';
import { connectRedis } from './connectRedis.ts';

/** Options of {@link makeRedisLock}. */
export interface RedisLockOptions {
  /** An ioredis client (see `connectRedis`), or a Redis URL to connect to. */
  readonly redis: Redis | string;
  /** How long a lock lives if its holder dies, in ms; default 20 000 (longer than a refresh grant can take). */
  readonly ttlMs?: number | undefined;
  /** How long to wait for a lock held elsewhere before going ahead under the in-process lock, in ms; default 20 000. */
  readonly waitMs?: number | undefined;
  /** The first pause between tries, in ms; default 10. It doubles, up to 200, with jitter. */
  readonly retryDelayMs?: number | undefined;
  /** How long one Redis command may take before Redis counts as down, in ms; default 1000. */
  readonly commandTimeoutMs?: number | undefined;
  /** Prefix of the lock keys; default `'logto:lock:'`. */
  readonly keyPrefix?: string | undefined;
}

/** Deletes KEYS[1] only while it holds ARGV[1]: our lock, not a later holder's. */
const releaseScript = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** After Redis failed, how long to go straight to the in-process lock before asking Redis again. */
const cooldownMs = 1000;
const maxRetryDelayMs = 200;

const invalid = (message: string) => new ConfigError({ reason: 'InvalidOption', message });

const positive = (value: number | undefined, fallback: number, name: string) => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`makeRedisLock: ${name} must be a positive whole number of ms, got ${String(value)}.`);
  }
  return value;
};

const withTimeout = <A>(promise: Promise<A>, ms: number): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

const reasonOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

/**
 * A cross-instance single-flight lock over Redis, for `clientOptions: { lock }`.
 *
 * @example
 * ```ts
 * const redis = connectRedis(process.env.REDIS_URL!);
 * const logto = new LogtoServer({
 *   ...config,
 *   session: { store: redisStore(redis), secrets: [process.env.SESSION_SECRET!] },
 *   clientOptions: { lock: makeRedisLock({ redis }) },
 * });
 * ```
 */
export const makeRedisLock = (options: RedisLockOptions): LockShape => {
  if (
    typeof options !== 'object' ||
    options === null ||
    (typeof options.redis !== 'string' && !options.redis)
  ) {
    throw invalid('makeRedisLock needs { redis }: an ioredis client or a Redis URL.');
  }
  const ttlMs = positive(options.ttlMs, 20_000, 'ttlMs');
  const waitMs = positive(options.waitMs, 20_000, 'waitMs');
  const retryDelayMs = positive(options.retryDelayMs, 10, 'retryDelayMs');
  const commandTimeoutMs = positive(options.commandTimeoutMs, 1000, 'commandTimeoutMs');
  const keyPrefix = options.keyPrefix ?? 'logto:lock:';
  const redis = typeof options.redis === 'string' ? connectRedis(options.redis) : options.redis;
  const local = makeMemoryLock();
  let degradedUntil: number | undefined;
  const warned = new Set<'down' | 'wait' | 'expired'>();
  const warnOnce = (kind: 'down' | 'wait' | 'expired', message: string) => {
    if (warned.has(kind)) return;
    warned.add(kind);
    console.warn(`[logto-machine] ${message}`);
  };

  const command = <A>(run: () => Promise<A>) =>
    Effect.tryPromise({ try: () => withTimeout(run(), commandTimeoutMs), catch: (cause) => cause });

  const markDown = (cause: unknown) => {
    degradedUntil = Date.now() + cooldownMs;
    warnOnce(
      'down',
      `The Redis lock is unreachable (${reasonOf(cause)}): refreshes are single-flight within this ` +
        'instance only until Redis is back, so two instances could refresh one session at once.',
    );
  };
  const markUp = () => {
    if (degradedUntil === undefined) return;
    degradedUntil = undefined;
    // The next outage is worth a warning again.
    warned.delete('down');
    console.info('[logto-machine] The Redis lock is reachable again.');
  };

  /** Tries until it holds `key`: `'held'`, or `'local'` when only the in-process lock is held. */
  const acquire = (
    restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>,
    key: string,
    token: string,
  ) =>
    Effect.gen(function* () {
      const deadline = Date.now() + waitMs;
      for (let delay = retryDelayMs; ; delay = Math.min(delay * 2, maxRetryDelayMs)) {
        if (degradedUntil !== undefined && Date.now() < degradedUntil) return 'local' as const;
        // Not interruptible: a SET that succeeded is always followed by its release.
        const attempt = yield* Effect.exit(command(() => redis.set(key, token, 'PX', ttlMs, 'NX')));
        if (Exit.isFailure(attempt)) {
          markDown(Cause.squash(attempt.cause));
          return 'local' as const;
        }
        markUp();
        if (attempt.value === 'OK') return 'held' as const;
        if (Date.now() >= deadline) {
          warnOnce(
            'wait',
            `A Redis lock was held for more than waitMs (${waitMs} ms); going ahead under the in-process lock only. ` +
              'Raise waitMs if refresh grants can take that long.',
          );
          return 'local' as const;
        }
        // Waiting is interruptible: a caller that gives up leaves at once, holding nothing.
        yield* restore(Effect.sleep(`${Math.round(delay * (0.5 + Math.random()))} millis`));
      }
    });

  const release = (key: string, token: string) =>
    command(() => redis.eval(releaseScript, 1, key, token)).pipe(
      Effect.tap((deleted) =>
        Effect.sync(() => {
          if (deleted === 0) {
            warnOnce(
              'expired',
              `A Redis lock expired before its holder finished (ttlMs ${ttlMs}); raise ttlMs above the longest refresh grant.`,
            );
          }
        }),
      ),
      // Redis gone: the key expires by itself after ttlMs.
      Effect.ignore,
    );

  return {
    withLock: (key, effect) =>
      local.withLock(
        key,
        Effect.uninterruptibleMask((restore) => {
          const redisKey = `${keyPrefix}${key}`;
          const token = randomBytes(16).toString('hex');
          return Effect.flatMap(acquire(restore, redisKey, token), (outcome) =>
            outcome === 'held'
              ? restore(effect).pipe(Effect.ensuring(release(redisKey, token)))
              : restore(effect),
          );
        }),
      ),
  };
};
