import type { KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import type { Directory } from './directory.js';
import { errors } from './oidcProvider.js';
import type { ResolvedOptions } from './options.js';

/** Logto's reserved resource for organization permissions (`ReservedResource.Organization`). */
export const organizationResource = 'urn:logto:resource:organizations';

/** The audience of an organization token, as Logto's `buildOrganizationUrn`. */
export const organizationUrn = (organizationId: string): string => `urn:logto:organization:${organizationId}`;

/** The `organization_id` request parameter, when given. */
export const organizationIdParam = (ctx: KoaContextWithOIDC): string | undefined => {
  const value = ctx.oidc.params?.organization_id;
  return typeof value === 'string' && value ? value : undefined;
};

/** JWT access tokens signed like the ID token, as Logto's `getSharedResourceServerData`. */
export const jwtResourceServer = (options: ResolvedOptions) =>
  ({
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: options.signingAlg } },
  }) satisfies Partial<ResourceServer>;

/**
 * `features.resourceIndicators.getResourceServerInfo`, as in Logto's init.ts: unknown resources
 * are `invalid_target`; the scopes are what the signed-in user's roles allow (from organization
 * roles too, narrowed to `organization_id` when given); none before the user is known.
 */
export function resourceServerInfo(directory: Directory, options: ResolvedOptions) {
  return async (ctx: KoaContextWithOIDC, indicator: string): Promise<ResourceServer> => {
    if (indicator === organizationResource) {
      return {
        ...jwtResourceServer(options),
        accessTokenTTL: options.ttl.organizationToken,
        scope: directory.allOrganizationScopes().join(' '),
      };
    }
    const resource = directory.findResource(indicator);
    if (!resource) throw new errors.InvalidTarget();
    const userId = ctx.oidc.session?.accountId ?? ctx.oidc.entities.Account?.accountId;
    const scopes = userId ? directory.resourceScopes(userId, indicator, organizationIdParam(ctx)) : [];
    return {
      ...jwtResourceServer(options),
      accessTokenTTL: resource.accessTokenTtl ?? options.ttl.accessToken,
      scope: scopes.join(' '),
    };
  };
}

/**
 * `extraTokenClaims`: an organization-level API resource token carries `organization_id`, as
 * Logto's `getExtraTokenClaimsForOrganizationApiResource` (core/src/oidc/extra-token-claims.ts).
 */
export async function extraTokenClaims(ctx: KoaContextWithOIDC, token: unknown) {
  const organizationId = organizationIdParam(ctx);
  if (!organizationId || !ctx.oidc.params?.resource || !(token instanceof ctx.oidc.provider.AccessToken)) {
    return undefined;
  }
  return { organization_id: organizationId };
}

/**
 * `formats.customizers.jwt`: Logto's oidc-provider fork always writes the token's `scope`, even
 * when empty (PATCHES.md, "Scope always present"); upstream drops an empty one.
 */
export function keepEmptyScope(
  _ctx: KoaContextWithOIDC,
  token: { scope?: string | undefined },
  jwt: { payload: object },
): void {
  if (typeof token.scope === 'string') Object.assign(jwt.payload, { scope: token.scope });
}
