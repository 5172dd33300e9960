/**
 * Session ids for server-side sessions: 256 random bits, sent to the browser as `<id>.<mac>` where
 * the MAC is HMAC-SHA256 over the cookie name and the id, under a key derived from a secret with
 * HKDF-SHA256. A forged, altered or unsigned id never reaches the store. Where the runtime lends its
 * `node:crypto` the MAC is computed synchronously there (see `nativeCrypto.ts`), else with Web Crypto.
 *
 * @see https://www.rfc-editor.org/rfc/rfc2104 (HMAC)
 * @see https://www.rfc-editor.org/rfc/rfc5869 (HKDF)
 * @module
 */
import { decodeBase64Url, encodeBase64Url } from '../oidc/base64url.ts';
import { DerivedKey, deriveKey, type NativeCrypto, nativeCrypto } from './nativeCrypto.ts';

const encoder = new TextEncoder();
const subtle = () => globalThis.crypto.subtle;
const salt = encoder.encode('logto-machine store session');
const info = encoder.encode('hmac-sha256 session id v1');
/** 32 random bytes, base64url: 43 characters. */
const idPattern = /^[A-Za-z0-9_-]{43}$/;

/** A fresh random 256-bit session id, base64url. */
export const newSessionId = (): string =>
  encodeBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(32)));

/** An HMAC-SHA256 key for session ids, from {@link deriveSigningKey}; opaque. */
export type SigningKey = DerivedKey<'hmac-sha256'>;

/** A session id read from an authentic cookie value, and the index of the key that signed it (0 is the current secret). */
export interface VerifiedSessionId {
  readonly id: string;
  readonly keyIndex: number;
}

/**
 * Derives the HMAC-SHA256 key for one secret (HKDF-SHA256; distinct from the cookie sealing key).
 * `native` chooses the path every MAC under the key takes: the runtime's `node:crypto` where it lends
 * one (the default), or Web Crypto when `null`. Both give the same MACs.
 */
export const deriveSigningKey = (
  secret: string,
  native: NativeCrypto | null = nativeCrypto(),
): Promise<SigningKey> =>
  deriveKey(
    'hmac-sha256',
    secret,
    { salt, info },
    { algorithm: { name: 'HMAC', hash: 'SHA-256', length: 256 }, usages: ['sign'] },
    native,
  );

const mac = async (key: SigningKey, cookieName: string, id: string): Promise<Uint8Array> => {
  const material = DerivedKey.materialOf(key);
  const message = `${cookieName}=${id}`;
  if (material.native !== null) return material.native.hmacSha256(material.bytes, message);
  return new Uint8Array(await subtle().sign('HMAC', material.web, encoder.encode(message)));
};

/** Equal bytes, in time that depends only on the length (which is public: always 32 here). */
const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
};

/** The cookie value for `id`: `<id>.<base64url HMAC>`, bound to `cookieName`. */
export const signSessionId = async (key: SigningKey, cookieName: string, id: string): Promise<string> =>
  `${id}.${encodeBase64Url(await mac(key, cookieName, id))}`;

/**
 * The id in a cookie value and the index of the key that signed it (0 is the current secret), or
 * `null` for anything malformed, unsigned or signed under no known key.
 */
export const verifySessionId = async (
  keys: readonly SigningKey[],
  cookieName: string,
  value: string,
): Promise<VerifiedSessionId | null> => {
  const dot = value.indexOf('.');
  const id = value.slice(0, dot);
  if (dot === -1 || !idPattern.test(id)) return null;
  const signature = value.slice(dot + 1);
  const given = decodeBase64Url(signature);
  // Only the canonical spelling: the last character's unused bits must not make another valid cookie.
  if (given === null || given.length !== 32 || encodeBase64Url(given) !== signature) return null;
  for (const [keyIndex, key] of keys.entries()) {
    if (constantTimeEqual(given, await mac(key, cookieName, id))) return { id, keyIndex };
  }
  return null;
};
