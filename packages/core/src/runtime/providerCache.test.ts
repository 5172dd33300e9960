import * as Effect from 'effect/Effect';
import { describe, expect, it } from 'vitest';
import { DiscoveryError, IdTokenError } from '../errors.ts';
import type { ProviderMetadata } from '../oidc/discovery.ts';
import { ProviderCache } from './providerCache.ts';

const metadata = { issuer: 'https://a.example/oidc' } as ProviderMetadata;

/** A load that counts its runs and resolves when told, so concurrency is visible. */
const countingLoad = <A, E>(result: () => Effect.Effect<A, E>) => {
  const counter = { runs: 0 };
  const load = Effect.suspend(() => {
    counter.runs++;
    return Effect.andThen(Effect.sleep('5 millis'), result());
  });
  return { counter, load };
};

describe('ProviderCache discovery', () => {
  it('shares one load among concurrent callers and caches it for the TTL', async () => {
    const cache = new ProviderCache({ discoveryTtlMs: 1_000 });
    const { counter, load } = countingLoad(() => Effect.succeed(metadata));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => Effect.runPromise(cache.discovery(metadata.issuer, 0, load))),
    );
    expect(results.every((result) => result === metadata)).toBe(true);
    expect(counter.runs).toBe(1);
    await Effect.runPromise(cache.discovery(metadata.issuer, 999, load));
    expect(counter.runs).toBe(1);
    await Effect.runPromise(cache.discovery(metadata.issuer, 1_000, load));
    expect(counter.runs).toBe(2);
  });

  it('never caches a failure: the next caller tries again', async () => {
    const cache = new ProviderCache();
    let fail = true;
    const { counter, load } = countingLoad(() =>
      fail
        ? Effect.fail(new DiscoveryError({ reason: 'Unavailable', message: 'down' }))
        : Effect.succeed(metadata),
    );
    const first = await Effect.runPromise(Effect.flip(cache.discovery(metadata.issuer, 0, load)));
    expect(first.reason).toBe('Unavailable');
    fail = false;
    expect(await Effect.runPromise(cache.discovery(metadata.issuer, 1, load))).toBe(metadata);
    expect(counter.runs).toBe(2);
  });

  it('keeps issuers apart', async () => {
    const cache = new ProviderCache();
    const other = { issuer: 'https://b.example/oidc' } as ProviderMetadata;
    await Effect.runPromise(cache.discovery(metadata.issuer, 0, Effect.succeed(metadata)));
    expect(await Effect.runPromise(cache.discovery(other.issuer, 0, Effect.succeed(other)))).toBe(other);
  });
});

describe('ProviderCache JWKS', () => {
  const keys = { keys: [{ kty: 'EC', kid: 'a' }] };
  const rotated = { keys: [{ kty: 'EC', kid: 'b' }] };

  it('re-fetches for an unknown kid at most once per cooldown', async () => {
    const cache = new ProviderCache({ jwksRefetchCooldownMs: 30_000 });
    let current = keys;
    const { counter, load } = countingLoad(() => Effect.succeed(current));
    const uri = 'https://a.example/oidc/jwks';
    expect(await Effect.runPromise(cache.jwks(uri, 0, load))).toBe(keys);
    current = rotated;
    expect(await Effect.runPromise(cache.refetchJwks(uri, 10, load))).toBe(rotated);
    expect(await Effect.runPromise(cache.jwks(uri, 20, load))).toBe(rotated);
    expect(await Effect.runPromise(cache.refetchJwks(uri, 29_000, load))).toBeNull();
    expect(counter.runs).toBe(2);
    expect(await Effect.runPromise(cache.refetchJwks(uri, 40_011, load))).toBe(rotated);
    expect(counter.runs).toBe(3);
  });

  it('reports an unavailable JWKS as a failure without caching it', async () => {
    const cache = new ProviderCache();
    const load = Effect.fail(new IdTokenError({ reason: 'KeysUnavailable', message: 'down' }));
    const error = await Effect.runPromise(Effect.flip(cache.jwks('https://a.example/jwks', 0, load)));
    expect(error.reason).toBe('KeysUnavailable');
    expect(await Effect.runPromise(cache.jwks('https://a.example/jwks', 1, Effect.succeed(keys)))).toBe(keys);
  });
});
