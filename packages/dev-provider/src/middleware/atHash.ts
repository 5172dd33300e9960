import { createHash } from 'node:crypto';

import { CompactSign, decodeProtectedHeader } from 'jose';

import type { SigningKeys } from '../keys.js';
import type { OidcMiddleware } from './types.js';
import { isRecord } from './types.js';

const digests: Readonly<Record<string, string>> = { ES384: 'sha384', RS256: 'sha256' };

/** `at_hash` (OIDC Core §3.1.3.6): the left half of the access token's hash, base64url. */
export const atHashOf = (accessToken: string, alg: string): string => {
  const hash = createHash(digests[alg] ?? 'sha256')
    .update(accessToken)
    .digest();
  return hash.subarray(0, hash.length / 2).toString('base64url');
};

/**
 * Adds `at_hash` to the ID token of the authorization-code response, which Logto sends and
 * oidc-provider 9 no longer does (it only hashes on the authorization endpoint). The token is
 * re-signed with the same key and header.
 */
export function addAtHash(keys: SigningKeys): OidcMiddleware {
  return async (ctx, next) => {
    await next();
    const { body } = ctx;
    if (ctx.status !== 200 || ctx.oidc?.params?.grant_type !== 'authorization_code' || !isRecord(body))
      return;
    const { id_token: idToken, access_token: accessToken } = body;
    if (typeof idToken !== 'string' || typeof accessToken !== 'string') return;
    const header = decodeProtectedHeader(idToken);
    const signer = header.kid ? keys.byKid.get(header.kid) : undefined;
    const [, payloadPart] = idToken.split('.');
    if (!signer || !header.alg || !payloadPart) return;
    const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    payload.at_hash = atHashOf(accessToken, header.alg);
    const signed = await new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader(header as Parameters<CompactSign['setProtectedHeader']>[0])
      .sign(signer.key);
    ctx.body = { ...body, id_token: signed };
  };
}
