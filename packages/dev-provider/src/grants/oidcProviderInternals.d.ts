// Types for the two oidc-provider internals the forked refresh_token grant uses (see upstream.ts);
// @types/oidc-provider types lib/helpers/grants.js, the helpers meant for custom grants, but not these.

declare module 'oidc-provider/lib/helpers/grant_common.js' {
  import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

  type Entities = KoaContextWithOIDC['oidc']['entities'];
  export function issueIdToken(
    provider: Provider,
    ctx: KoaContextWithOIDC,
    source: NonNullable<Entities['RefreshToken']>,
    at: NonNullable<Entities['AccessToken']>,
    grant: NonNullable<Entities['Grant']>,
    scopeOverride?: Set<string>,
  ): Promise<string | undefined>;
}

declare module 'oidc-provider/lib/helpers/revoke.js' {
  import type { KoaContextWithOIDC } from 'oidc-provider';

  export default function revoke(ctx: KoaContextWithOIDC, grantId: string | undefined): Promise<void>;
}

// The error classes `oidc-provider` exports as `errors` (lib/index.js re-exports this module), typed
// as that export in oidcProvider.ts.
declare module 'oidc-provider/lib/helpers/errors.js';
