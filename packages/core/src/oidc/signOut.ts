import { formPost } from './clientAuth.ts';
import type { NormalizedConfig } from './config.ts';
import type { ProviderMetadata } from './discovery.ts';

/** The revocation request for a refresh token (RFC 7009 §2.1). */
export const revocationRequest = (
  metadata: ProviderMetadata,
  config: NormalizedConfig,
  refreshToken: string,
): Request | null =>
  metadata.revocation_endpoint
    ? formPost(
        metadata.revocation_endpoint,
        config,
        new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
      )
    : null;

/**
 * The end-session URL (OpenID Connect RP-Initiated Logout §2) with `client_id`,
 * `post_logout_redirect_uri` and `id_token_hint` when there is an ID token.
 */
export const buildEndSessionUrl = (
  metadata: ProviderMetadata,
  config: NormalizedConfig,
  options: { postLogoutRedirectUri?: string | undefined; idTokenHint?: string | undefined },
): string | null => {
  if (!metadata.end_session_endpoint) return null;
  const url = new URL(metadata.end_session_endpoint);
  url.searchParams.set('client_id', config.appId);
  if (options.postLogoutRedirectUri)
    url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
  if (options.idTokenHint) url.searchParams.set('id_token_hint', options.idTokenHint);
  return url.href;
};
