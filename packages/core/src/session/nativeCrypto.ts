/**
 * The synchronous crypto fast path of sessions. In Node a Web Crypto call costs 20–80 µs of CPU (a
 * thread-pool hop and its promises) where `node:crypto` does the same work in 2–5 µs, inline. So where
 * the runtime lends its `node:crypto` through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno,
 * workerd with `nodejs_compat`), sessions use it; elsewhere they use Web Crypto.
 *
 * The core imports no `node:` module (bundles for Web-standard runtimes must not break): the lookup
 * happens at run time, typed by the few members used here. Both paths produce the same bytes, so a
 * value sealed or signed on one opens on the other; a known-answer check at detection keeps a runtime
 * whose `node:crypto` is partial or different on Web Crypto.
 *
 * @module
 */

/** The members of `node:crypto`'s `Cipher` used here. */
interface NodeCipher {
  setAAD(data: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
  getAuthTag(): Uint8Array;
}

/** The members of `node:crypto`'s `Decipher` used here. */
interface NodeDecipher {
  setAAD(data: Uint8Array): unknown;
  setAuthTag(tag: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

/** The members of `node:crypto` used here. */
/** Node's `KeyObject`, opaque here. */
interface NodeKeyObject {
  readonly type: 'secret';
}

interface NodeCryptoModule {
  hkdfSync(
    digest: 'sha256',
    key: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): ArrayBuffer;
  createSecretKey(key: Uint8Array): NodeKeyObject;
  createCipheriv(
    algorithm: 'aes-256-gcm',
    key: NodeKeyObject,
    iv: Uint8Array,
    options: { authTagLength: number },
  ): NodeCipher;
  createDecipheriv(
    algorithm: 'aes-256-gcm',
    key: NodeKeyObject,
    iv: Uint8Array,
    options: { authTagLength: number },
  ): NodeDecipher;
  createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: string): { digest(): Uint8Array } };
}

/** The members of `node:buffer` used here. */
interface NodeBufferModule {
  /** Node ≥ 18.14; where it is missing, a fatal `TextDecoder` decodes instead. */
  isUtf8?: ((bytes: Uint8Array) => boolean) | undefined;
  Buffer: {
    byteLength(text: string, encoding: 'utf8'): number;
    from(text: string, encoding: 'base64url'): Uint8Array;
    from(
      buffer: ArrayBufferLike,
      byteOffset: number,
      length: number,
    ): { toString(encoding: 'base64url' | 'utf8'): string };
  };
}

/** Synchronous HKDF, AES-256-GCM, HMAC-SHA256 and base64url, with the results Web Crypto gives. */
export interface NativeCrypto {
  /** HKDF-SHA256 output of `length` bytes, as Web Crypto's HKDF `deriveKey`/`deriveBits` gives. */
  hkdfSha256(secret: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** AES-256-GCM encryption: ciphertext ‖ 16-byte tag, as Web Crypto's `encrypt` returns. */
  encryptAesGcm(
    key: Uint8Array,
    iv: Uint8Array,
    plaintext: Uint8Array,
    additionalData: Uint8Array,
  ): Uint8Array;
  /** AES-256-GCM decryption of ciphertext ‖ 16-byte tag; `null` when it is not authentic. */
  decryptAesGcm(
    key: Uint8Array,
    iv: Uint8Array,
    sealed: Uint8Array,
    additionalData: Uint8Array,
  ): Uint8Array | null;
  /** HMAC-SHA256 of the UTF-8 bytes of `message`. */
  hmacSha256(key: Uint8Array, message: string): Uint8Array;
  /** Unpadded base64url, as `oidc/base64url.ts` encodes. */
  encodeBase64Url(bytes: Uint8Array): string;
  /** Base64url to bytes, refusing exactly what `oidc/base64url.ts` refuses (`null`). */
  decodeBase64Url(text: string): Uint8Array | null;
  /** UTF-8 bytes to text, refusing malformed UTF-8 (`null`) as a fatal `TextDecoder` does. */
  decodeUtf8(bytes: Uint8Array): string | null;
}

const tagLength = 16;
const fatalDecoder = new TextDecoder('utf-8', { fatal: true });
const decodeUtf8Fatal = (bytes: Uint8Array): string | null => {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    return null;
  }
};

const adapt = (crypto: NodeCryptoModule, { Buffer, isUtf8 }: NodeBufferModule): NativeCrypto => {
  // Node imports raw key bytes into a key object on every cipher it makes (~1 µs): imported once per key
  // (derived keys are never changed in place).
  const keyObjects = new WeakMap<Uint8Array, NodeKeyObject>();
  const keyObjectOf = (key: Uint8Array): NodeKeyObject => {
    let keyObject = keyObjects.get(key);
    if (keyObject === undefined) {
      keyObject = crypto.createSecretKey(key);
      keyObjects.set(key, keyObject);
    }
    return keyObject;
  };
  return {
    hkdfSha256: (secret, salt, info, length) =>
      new Uint8Array(crypto.hkdfSync('sha256', secret, salt, info, length)),
    encryptAesGcm: (key, iv, plaintext, additionalData) => {
      const cipher = crypto.createCipheriv('aes-256-gcm', keyObjectOf(key), iv, { authTagLength: tagLength });
      cipher.setAAD(additionalData);
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      const tag = cipher.getAuthTag();
      const sealed = new Uint8Array(head.length + tail.length + tag.length);
      sealed.set(head);
      sealed.set(tail, head.length);
      sealed.set(tag, head.length + tail.length);
      return sealed;
    },
    decryptAesGcm: (key, iv, sealed, additionalData) => {
      if (sealed.length < tagLength) return null;
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', keyObjectOf(key), iv, {
          authTagLength: tagLength,
        });
        decipher.setAAD(additionalData);
        decipher.setAuthTag(sealed.subarray(sealed.length - tagLength));
        const head = decipher.update(sealed.subarray(0, sealed.length - tagLength));
        // `final` checks the tag: nothing decrypted is returned before it has passed.
        const tail = decipher.final();
        if (tail.length === 0) return head;
        const plaintext = new Uint8Array(head.length + tail.length);
        plaintext.set(head);
        plaintext.set(tail, head.length);
        return plaintext;
      } catch {
        return null;
      }
    },
    hmacSha256: (key, message) => crypto.createHmac('sha256', key).update(message).digest(),
    encodeBase64Url: (bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url'),
    decodeBase64Url: (text) => {
      let length = text.length;
      if (text.charCodeAt(length - 1) === 61 /* = */) length -= text.charCodeAt(length - 2) === 61 ? 2 : 1;
      if (length % 4 === 1) return null;
      const unpadded = length === text.length ? text : text.slice(0, length);
      const bytes = Buffer.from(unpadded, 'base64url');
      // Checked without spelling the bytes back (that costs more than the decoding): Buffer skips ASCII
      // characters it does not know and stops at `=`, so any of them leaves fewer bytes than the length
      // promises (for a length not 1 more than a multiple of 4, refused above); it reads a non-ASCII
      // character by its low byte, so the text must be ASCII (one UTF-8 byte per character); and it
      // reads `+` and `/`, which the shared decoder refuses. The last character may carry unused bits,
      // as there.
      return bytes.length === Math.floor((length * 3) / 4) &&
        Buffer.byteLength(unpadded, 'utf8') === length &&
        unpadded.indexOf('+') === -1 &&
        unpadded.indexOf('/') === -1
        ? bytes
        : null;
    },
    // A fatal `TextDecoder` takes a slow path in Node; checking first and then decoding does not.
    decodeUtf8:
      typeof isUtf8 === 'function'
        ? (bytes) =>
            isUtf8(bytes)
              ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
              : null
        : decodeUtf8Fatal,
  };
};

