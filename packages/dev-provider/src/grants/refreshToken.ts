/**
 * The `refresh_token` grant, forked from oidc-provider 9's lib/actions/grants/refresh_token.js the
 * way Logto forks it (core/src/oidc/grants/refresh-token.ts) to issue organization tokens
 * (Logto RFC 0001). Differences from upstream, each as at Logto:
 * - the extra parameter `organization_id`, checked (membership, organizations scope) after the
 *   reuse check and before rotation; without `resource` it yields an organization token;
 * - the response always carries `scope` (fork patch "scope always present").
 * mTLS, attestation-based client auth and RAR are left out: the dev provider never enables them.
 *
 * @module
 */
import type { KoaContextWithOIDC, Provider, TokenEndpointGrantContext } from 'oidc-provider';

import type { Directory } from '../directory.js';
import { errors } from '../oidcProvider.js';
import type { ResolvedOptions } from '../options.js';
import { checkOrganizationAccess, makeOrganizationToken } from './organizationToken.js';
import {
  buildTokenResponse,
  checkDpopReplay,
  checkDpopRequired,
  findAccount,
  issueIdToken,
  resolveAndApplyResource,
  revoke,
  validateDpop,
  validateGrant,
} from './upstream.js';

const { InvalidGrant, InvalidRequest, InvalidScope } = errors;

const gty = 'refresh_token';

const withGty = (value: string | undefined) => (value?.endsWith(gty) ? value : `${value} ${gty}`);

/** What the grant needs besides the provider. */
export interface RefreshTokenGrantConfig {
  directory: Directory;
  options: ResolvedOptions;
  rotate: (ctx: KoaContextWithOIDC) => boolean;
}

type Params = { refresh_token?: string | undefined; organization_id?: string | undefined };

/** Replaces oidc-provider's `refresh_token` grant with the Logto fork. */
export function registerRefreshTokenGrant(provider: Provider, config: RefreshTokenGrantConfig): void {
  // `resource` is repeatable, as oidc-provider registers it when resource indicators are on.
  provider.registerGrantType<Params>(
    gty,
    (ctx) => handle(provider, ctx, config),
    ['refresh_token', 'scope', 'organization_id', 'resource'],
    ['resource'],
  );
}

async function handle(
  provider: Provider,
  ctx: TokenEndpointGrantContext<Params>,
  { directory, options, rotate }: RefreshTokenGrantConfig,
): Promise<void> {
  const { client, params } = ctx.oidc;
  const { RefreshToken, AccessToken } = provider;
  if (params.refresh_token === undefined)
    throw new InvalidRequest('missing required parameter refresh_token');

  const dPoP = await validateDpop(provider, ctx);
  let refreshTokenValue = params.refresh_token;
  let refreshToken = await RefreshToken.find(refreshTokenValue, { ignoreExpiration: true });
  if (!refreshToken) throw new InvalidGrant('refresh token not found');
  if (refreshToken.clientId !== client.clientId) throw new InvalidGrant('client mismatch');
  if (refreshToken.isExpired) throw new InvalidGrant('refresh token is expired');
  checkDpopRequired(provider, ctx, dPoP);

  if (!refreshToken.grantId) throw new InvalidGrant('grantId not found');
  const grant = await validateGrant(provider, ctx, refreshToken.grantId);

  const presented = refreshToken;
  const missing = params.scope
    ? [...ctx.oidc.requestParamScopes].filter((scope) => !presented.scopes.has(scope))
    : [];
  if (missing.length > 0) {
    throw new InvalidScope(
      `refresh token missing requested ${missing.length === 1 ? 'scope' : 'scopes'}`,
      missing.join(' '),
    );
  }

  await checkDpopReplay(provider, ctx, dPoP, client.clientId, InvalidGrant);
  if (refreshToken.jkt && (!dPoP || refreshToken.jkt !== dPoP.thumbprint)) {
    throw new InvalidGrant('failed jkt verification');
  }

  ctx.oidc.entity('RefreshToken', refreshToken);
  ctx.oidc.entity('Grant', grant);
  const account = await findAccount(provider, ctx, refreshToken.accountId, refreshToken);
  if (!account) throw new InvalidGrant('refresh token invalid (referenced account not found)');
  if (refreshToken.accountId !== grant.accountId) throw new InvalidGrant('accountId mismatch');
  ctx.oidc.entity('Account', account);

  // A rotated-away token presented again is treated as stolen: the whole grant is revoked.
  if (refreshToken.consumed) {
    await Promise.all([refreshToken.destroy(), revoke(ctx, refreshToken.grantId)]);
    throw new InvalidGrant('refresh token already used');
  }

  const organizationId = checkOrganizationAccess(ctx, directory, refreshToken);

  if (rotate(ctx)) {
    await refreshToken.consume();
    ctx.oidc.entity('RotatedRefreshToken', refreshToken);
    refreshToken = new RefreshToken({
      accountId: presented.accountId,
      acr: presented.acr,
      amr: presented.amr,
      authTime: presented.authTime,
      claims: presented.claims,
      client,
      expiresWithSession: presented.expiresWithSession,
      iiat: presented.iiat,
      grantId: grant.jti,
      gty: withGty(presented.gty),
      nonce: presented.nonce,
      resource: presented.resource,
      rotations: typeof presented.rotations === 'number' ? presented.rotations + 1 : 1,
      scope: presented.scope ?? '',
      sessionUid: presented.sessionUid,
      sid: presented.sid,
      jkt: presented.jkt,
    });
    ctx.oidc.entity('RefreshToken', refreshToken);
    refreshTokenValue = await refreshToken.save();
  }

  const at = new AccessToken({
    accountId: account.accountId,
    client,
    expiresWithSession: refreshToken.expiresWithSession,
    grantId: grant.jti,
    gty: withGty(refreshToken.gty),
    sessionUid: refreshToken.sessionUid,
    sid: refreshToken.sid,
  });
  if (dPoP) at.setThumbprint('jkt', dPoP.thumbprint);

  const scope = params.scope ? ctx.oidc.requestParamScopes : refreshToken.scopes;
  // With `resource`, an organization id only narrows the resource's scopes and adds the
  // `organization_id` claim (resources.ts); without it the token is an organization token.
  if (organizationId && !params.resource) {
    makeOrganizationToken(at, { provider, directory, options, organizationId, scope });
  } else {
    await resolveAndApplyResource(provider, ctx, refreshToken, at, grant, scope);
  }

  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();
  const idToken = await issueIdToken(provider, ctx, refreshToken, at, grant, scope);

  ctx.body = buildTokenResponse(provider, {
    accessToken,
    expiresIn: at.expiration,
    idToken,
    refreshToken: refreshTokenValue,
    scope: at.scope ?? '',
    tokenType: at.tokenType,
  });
}
