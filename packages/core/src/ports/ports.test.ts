import {
  clockContract,
  cryptoContract,
  httpContract,
  lockContract,
  storageContract,
} from '@logto-machine/testing';
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../errors.ts';
import { makeManualClock, systemClock } from './Clock.ts';
import { webCrypto } from './Crypto.ts';
import { makeFetchHttp } from './Http.ts';
import { makeMemoryLock } from './Lock.ts';
import { fromStorage, MemoryStorage, type Storage } from './Storage.ts';

/** A second Storage, as an app would write one over a JSON store: shows the contract is reusable. */
class JsonMapStorage implements Storage {
  readonly #entries = new Map<string, string>();

  async get(key: string) {
    const entry = this.#entries.get(key);
    return entry === undefined ? null : (JSON.parse(entry) as { value: string }).value;
  }

  async set(key: string, value: string) {
    this.#entries.set(key, JSON.stringify({ value }));
  }

  async delete(key: string) {
    this.#entries.delete(key);
  }
}

storageContract('MemoryStorage', () => fromStorage(new MemoryStorage()));
storageContract('JsonMapStorage', () => fromStorage(new JsonMapStorage()));
lockContract('makeMemoryLock', makeMemoryLock);
clockContract('systemClock', () => systemClock);
clockContract('makeManualClock', () => makeManualClock(Date.UTC(2026, 0, 1)));
cryptoContract('webCrypto', () => webCrypto);
httpContract('makeFetchHttp', (options) => makeFetchHttp(options));

describe('fromStorage', () => {
  const broken: Storage = {
    get: async () => {
      throw new Error('connection refused');
    },
    set: async () => {
      throw new Error('quota exceeded');
    },
    delete: async () => {
      throw new Error('read-only');
    },
  };

  const failure = async <A>(effect: Effect.Effect<A, StorageError>) => {
    const exit = await Effect.runPromiseExit(effect);
    if (Exit.isSuccess(exit)) throw new Error('expected the storage call to fail');
    return Option.getOrThrow(Exit.findErrorOption(exit));
  };

  it('turns a failed read into StorageError ReadFailed naming the key and cause', async () => {
    const error = await failure(fromStorage(broken).get('session'));
    expect(error).toBeInstanceOf(StorageError);
    expect(error.reason).toBe('ReadFailed');
    expect(error.message).toContain('"session"');
    expect(error.message).toContain('connection refused');
  });

  it('turns a failed write or delete into StorageError WriteFailed without the value', async () => {
    const written = await failure(fromStorage(broken).set('session', 'secret-refresh-token'));
    expect(written.reason).toBe('WriteFailed');
    expect(written.message).not.toContain('secret-refresh-token');
    expect((await failure(fromStorage(broken).delete('session'))).reason).toBe('WriteFailed');
  });
});

describe('makeManualClock', () => {
  it('starts where it is told and stands still', () => {
    const clock = makeManualClock(1000);
    expect([clock.now(), clock.now()]).toEqual([1000, 1000]);
  });

  it('moves forward by advance', () => {
    const clock = makeManualClock(1000);
    clock.advance(61_000);
    expect(clock.now()).toBe(62_000);
  });

  it('jumps to the time given to set', () => {
    const clock = makeManualClock(1000);
    clock.set(Date.UTC(2030, 0, 1));
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1));
  });
});