const encoder = new TextEncoder();

/**
 * Known answers, computed with Web Crypto: HKDF("self-test", "salt", "info") → key; AES-256-GCM of
 * "plaintext" under key, a zero IV and AAD "name"; HMAC-SHA256 of "name=id" under key.
 */
const known = {
  key: 'tAPVHCn5eUB2GdhNU1Bt3UcSdVj0cXvERT2vHpOJWzs',
  sealed: 'RNiuX6k9O1WityqAXLQG5XyHuQRweUtyQA',
  mac: 'wc6ihaZwe4qV658adPmH6cvpBERQGA-JPF5bCubaG1k',
};

/** Whether `native` gives the bytes Web Crypto gives, and refuses a forged tag. */
const passesSelfTest = (native: NativeCrypto): boolean => {
  const key = native.hkdfSha256(
    encoder.encode('self-test'),
    encoder.encode('salt'),
    encoder.encode('info'),
    32,
  );
  const iv = new Uint8Array(12);
  const name = encoder.encode('name');
  const sealed = native.encryptAesGcm(key, iv, encoder.encode('plaintext'), name);
  const forged = sealed.slice();
  forged[forged.length - 1]! ^= 1;
  return (
    native.encodeBase64Url(key) === known.key &&
    native.encodeBase64Url(sealed) === known.sealed &&
    native.encodeBase64Url(native.hmacSha256(key, 'name=id')) === known.mac &&
    native.decryptAesGcm(key, iv, sealed, name) !== null &&
    native.decryptAesGcm(key, iv, forged, name) === null &&
    native.decodeUtf8(encoder.encode('Zoë')) === 'Zoë' &&
    native.decodeUtf8(new Uint8Array([0x5a, 0xc3])) === null
  );
};

