import type { KoaContextWithOIDC } from 'oidc-provider';

import type { RotateRefreshTokens } from './options.js';

const year = 365.25 * 24 * 60 * 60;

/**
 * Logto's `rotateRefreshToken` (core/src/oidc/defaults.ts, oidc-provider's default): public
 * clients rotate on every refresh, confidential ones once the token is past 70% of its lifetime,
 * and no token rotates after a year in total.
 */
export function logtoRotation(ctx: KoaContextWithOIDC): boolean {
  const { RefreshToken: refreshToken, Client: client } = ctx.oidc.entities;
  if (!refreshToken || !client) return false;
  if (refreshToken.totalLifetime() >= year) return false;
  if (client.clientAuthMethod === 'none' && !refreshToken.isSenderConstrained()) return true;
  return refreshToken.ttlPercentagePassed() >= 70;
}

/** The rotation rule for a {@link RotateRefreshTokens} setting. */
export const rotateRefreshToken = (mode: RotateRefreshTokens): ((ctx: KoaContextWithOIDC) => boolean) =>
  mode === 'always' ? () => true : logtoRotation;
