import * as Effect from 'effect/Effect';
import type * as Exit from 'effect/Exit';

interface Entry<A> {
  readonly value: A;
  readonly expiresAt: number;
}

/**
 * A per-process cache of provider documents (discovery, JWKS): values live for a TTL, concurrent
 * misses share one load, and a failed load is never cached, so the next caller tries again.
 */
export class SharedCache<A, E> {
  readonly #entries = new Map<string, Entry<A>>();
  readonly #loading = new Map<string, Promise<Exit.Exit<A, E>>>();

  /** The cached value for `key` while fresh at `now`; otherwise runs `load` once for all concurrent callers. */
  get(key: string, now: number, ttlMs: number, load: Effect.Effect<A, E>): Effect.Effect<A, E> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > now) return Effect.succeed(entry.value);
    return this.reload(key, now, ttlMs, load);
  }

  /** Loads `key` again (joining a load already under way) and caches a success. */
  reload(key: string, now: number, ttlMs: number, load: Effect.Effect<A, E>): Effect.Effect<A, E> {
    return Effect.flatten(
      Effect.promise(() => {
        const pending = this.#loading.get(key);
        if (pending) return pending;
        const started = Effect.runPromiseExit(load).then((exit) => {
          this.#loading.delete(key);
          if (exit._tag === 'Success') this.#entries.set(key, { value: exit.value, expiresAt: now + ttlMs });
          return exit;
        });
        this.#loading.set(key, started);
        return started;
      }),
    );
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.#entries.clear();
  }
}
