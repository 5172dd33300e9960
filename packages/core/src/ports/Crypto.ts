import * as Context from 'effect/Context';
import * as Effect from 'effect/Effect';
import * as Layer from 'effect/Layer';

/** The crypto port: randomness and hashing, from Web Crypto on every runtime. */
export interface CryptoShape {
  /** `length` cryptographically random bytes. */
  readonly randomBytes: (length: number) => Uint8Array;
  /** The SHA-256 digest of `data`. */
  readonly sha256: (data: Uint8Array) => Effect.Effect<Uint8Array>;
}

/** The crypto port's service tag. */
export class Crypto extends Context.Service<Crypto, CryptoShape>()('@logto-machine/core/Crypto') {}

/** {@link CryptoShape} over `globalThis.crypto` (Node ≥ 20, Bun, Deno, Workers). */
export const webCrypto: CryptoShape = {
  randomBytes: (length) => globalThis.crypto.getRandomValues(new Uint8Array(length)),
  sha256: (data) =>
    Effect.promise(
      async () =>
        new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)),
    ),
};

/** The Web Crypto layer. */
export const layerWebCrypto: Layer.Layer<Crypto> = Layer.succeed(Crypto, webCrypto);
