import * as Effect from 'effect/Effect';
import type { JSONWebKeySet } from 'jose';
import { IdTokenError } from '../errors.ts';
import { readJsonObject } from './json.ts';

/** The JWKS request. */
export const jwksRequest = (jwksUri: string): Request =>
  new Request(jwksUri, { headers: { accept: 'application/jwk-set+json, application/json' } });

const unavailable = (message: string) => new IdTokenError({ reason: 'KeysUnavailable', message });

/** Validates a JWKS response (RFC 7517 §5): a JSON object whose `keys` is an array of objects. */
export const processJwksResponse = (response: Response): Effect.Effect<JSONWebKeySet, IdTokenError> =>
  Effect.gen(function* () {
    if (response.status !== 200) {
      return yield* unavailable(`The provider's JWKS endpoint answered ${response.status}; try again later.`);
    }
    const body = yield* readJsonObject(response).pipe(
      Effect.mapError(() => unavailable('The provider JWKS is not a JSON object.')),
    );
    const keys = body.keys;
    if (
      !Array.isArray(keys) ||
      !keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key))
    ) {
      return yield* unavailable('The provider JWKS has no "keys" array.');
    }
    return { keys } as JSONWebKeySet;
  });
