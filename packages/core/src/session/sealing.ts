/**
 * Sealing cookie values: AES-256-GCM under a key derived from a secret with HKDF-SHA256, with the
 * logical cookie name as additional data so a value cannot be replayed under another name.
 * Format: `v1.` + base64url(12-byte IV ‖ ciphertext ‖ 16-byte tag).
 *
 * Where the runtime lends its `node:crypto` the work is done synchronously there (see
 * `nativeCrypto.ts`), else with Web Crypto; both give and accept the same bytes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5869 (HKDF)
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf (GCM)
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from '../oidc/base64url.ts';
import { DerivedKey, deriveKey, type NativeCrypto, nativeCrypto } from './nativeCrypto.ts';

const version = 'v1.';
const ivLength = 12;
const tagLength = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const salt = encoder.encode('logto-machine cookie session');
const info = encoder.encode('aes-256-gcm v1');

const subtle = () => globalThis.crypto.subtle;

/** The UTF-8 bytes of the names values were bound to, a few at a time (an app has a few cookie names). */
const namesBytes = new Map<string, Uint8Array<ArrayBuffer>>();

/** `name`'s UTF-8 bytes, the additional data a value is bound to it by; encoded once per name. */
const additionalDataOf = (name: string): Uint8Array<ArrayBuffer> => {
  let bytes = namesBytes.get(name);
  if (bytes === undefined) {
    if (namesBytes.size >= 16) namesBytes.clear();
    bytes = encoder.encode(name);
    namesBytes.set(name, bytes);
  }
  return bytes;
};

/** An AES-256-GCM key for {@link seal} and {@link unseal}, from {@link deriveSealingKey}; opaque. */
export type SealingKey = DerivedKey<'aes-256-gcm'>;

/**
 * Derives the AES-256-GCM key for one secret (HKDF-SHA256, fixed salt and info). `native` chooses the
 * path every operation with the key takes: the runtime's `node:crypto` where it lends one (the
 * default), or Web Crypto when `null`. Both seal and open the same bytes.
 */
export const deriveSealingKey = (
  secret: string,
  native: NativeCrypto | null = nativeCrypto(),
): Promise<SealingKey> =>
  deriveKey(
    'aes-256-gcm',
    secret,
    { salt, info },
    { algorithm: { name: 'AES-GCM', length: 256 }, usages: ['encrypt', 'decrypt'] },
    native,
  );

/** Encrypts `plaintext` under `key`, bound to `name`; returns the `v1.` string. */
export const seal = async (key: SealingKey, plaintext: string, name: string): Promise<string> => {
  const material = DerivedKey.materialOf(key);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(ivLength));
  const additionalData = additionalDataOf(name);
  const ciphertext =
    material.native === null
      ? new Uint8Array(
          await subtle().encrypt(
            { name: 'AES-GCM', iv, additionalData },
            material.web,
            encoder.encode(plaintext),
          ),
        )
      : material.native.encryptAesGcm(material.bytes, iv, encoder.encode(plaintext), additionalData);
  const sealed = new Uint8Array(ivLength + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(ciphertext, ivLength);
  return version + (material.native?.encodeBase64Url(sealed) ?? encodeBase64Url(sealed));
};

/** The IV and ciphertext ‖ tag of a `v1.` string; `null` when it is not one. */
const parse = (sealed: string, native: NativeCrypto | null) => {
  if (!sealed.startsWith(version)) return null;
  const body = sealed.slice(version.length);
  // Both decoders refuse the same strings and give the same bytes; the shared one allocates a fresh
  // (non-shared) buffer, as Web Crypto wants.
  const bytes = (
    native === null ? decodeBase64Url(body) : native.decodeBase64Url(body)
  ) as Uint8Array<ArrayBuffer> | null;
  if (bytes === null || bytes.length < ivLength + tagLength) return null;
  return { iv: bytes.subarray(0, ivLength), data: bytes.subarray(ivLength) };
};

/**
 * {@link unseal} without waiting, where every key is on the native path: the plaintext, or `null`
 * for anything malformed, tampered with, bound to another name or under no known key. `undefined`
 * when a key is on Web Crypto, which cannot answer synchronously: {@link unseal} then.
 */
export const unsealNow = (
  keys: readonly SealingKey[],
  sealed: string,
  name: string,
): string | null | undefined => {
  let parsed: ReturnType<typeof parse> | undefined;
  let additionalData: Uint8Array | undefined;
  for (const key of keys) {
    const material = DerivedKey.materialOf(key);
    if (material.native === null) return undefined;
    parsed ??= parse(sealed, material.native);
    if (parsed === null) return null;
    additionalData ??= additionalDataOf(name);
    const plaintext = material.native.decryptAesGcm(material.bytes, parsed.iv, parsed.data, additionalData);
    if (plaintext !== null) return material.native.decodeUtf8(plaintext);
  }
  return null;
};

/**
 * Decrypts a `v1.` string bound to `name`, trying each key in order (secret rotation).
 * Anything malformed, tampered with, bound to another name or under no known key is `null`.
 */
export const unseal = async (
  keys: readonly SealingKey[],
  sealed: string,
  name: string,
): Promise<string | null> => {
  const now = unsealNow(keys, sealed, name);
  if (now !== undefined) return now;
  const parsed = parse(sealed, null);
  if (parsed === null) return null;
  const additionalData = additionalDataOf(name);
  for (const key of keys) {
    const material = DerivedKey.materialOf(key);
    try {
      const plaintext =
        material.native === null
          ? await subtle().decrypt(
              { name: 'AES-GCM', iv: parsed.iv, additionalData },
              material.web,
              parsed.data,
            )
          : material.native.decryptAesGcm(material.bytes, parsed.iv, parsed.data, additionalData);
      if (plaintext !== null) return decoder.decode(plaintext);
    } catch {
      // Not this key (or not authentic): try the next secret.
    }
  }
  return null;
};
