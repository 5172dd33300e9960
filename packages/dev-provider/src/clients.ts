import type { ClientMetadata, KoaContextWithOIDC, Provider } from 'oidc-provider';

import type { DevApp, SigningAlg } from './options.js';

type Client = KoaContextWithOIDC['oidc']['entities']['Client'] & {};

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Placeholders registered for apps without URIs; any loopback URL is accepted instead (see below). */
const loopbackPlaceholders = ['http://127.0.0.1/callback', 'http://localhost/callback'];

/** Whether `value` is an `http` URL on a loopback host, whatever its port and path. */
export const isLoopbackUrl = (value: string): boolean => {
  const url = URL.parse(value);
  return url?.protocol === 'http:' && loopbackHosts.has(url.hostname) && !url.hash;
};

/**
 * Client metadata as Logto's `getConstantClientMetadata` (core/src/oidc/utils.ts) builds it:
 * Traditional apps are confidential `web` clients; SPAs are public `web` clients; native apps are
 * public `native` clients.
 */
export function clientMetadata(app: DevApp, alg: SigningAlg): ClientMetadata {
  const isPublic = app.type !== 'traditional';
  return {
    client_id: app.id,
    ...(isPublic ? {} : { client_secret: app.secret }),
    client_name: app.name ?? app.id,
    application_type: app.type === 'native' ? 'native' : 'web',
    token_endpoint_auth_method: isPublic ? 'none' : 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: app.redirectUris ?? loopbackPlaceholders,
    post_logout_redirect_uris: app.postLogoutRedirectUris ?? loopbackPlaceholders,
    ...(app.backchannelLogoutUri === undefined
      ? {}
      : {
          backchannel_logout_uri: app.backchannelLogoutUri,
          backchannel_logout_session_required: app.backchannelLogoutSessionRequired ?? false,
        }),
    id_token_signed_response_alg: alg,
    authorization_signed_response_alg: alg,
    userinfo_signed_response_alg: alg,
    introspection_signed_response_alg: alg,
  };
}

/**
 * Lets apps registered without URIs redirect to any loopback URL, through the `Client` prototype
 * hooks Logto itself overrides for wildcard redirect URIs (LOG-13813 in logto-io/node-oidc-provider
 * PATCHES.md). Apps with URIs keep oidc-provider's exact matching.
 */
export function allowLoopbackRedirects(provider: Provider, apps: readonly DevApp[]): void {
  const anyRedirect = new Set(apps.filter((app) => !app.redirectUris).map(({ id }) => id));
  const anyPostLogout = new Set(apps.filter((app) => !app.postLogoutRedirectUris).map(({ id }) => id));
  const prototype = provider.Client.prototype as Client;
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = prototype;
  prototype.redirectUriAllowed = function (this: Client, value: string) {
    return anyRedirect.has(this.clientId) ? isLoopbackUrl(value) : redirectUriAllowed.call(this, value);
  };
  prototype.postLogoutRedirectUriAllowed = function (this: Client, value: string) {
    return anyPostLogout.has(this.clientId)
      ? isLoopbackUrl(value)
      : postLogoutRedirectUriAllowed.call(this, value);
  };
}

/**
 * CORS for browser apps, as Logto's `clientBasedCORS`: the origin of a registered redirect URI,
 * or any loopback origin for apps that accept any loopback redirect.
 */
export function corsAllowed(apps: readonly DevApp[]) {
  const anyLoopback = new Set(apps.filter((app) => !app.redirectUris).map(({ id }) => id));
  return (_ctx: KoaContextWithOIDC, origin: string, client: Client): boolean =>
    (anyLoopback.has(client.clientId) && isLoopbackUrl(origin)) ||
    (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
}
