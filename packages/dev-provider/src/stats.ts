import { createHash } from 'node:crypto';

import type { OidcMiddleware } from './middleware/types.js';

/** The endpoints whose requests are counted. */
export type EndpointName =
  | 'discovery'
  | 'jwks'
  | 'auth'
  | 'token'
  | 'userinfo'
  | 'revocation'
  | 'end_session'
  | 'introspection';

/** One `refresh_token` grant request. */
export interface RefreshGrantRecord {
  /** The first 16 hex digits of SHA-256 of the presented refresh token. */
  token: string;
  /** The HTTP status of the response. */
  status: number;
  resource?: string | string[];
  organizationId?: string;
}

const routes: Readonly<Record<string, EndpointName>> = {
  '/.well-known/openid-configuration': 'discovery',
  '/.well-known/oauth-authorization-server': 'discovery',
  '/jwks': 'jwks',
  '/auth': 'auth',
  '/token': 'token',
  '/me': 'userinfo',
  '/token/revocation': 'revocation',
  '/session/end': 'end_session',
  '/token/introspection': 'introspection',
};

const emptyRequests = (): Record<EndpointName, number> => ({
  discovery: 0,
  jwks: 0,
  auth: 0,
  token: 0,
  userinfo: 0,
  revocation: 0,
  end_session: 0,
  introspection: 0,
});

/** A short, stable digest of a token, so tests can compare tokens without holding them. */
export const tokenDigest = (token: string): string =>
  createHash('sha256').update(token).digest('hex').slice(0, 16);

/**
 * Request counters for tests: per endpoint (`/oidc/auth` resumes and end-session confirmations are
 * not counted again), per token grant type, and every refresh grant with the token it presented.
 */
export class DevProviderStats {
  /** Requests per endpoint. */
  requests: Record<EndpointName, number> = emptyRequests();
  /** Token requests per `grant_type` (`authorization_code`, `refresh_token`, …). */
  grants: Record<string, number> = {};
  /** Every refresh grant, in order. */
  refreshGrants: RefreshGrantRecord[] = [];

  /** Digests of refresh tokens presented more than once (a client without single-flight refresh). */
  reusedRefreshTokens(): string[] {
    const seen = new Map<string, number>();
    for (const { token } of this.refreshGrants) seen.set(token, (seen.get(token) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([token]) => token);
  }

  /** Zeroes every counter. */
  reset(): void {
    this.requests = emptyRequests();
    this.grants = {};
    this.refreshGrants = [];
  }
}

/** The middleware that fills `stats`, mounted on the provider with `provider.use`. */
export function recordStats(stats: DevProviderStats): OidcMiddleware {
  return async (ctx, next) => {
    const endpoint = routes[ctx.path];
    if (endpoint) stats.requests[endpoint] += 1;
    try {
      await next();
    } finally {
      const params = endpoint === 'token' ? ctx.oidc?.params : undefined;
      const grantType = params?.grant_type;
      if (typeof grantType === 'string') {
        stats.grants[grantType] = (stats.grants[grantType] ?? 0) + 1;
        if (grantType === 'refresh_token' && typeof params?.refresh_token === 'string') {
          stats.refreshGrants.push({
            token: tokenDigest(params.refresh_token),
            status: ctx.status,
            ...(params.resource ? { resource: params.resource as string | string[] } : {}),
            ...(typeof params.organization_id === 'string' ? { organizationId: params.organization_id } : {}),
          });
        }
      }
    }
  };
}
