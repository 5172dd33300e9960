import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

import { organizationsScope } from '../claims.js';
import type { Directory } from '../directory.js';
import { errors } from '../oidcProvider.js';
import type { ResolvedOptions } from '../options.js';
import { jwtResourceServer, organizationIdParam, organizationUrn } from '../resources.js';

type Entities = KoaContextWithOIDC['oidc']['entities'];
type AccessToken = NonNullable<Entities['AccessToken']>;
type RefreshToken = NonNullable<Entities['RefreshToken']>;

const forbidden = (description: string) => {
  const error = new errors.AccessDenied(description);
  // oidc-provider answers access_denied with 400; Logto's organization checks answer 403.
  Object.assign(error, { status: 403, statusCode: 403 });
  return error;
};

/**
 * Checks an `organization_id` refresh request as Logto's `checkOrganizationAccess`
 * (core/src/oidc/grants/utils.ts) plus the RFC 0001 scope check of its refresh-token grant:
 * a non-member gets 403 `access_denied`, a grant without the organizations scope 403
 * `insufficient_scope`. Returns the organization id, if any.
 */
export function checkOrganizationAccess(
  ctx: KoaContextWithOIDC,
  directory: Directory,
  refreshToken: RefreshToken,
): string | undefined {
  const organizationId = organizationIdParam(ctx);
  if (!organizationId) return undefined;
  if (!directory.isMember(refreshToken.accountId, organizationId)) {
    throw forbidden('user is not a member of the organization');
  }
  if (!refreshToken.scopes.has(organizationsScope)) {
    throw new errors.InsufficientScope('refresh token missing required scope', organizationsScope);
  }
  return organizationId;
}

/**
 * Turns `at` into an organization token, as Logto's `handleOrganizationToken`: a JWT whose
 * audience is `urn:logto:organization:<id>` and whose scope is the requested (or refresh-token)
 * scopes that the user's roles in the organization grant. Organization permissions reach the
 * refresh token only when sign-in asked for `urn:logto:resource:organizations`.
 */
export function makeOrganizationToken(
  at: AccessToken,
  {
    provider,
    directory,
    options,
    organizationId,
    scope,
  }: {
    provider: Provider;
    directory: Directory;
    options: ResolvedOptions;
    organizationId: string;
    scope: Set<string>;
  },
): void {
  const audience = organizationUrn(organizationId);
  const available = directory.organizationScopes(at.accountId, organizationId);
  at.resourceServer = new provider.ResourceServer(audience, {
    ...jwtResourceServer(options),
    accessTokenTTL: options.ttl.organizationToken,
    audience,
    scope: available.join(' '),
  });
  at.scope = available.filter((name) => scope.has(name)).join(' ');
}
