import * as Effect from 'effect/Effect';
import type { JSONWebKeySet } from 'jose';
import type { DiscoveryError, IdTokenError } from '../errors.ts';
import type { ProviderMetadata } from '../oidc/discovery.ts';
import { SharedCache } from './sharedCache.ts';

/** How long provider documents are kept, and how often an unknown `kid` may trigger a JWKS re-fetch. */
export interface ProviderCacheOptions {
  /** Default 10 minutes. */
  readonly discoveryTtlMs?: number | undefined;
  /** Default 10 minutes. */
  readonly jwksTtlMs?: number | undefined;
  /** Default 30 seconds: a flood of tokens with unknown `kid`s cannot turn into a flood of JWKS requests. */
  readonly jwksRefetchCooldownMs?: number | undefined;
}

/**
 * Discovery documents and JWKS, shared by every client of the process (server adapters build a
 * client per request, and must not fetch either per request).
 */
export class ProviderCache {
  readonly discoveryTtlMs: number;
  readonly jwksTtlMs: number;
  readonly jwksRefetchCooldownMs: number;
  readonly #discovery = new SharedCache<ProviderMetadata, DiscoveryError>();
  readonly #jwks = new SharedCache<JSONWebKeySet, IdTokenError>();
  readonly #jwksRefetchedAt = new Map<string, number>();

  constructor(options: ProviderCacheOptions = {}) {
    this.discoveryTtlMs = options.discoveryTtlMs ?? 600_000;
    this.jwksTtlMs = options.jwksTtlMs ?? 600_000;
    this.jwksRefetchCooldownMs = options.jwksRefetchCooldownMs ?? 30_000;
  }

  /** The issuer's metadata, loaded with `load` when missing or stale. */
  discovery(
    issuer: string,
    now: number,
    load: Effect.Effect<ProviderMetadata, DiscoveryError>,
  ): Effect.Effect<ProviderMetadata, DiscoveryError> {
    return this.#discovery.get(issuer, now, this.discoveryTtlMs, load);
  }

  /** The JWKS at `jwksUri`, loaded with `load` when missing or stale. */
  jwks(jwksUri: string, now: number, load: Effect.Effect<JSONWebKeySet, IdTokenError>) {
    return this.#jwks.get(jwksUri, now, this.jwksTtlMs, load);
  }

  /** Re-fetches the JWKS for an unknown `kid`, unless it was re-fetched within the cooldown (then `null`). */
  refetchJwks(
    jwksUri: string,
    now: number,
    load: Effect.Effect<JSONWebKeySet, IdTokenError>,
  ): Effect.Effect<JSONWebKeySet | null, IdTokenError> {
    const refetchedAt = this.#jwksRefetchedAt.get(jwksUri);
    if (refetchedAt !== undefined && now - refetchedAt < this.jwksRefetchCooldownMs)
      return Effect.succeed(null);
    this.#jwksRefetchedAt.set(jwksUri, now);
    return this.#jwks.reload(jwksUri, now, this.jwksTtlMs, load);
  }
}

/** The process-wide cache every client uses unless given its own. */
export const defaultProviderCache = new ProviderCache();
