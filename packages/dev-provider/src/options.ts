/**
 * The options of the dev provider, in the same shape for {@link startDevProvider} and for the CLI's
 * `--config file.json`. Every list replaces its default when given.
 *
 * @module
 */

/** The kind of Logto application, which decides how the client authenticates at the token endpoint. */
export type DevAppType = 'traditional' | 'spa' | 'native';

/** An application (OIDC client) the provider knows. */
export interface DevApp {
  /** The `client_id`. */
  id: string;
  /** The `client_secret`; required for `traditional` apps, ignored for `spa` and `native` apps. */
  secret?: string | undefined;
  /** `traditional` authenticates with `client_secret_basic` (or `_post`); `spa` and `native` with `none`. */
  type: DevAppType;
  /** Exact redirect URIs. When omitted, any `http://127.0.0.1:<port>/…` or `http://localhost:<port>/…` is allowed. */
  redirectUris?: string[] | undefined;
  /** Exact post-logout redirect URIs. When omitted, any loopback URL is allowed, as for `redirectUris`. */
  postLogoutRedirectUris?: string[] | undefined;
  /** First-party apps skip the consent screen (default `true`), as Logto does for its own apps. */
  firstParty?: boolean | undefined;
  /** A display name for the consent screen. */
  name?: string | undefined;
  /**
   * Where the provider POSTs a logout token when the user's provider session ends (OpenID Connect
   * Back-Channel Logout 1.0), as Logto does for apps with a back-channel logout URI. Any `http(s)` URL,
   * loopback included.
   */
  backchannelLogoutUri?: string | undefined;
  /** Whether the logout token (and every ID token) carries the session's `sid`; default `false`. */
  backchannelLogoutSessionRequired?: boolean | undefined;
}

/**
 * The profile of a user, with the claim names Logto uses. Unset `name`, `picture`, `email` and
 * `phone_number` come out as `null`, the other profile claims are left out, as at Logto.
 */
export interface DevUserClaims {
  name?: string | null | undefined;
  picture?: string | null | undefined;
  email?: string | null | undefined;
  phone_number?: string | null | undefined;
  given_name?: string | undefined;
  family_name?: string | undefined;
  middle_name?: string | undefined;
  nickname?: string | undefined;
  preferred_username?: string | undefined;
  profile?: string | undefined;
  website?: string | undefined;
  gender?: string | undefined;
  birthdate?: string | undefined;
  zoneinfo?: string | undefined;
  locale?: string | undefined;
  address?: Record<string, string> | undefined;
  /** Returned for the `custom_data` scope, at userinfo only. */
  custom_data?: Record<string, unknown> | undefined;
  /** Social identities, keyed by connector target; returned for the `identities` scope at userinfo. */
  identities?: Record<string, { userId: string; details?: Record<string, unknown> | undefined }> | undefined;
  /** Enterprise SSO identities; returned for the `identities` scope at userinfo. */
  sso_identities?:
    | Array<{ issuer: string; identityId: string; detail?: Record<string, unknown> | undefined }>
    | undefined;
  /** Milliseconds since the epoch, as Logto sends it; defaults to the provider's start time. */
  created_at?: number | undefined;
  /** Milliseconds since the epoch, as Logto sends it; defaults to the provider's start time. */
  updated_at?: number | undefined;
}

/** A user's membership in an organization. */
export interface DevMembership {
  /** The organization id. */
  id: string;
  /** Names of the organization's roles the user holds there. */
  roles?: string[] | undefined;
}

/** A user that can sign in with a username and a password. */
export interface DevUser {
  /** The `sub`; defaults to `user_<username>`. */
  id?: string | undefined;
  username: string;
  password: string;
  claims?: DevUserClaims | undefined;
  /** Names of global roles (see {@link DevRole}). */
  roles?: string[] | undefined;
  organizations?: DevMembership[] | undefined;
}

/** An API resource (RFC 8707 resource indicator) with the permissions (scopes) it defines. */
export interface DevResource {
  /** The resource indicator, the `aud` of its access tokens. */
  indicator: string;
  scopes: string[];
  /** Seconds; defaults to `ttl.accessToken`. */
  accessTokenTtl?: number | undefined;
}

/** One permission of an API resource. */
export interface DevResourceScope {
  resource: string;
  scope: string;
}

/** A global role: the API-resource permissions a user holding it may receive. */
export interface DevRole {
  name: string;
  scopes: DevResourceScope[];
}

/**
 * A role inside an organization. A string scope is an organization permission (it reaches
 * organization tokens); a `{ resource, scope }` is an organization-level API-resource permission
 * (it reaches tokens for `resource` requested with `organization_id`).
 */
export interface DevOrganizationRole {
  name: string;
  scopes: Array<string | DevResourceScope>;
}

/** An organization, with the roles its members can hold. */
export interface DevOrganization {
  id: string;
  name: string;
  description?: string | null | undefined;
  roles: DevOrganizationRole[];
}

/** Token lifetimes in seconds. */
export interface DevTtl {
  /** Opaque (userinfo) access tokens, and resource tokens whose resource sets no TTL. Default 3600. */
  accessToken?: number | undefined;
  /** Default 3600. */
  idToken?: number | undefined;
  /** Default 14 days. */
  refreshToken?: number | undefined;
  /** Organization tokens; fixed at 3600 at Logto. Default 3600. */
  organizationToken?: number | undefined;
}

/**
 * How refresh tokens rotate. `logto`: public clients on every refresh, confidential clients once
 * the token is past 70% of its lifetime. `always`: on every refresh (strictest; best for tests).
 */
export type RotateRefreshTokens = 'logto' | 'always';

/** The ID-token and access-token signing algorithm. */
export type SigningAlg = 'ES384' | 'RS256';

/** Options of {@link startDevProvider}; all optional. */
export interface DevProviderOptions {
  /** 0 picks a free port. Default 0 (3001 in the CLI). */
  port?: number | undefined;
  /** Default `127.0.0.1`. */
  host?: string | undefined;
  apps?: DevApp[] | undefined;
  users?: DevUser[] | undefined;
  resources?: DevResource[] | undefined;
  roles?: DevRole[] | undefined;
  organizations?: DevOrganization[] | undefined;
  ttl?: DevTtl | undefined;
  /** Default `logto`. */
  rotateRefreshTokens?: RotateRefreshTokens | undefined;
  /** Default `ES384`, as on a Logto tenant. */
  signingAlg?: SigningAlg | undefined;
  /** A JSON file `{ "keys": [<private JWK>…] }` to sign with instead of keys generated at start. */
  keysFile?: string | undefined;
  /** Allow starting when `NODE_ENV=production`. */
  allowProduction?: boolean | undefined;
  /** Log server errors to stderr (default `true`). */
  logErrors?: boolean | undefined;
}

/** The options after defaults are applied. */
export interface ResolvedOptions {
  port: number;
  host: string;
  apps: DevApp[];
  users: DevUser[];
  resources: DevResource[];
  roles: DevRole[];
  organizations: DevOrganization[];
  ttl: { readonly [Lifetime in keyof DevTtl]-?: number };
  rotateRefreshTokens: RotateRefreshTokens;
  signingAlg: SigningAlg;
  keysFile: string | undefined;
  allowProduction: boolean;
  logErrors: boolean;
}
