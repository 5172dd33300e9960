/**
 * Sealing cookie values: AES-256-GCM under a key derived from a secret with HKDF-SHA256, with the
 * logical cookie name as additional data so a value cannot be replayed under another name.
 * Format: `v1.` + base64url(12-byte IV ‖ ciphertext ‖ 16-byte tag).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5869 (HKDF)
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf (GCM)
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from '../oidc/base64url.ts';

const version = 'v1.';
const ivLength = 12;
const tagLength = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const subtle = () => globalThis.crypto.subtle;

/** Derives the AES-256-GCM key for one secret (HKDF-SHA256, fixed salt and info). */
export const deriveSealingKey = async (secret: string): Promise<CryptoKey> => {
  const material = await subtle().importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: encoder.encode('logto-machine cookie session'),
      info: encoder.encode('aes-256-gcm v1'),
    },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
};

/** Encrypts `plaintext` under `key`, bound to `name`; returns the `v1.` string. */
export const seal = async (key: CryptoKey, plaintext: string, name: string): Promise<string> => {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(ivLength));
  const ciphertext = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(name) },
    key,
    encoder.encode(plaintext),
  );
  const sealed = new Uint8Array(ivLength + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ciphertext), ivLength);
  return version + encodeBase64Url(sealed);
};

/**
 * Decrypts a `v1.` string bound to `name`, trying each key in order (secret rotation).
 * Anything malformed, tampered with, bound to another name or under no known key is `null`.
 */
export const unseal = async (
  keys: readonly CryptoKey[],
  sealed: string,
  name: string,
): Promise<string | null> => {
  if (!sealed.startsWith(version)) return null;
  // decodeBase64Url always allocates a fresh (non-shared) buffer.
  const bytes = decodeBase64Url(sealed.slice(version.length)) as Uint8Array<ArrayBuffer> | null;
  if (bytes === null || bytes.length < ivLength + tagLength) return null;
  const iv = bytes.subarray(0, ivLength);
  const data = bytes.subarray(ivLength);
  const additionalData = encoder.encode(name);
  for (const key of keys) {
    try {
      const plaintext = await subtle().decrypt({ name: 'AES-GCM', iv, additionalData }, key, data);
      return decoder.decode(plaintext);
    } catch {
      // Not this key (or not authentic): try the next secret.
    }
  }
  return null;
};
