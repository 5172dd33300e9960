import type { AccessTokenClaims } from './claims.ts';
import { decodeJwt } from './idToken.ts';

/** The key of an access token in a session: one per resource and organization. */
export const accessTokenKey = (resource?: string, organizationId?: string): string =>
  `${resource ?? ''}#${organizationId ?? ''}`;

/**
 * The claims of a JWT access token, decoded without verification: access tokens are checked by the
 * API that receives them, not by the client. `null` for opaque tokens.
 */
export const decodeAccessTokenClaims = (token: string): AccessTokenClaims | null => {
  const decoded = decodeJwt(token);
  return 'payload' in decoded ? (decoded.payload as AccessTokenClaims) : null;
};
