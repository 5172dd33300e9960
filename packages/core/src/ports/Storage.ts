import * as Context from 'effect/Context';
import * as Effect from 'effect/Effect';
import * as Layer from 'effect/Layer';
import { StorageError } from '../errors.ts';

/**
 * Where a client keeps its session: an async key–value store of strings. Implement it over a cookie,
 * a server-side session, Redis or KV; {@link MemoryStorage} is the default.
 */
export interface Storage {
  /** The value under `key`, or `null` when there is none. */
  get(key: string): Promise<string | null>;
  /** Stores `value` under `key`, replacing any previous value. */
  set(key: string, value: string): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Optional fast path: the value `get(key)` would give, synchronously, when it is already at hand;
   * `undefined` when it is not (the client then calls `get`). Cookie sessions answer from their
   * decrypt cache, or open the cookie at once where the runtime lends `node:crypto`, so reading a
   * session does not wait there. Never guess: a value
   * returned here must be exactly what `get` would resolve to now.
   */
  peek?(key: string): string | null | undefined;
  /**
   * Optional, for storages that keep the session under an id the browser holds (server-side session
   * stores): the client calls it when a sign-in succeeded, right before it writes the new session,
   * which must then be stored under a fresh id (and the old id's session ended). So an id planted or
   * learnt before sign-in never holds the user's tokens, not even while the callback runs (no session
   * fixation). Storages whose whole value changes at sign-in (cookies, memory) leave it out.
   *
   * @see https://owasp.org/www-community/attacks/Session_fixation
   */
  rotateId?(): Promise<void>;
}

/**
 * A {@link Storage} in this process's memory: the default for scripts, tests and long-lived clients.
 *
 * @example
 * ```ts
 * const client = new LogtoClient(config, { storage: new MemoryStorage() });
 * ```
 */
export class MemoryStorage implements Storage {
  readonly #values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    return this.#values.get(key) ?? null;
  }

  peek(key: string): string | null {
    return this.#values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.#values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }
}

/** The storage port as Effects: every failure of the underlying {@link Storage} is a {@link StorageError}. */
export interface StorageShape {
  readonly get: (key: string) => Effect.Effect<string | null, StorageError>;
  readonly set: (key: string, value: string) => Effect.Effect<void, StorageError>;
  readonly delete: (key: string) => Effect.Effect<void, StorageError>;
  /** {@link Storage.rotateId}, when the storage has it. */
  readonly rotateId?: (() => Effect.Effect<void, StorageError>) | undefined;
}

/** The storage port's service tag. */
export class StorageService extends Context.Service<StorageService, StorageShape>()(
  '@logto-machine/core/Storage',
) {}

const failed = (reason: 'ReadFailed' | 'WriteFailed', key: string) => (cause: unknown) =>
  // A storage that already says what failed (e.g. `Unavailable`) is passed through as it is.
  cause instanceof StorageError
    ? cause
    : new StorageError({
        reason,
        message: `The session storage failed to ${reason === 'ReadFailed' ? 'read' : 'write'} "${key}" (${
          cause instanceof Error ? cause.message : 'unknown error'
        }); check the storage backend.`,
      });

/** Wraps a Promise-based {@link Storage} as the storage port. */
export const fromStorage = (storage: Storage): StorageShape => ({
  get: (key) => Effect.tryPromise({ try: () => storage.get(key), catch: failed('ReadFailed', key) }),
  set: (key, value) =>
    Effect.tryPromise({ try: () => storage.set(key, value), catch: failed('WriteFailed', key) }),
  delete: (key) => Effect.tryPromise({ try: () => storage.delete(key), catch: failed('WriteFailed', key) }),
  ...(typeof storage.rotateId === 'function'
    ? {
        rotateId: () =>
          Effect.tryPromise({ try: () => storage.rotateId!(), catch: failed('WriteFailed', 'session') }),
      }
    : {}),
});

/** A storage layer over any Promise-based {@link Storage}. */
export const layerStorage = (storage: Storage): Layer.Layer<StorageService> =>
  Layer.succeed(StorageService, fromStorage(storage));

/** A storage layer over a fresh {@link MemoryStorage}. */
export const layerMemory = (): Layer.Layer<StorageService> => layerStorage(new MemoryStorage());