/**
 * Looks for the runtime's `node:crypto` afresh and checks it against known answers: the runtime's
 * synchronous crypto, or `null` where there is none or it gives other bytes. {@link nativeCrypto} is
 * the same, detected once.
 */
export const detectNativeCrypto = (): NativeCrypto | null => {
  const global = globalThis as {
    EdgeRuntime?: unknown;
    process?: { getBuiltinModule?: ((id: string) => unknown) | undefined } | undefined;
  };
  // Vercel's Edge Runtime promises Web APIs only, and its emulations run inside Node (vitest's
  // `edge-runtime` environment keeps Node's `process`): keep to Web Crypto there, as on a Worker.
  if (typeof global.EdgeRuntime === 'string') return null;
  try {
    const { process } = global;
    const crypto = process?.getBuiltinModule?.('node:crypto') as NodeCryptoModule | undefined;
    const buffer = process?.getBuiltinModule?.('node:buffer') as NodeBufferModule | undefined;
    if (crypto === undefined || buffer === undefined) return null;
    const native = adapt(crypto, buffer);
    return passesSelfTest(native) ? native : null;
  } catch {
    // A runtime that lists `node:crypto` but lacks one of these functions: Web Crypto does it all.
    return null;
  }
};

let detected: NativeCrypto | null | undefined;

/** The runtime's synchronous crypto, or `null` where there is none (Web Crypto then). Detected once. */
export const nativeCrypto = (): NativeCrypto | null => {
  if (detected === undefined) detected = detectNativeCrypto();
  return detected;
};

/** What a {@link DerivedKey} holds: raw bytes for the native path, or a non-extractable `CryptoKey`. */
export type KeyMaterial =
  | { readonly native: NativeCrypto; readonly bytes: Uint8Array }
  | { readonly native: null; readonly web: CryptoKey };

/**
 * A key derived from a session secret, for one `use`. Opaque: the material sits in a private field,
 * so a log line or `JSON.stringify` of anything holding the key never shows its bytes (as with a
 * non-extractable `CryptoKey`); only the module that derived it reads it, through {@link DerivedKey.materialOf}.
 */
export class DerivedKey<Use extends string> {
  /** What the key is for (a sealing key is never taken for a signing key). */
  readonly use: Use;
  /** Which path its operations take. */
  readonly path: 'native' | 'web';
  readonly #material: KeyMaterial;

  constructor(use: Use, material: KeyMaterial) {
    this.use = use;
    this.path = material.native === null ? 'web' : 'native';
    this.#material = material;
  }

  /** The key's material, for the module that derived it. */
  static materialOf(key: DerivedKey<string>): KeyMaterial {
    return key.#material;
  }
}

/**
 * Derives the 256-bit key for `use` from a session secret with HKDF-SHA256 (`salt`, `info`): raw
 * bytes on the native path (`native`, by default the runtime's), else — `native` null — a
 * non-extractable Web Crypto key for `algorithm` and `usages`. Both paths derive the same bytes, and
 * every operation with the key takes the path it was derived on.
 */
export const deriveKey = async <Use extends string>(
  use: Use,
  secret: string,
  hkdf: { readonly salt: Uint8Array<ArrayBuffer>; readonly info: Uint8Array<ArrayBuffer> },
  web: { readonly algorithm: AesKeyGenParams | HmacKeyGenParams; readonly usages: KeyUsage[] },
  native: NativeCrypto | null = nativeCrypto(),
): Promise<DerivedKey<Use>> => {
  if (native !== null) {
    return new DerivedKey(use, {
      native,
      bytes: native.hkdfSha256(encoder.encode(secret), hkdf.salt, hkdf.info, 32),
    });
  }
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', ...hkdf },
    material,
    web.algorithm,
    false,
    web.usages,
  );
  return new DerivedKey(use, { native: null, web: key });
};
