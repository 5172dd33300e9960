import { createHash } from 'node:crypto';

import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

import type { OidcMiddleware } from './middleware/types.js';

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;

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
  resource?: string | string[] | undefined;
  organizationId?: string | undefined;
}

/** One logout token the provider sent to an app's back-channel logout URI. */
export interface BackchannelLogoutRecord {
  clientId: string;
  /** The user whose provider session ended. */
  sub: string;
  /** The provider session's id (in the token only with `backchannelLogoutSessionRequired`). */
  sid?: string | undefined;
  /** `delivered`: the app answered 200 or 204; `failed`: anything else, or no answer. */
  outcome: 'delivered' | 'failed';
  /** Why delivery failed. */
  error?: string | undefined;
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
  /** Every back-channel logout the provider sent, in order. */
  backchannelLogouts: BackchannelLogoutRecord[] = [];

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
    this.backchannelLogouts = [];
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

/** Records every back-channel logout in `stats`, from the provider's `backchannel.*` events. */
export function recordBackchannelLogouts(provider: Provider, stats: DevProviderStats): void {
  const record = (clientId: string, sub: string, sid: string | undefined, error?: Error) =>
    stats.backchannelLogouts.push({
      clientId,
      sub,
      ...(sid ? { sid } : {}),
      outcome: error ? 'failed' : 'delivered',
      ...(error ? { error: error.message } : {}),
    });
  provider.on('backchannel.success', (_ctx: unknown, client: Client, sub: string, sid?: string) =>
    record(client.clientId, sub, sid),
  );
  provider.on('backchannel.error', (_ctx: unknown, error: Error, client: Client, sub: string, sid?: string) =>
    record(client.clientId, sub, sid, error),
  );
}
