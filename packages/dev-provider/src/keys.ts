import { readFile } from 'node:fs/promises';

import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

import type { SigningAlg } from './options.js';

/** The provider's private signing keys. */
export interface SigningKeys {
  /** Private JWKs for oidc-provider's `jwks` option. */
  jwks: { keys: JWK[] };
  /** The same keys, imported, by `kid`, so a token can be re-signed (see `atHash.ts`). */
  byKid: Map<string, { alg: string; key: CryptoKey | Uint8Array }>;
}

const fits = (alg: SigningAlg, jwk: JWK) =>
  alg === 'ES384' ? jwk.kty === 'EC' && jwk.crv === 'P-384' : jwk.kty === 'RSA';

/** Generates a fresh key for `alg`, or loads the keys of `keysFile` (a private JWKS). */
export async function loadSigningKeys(alg: SigningAlg, keysFile?: string): Promise<SigningKeys> {
  const keys = keysFile ? await readKeysFile(keysFile) : [await generateKey(alg)];
  if (!keys.some((jwk) => fits(alg, jwk) && (!jwk.alg || jwk.alg === alg))) {
    throw new Error(`dev-provider: ${keysFile} holds no private key usable with ${alg}`);
  }
  const byKid = new Map<string, { alg: string; key: CryptoKey | Uint8Array }>();
  for (const jwk of keys) {
    const keyAlg = jwk.alg ?? (fits('ES384', jwk) ? 'ES384' : 'RS256');
    jwk.kid ??= await calculateJwkThumbprint(jwk);
    byKid.set(jwk.kid, { alg: keyAlg, key: await importJWK(jwk, keyAlg) });
  }
  return { jwks: { keys }, byKid };
}

async function generateKey(alg: SigningAlg): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
}

async function readKeysFile(path: string): Promise<JWK[]> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'object' || !key || !('d' in key))) {
    throw new Error(`dev-provider: ${path} must be a JWKS of private keys: { "keys": [{ …, "d": … }] }`);
  }
  return keys as JWK[];
}
