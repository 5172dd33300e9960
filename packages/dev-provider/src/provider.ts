import { randomBytes } from 'node:crypto';

import type { FindAccount, KoaContextWithOIDC, Provider } from 'oidc-provider';

import { scopeClaims, userClaims } from './claims.js';
import { allowLoopbackRedirects, clientMetadata, corsAllowed } from './clients.js';
import type { Directory } from './directory.js';
import { registerRefreshTokenGrant } from './grants/refreshToken.js';
import type { SigningKeys } from './keys.js';
import { createMemoryAdapter } from './memoryAdapter.js';
import { addAtHash } from './middleware/atHash.js';
import { logtoErrorBodies } from './middleware/errorBody.js';
import { splitResourceParam } from './middleware/resourceParam.js';
import { errors, loadProvider } from './oidcProvider.js';
import type { ResolvedOptions } from './options.js';
import { logoutPage, logoutSuccessPage } from './pages.js';
import { extraTokenClaims, keepEmptyScope, resourceServerInfo } from './resources.js';
import { rotateRefreshToken } from './rotation.js';
import { type DevProviderStats, recordBackchannelLogouts, recordStats } from './stats.js';

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;

/** Logto's supported ID-token algorithms (core/src/oidc/init.ts `supportedSigningAlgs`). */
const signingAlgs = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512'] as const;

/** Logto's `ExtraParamsKey` (schemas/src/consts/oidc.ts), kept on the interaction. */
const extraParams = [
  'interaction_mode',
  'first_screen',
  'direct_sign_in',
  'organization_id',
  'identifier',
  'one_time_token',
  'google_one_tap_credential',
  'theme',
];

/** Prefixed cookie names: cookies are shared across ports, so `_session` would clash with an app's. */
const cookieNames = {
  session: '_ldp_session',
  interaction: '_ldp_interaction',
  resume: '_ldp_interaction_resume',
};

/** oidc-provider's default revocation policy (Logto keeps it): only the client's own tokens. */
const revocationAllowed = async (
  _ctx: KoaContextWithOIDC,
  client: Client,
  token: { clientId?: string | undefined },
) => {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
};

/** oidc-provider's default introspection policy (Logto keeps it): public clients see only their own tokens. */
const introspectionAllowed = async (
  ctx: KoaContextWithOIDC,
  client: Client,
  token: { clientId?: string | undefined },
) => !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client?.clientId);

/** What {@link createProvider} wires together. */
export interface ProviderDeps {
  issuer: string;
  options: ResolvedOptions;
  directory: Directory;
  keys: SigningKeys;
  stats: DevProviderStats;
}

/** Builds the oidc-provider instance configured the way Logto's `initOidc` does. */
export async function createProvider({
  issuer,
  options,
  directory,
  keys,
  stats,
}: ProviderDeps): Promise<Provider> {
  const Provider = await loadProvider();
  const findAccount: FindAccount = (_ctx, sub) => {
    const user = directory.findById(sub);
    return (
      user && {
        accountId: sub,
        claims: (use, scope, _claims, rejected) => userClaims(user, directory, use, scope, rejected),
      }
    );
  };
  const rotate = rotateRefreshToken(options.rotateRefreshTokens);
  const ttl = options.ttl;

  const provider = new Provider(issuer, {
    adapter: createMemoryAdapter(),
    clients: options.apps.map((app) => clientMetadata(app, options.signingAlg)),
    clientDefaults: { id_token_signed_response_alg: options.signingAlg },
    jwks: keys.jwks as NonNullable<ConstructorParameters<typeof Provider>[1]>['jwks'],
    enabledJWA: {
      authorizationSigningAlgValues: [...signingAlgs],
      userinfoSigningAlgValues: [...signingAlgs],
      idTokenSigningAlgValues: [...signingAlgs],
      introspectionSigningAlgValues: [...signingAlgs],
    },
    cookies: {
      names: cookieNames,
      keys: [randomBytes(32).toString('base64url')],
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax' },
    },
    claims: scopeClaims,
    extraParams,
    conformIdTokenClaims: false,
    findAccount,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      introspection: { enabled: true, allowedPolicy: introspectionAllowed },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = logoutSuccessPage();
        },
      },
      // Logto sends logout tokens to apps with a back-channel logout URI; apps without one get none.
      backchannelLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Logto's default API resource is off: no resource means an opaque, userinfo-only token.
        defaultResource: () => undefined,
        useGrantedResource: () => false,
        getResourceServerInfo: resourceServerInfo(directory, options),
      },
    },
    // oidc-provider refuses outgoing requests to special-use addresses (SSRF protection), but a dev
    // provider's apps live on loopback and private networks: its back-channel logout POSTs must reach them.
    fetch: (url, init) => {
      const { dispatcher: _ssrfGuard, ...options } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(url, options);
    },
    pkce: { required: () => true },
    extraTokenClaims,
    formats: { customizers: { jwt: keepEmptyScope } },
    clientBasedCORS: corsAllowed(options.apps),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Logto answers every error with JSON, even to browsers (its init.ts `renderError`).
    renderError: (ctx, out) => {
      ctx.body = out;
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttl.accessToken,
      IdToken: ttl.idToken,
      RefreshToken: (ctx, token, client) => {
        const rotated = ctx?.oidc.entities.RotatedRefreshToken;
        // Rotated SPA tokens keep the remaining lifetime instead of sliding (Logto's defaults.ts).
        if (
          rotated &&
          client.applicationType === 'web' &&
          client.clientAuthMethod === 'none' &&
          !token.isSenderConstrained()
        ) {
          return rotated.remainingTTL;
        }
        return ttl.refreshToken;
      },
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 180 * 24 * 3600,
    },
  });

  allowLoopbackRedirects(provider, options.apps);
  registerRefreshTokenGrant(provider, { directory, options, rotate });
  if (options.logErrors) {
    provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) =>
      console.error('dev-provider:', error),
    );
    provider.on('backchannel.error', (_ctx: KoaContextWithOIDC, error: Error, client: Client) =>
      console.error(`dev-provider: back-channel logout to ${client.clientId} failed:`, error.message),
    );
  }
  recordBackchannelLogouts(provider, stats);
  // Outermost first: error bodies see every response, stats see the final status.
  for (const middleware of [logtoErrorBodies, recordStats(stats), splitResourceParam, addAtHash(keys)]) {
    provider.use(middleware);
  }
  return provider;
}
