import * as Effect from 'effect/Effect';

/** A JSON object as decoded from an untrusted response; every field is checked before use. */
export type JsonObject = Record<string, unknown>;

/** Reads a response body as a JSON object; fails with `null` when it is not one. */
export const readJsonObject = (response: Response): Effect.Effect<JsonObject, null> =>
  Effect.tryPromise({ try: () => response.text(), catch: () => null }).pipe(
    Effect.flatMap((text) => {
      try {
        const value: unknown = JSON.parse(text);
        return typeof value === 'object' && value !== null && !Array.isArray(value)
          ? Effect.succeed(value as JsonObject)
          : Effect.fail(null);
      } catch {
        return Effect.fail(null);
      }
    }),
  );

/** `value` if it is a non-empty string. */
export const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
