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
  secret?: string;
  /** `traditional` authenticates with `client_secret_basic` (or `_post`); `spa` and `native` with `none`. */
  type: DevAppType;
  /** Exact redirect URIs. When omitted, any `http://127.0.0.1:<port>/…` or `http://localhost:<port>/…` is allowed. */
  redirectUris?: string[];
  /** Exact post-logout redirect URIs. When omitted, any loopback URL is allowed, as for `redirectUris`. */
  postLogoutRedirectUris?: string[];
  /** First-party apps skip the consent screen (default `true`), as Logto does for its own apps. */
  firstParty?: boolean;
  /** A display name for the consent screen. */
  name?: string;
  /**
   * Where the provider POSTs a logout token when the user's provider session ends (OpenID Connect
   * Back-Channel Logout 1.0), as Logto does for apps with a back-channel logout URI. Any `http(s)` URL,
   * loopback included.
   */
  backchannelLogoutUri?: string;
  /** Whether the logout token (and every ID token) carries the session's `sid`; default `false`. */
  backchannelLogoutSessionRequired?: boolean;
}

/**
 * The profile of a user, with the claim names Logto uses. Unset `name`, `picture`, `email` and
 * `phone_number` come out as `null`, the other profile claims are left out, as at Logto.
 */
export interface DevUserClaims {
  name?: string | null;
  picture?: string | null;
  email?: string | null;
  phone_number?: string | null;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  address?: Record<string, string>;
  /** Returned for the `custom_data` scope, at userinfo only. */
  custom_data?: Record<string, unknown>;
  /** Social identities, keyed by connector target; returned for the `identities` scope at userinfo. */
  identities?: Record<string, { userId: string; details?: Record<string, unknown> }>;
  /** Enterprise SSO identities; returned for the `identities` scope at userinfo. */
  sso_identities?: Array<{ issuer: string; identityId: string; detail?: Record<string, unknown> }>;
  /** Milliseconds since the epoch, as Logto sends it; defaults to the provider's start time. */
  created_at?: number;
  /** Milliseconds since the epoch, as Logto sends it; defaults to the provider's start time. */
  updated_at?: number;
}

/** A user's membership in an organization. */
export interface DevMembership {
  /** The organization id. */
  id: string;
  /** Names of the organization's roles the user holds there. */
  roles?: string[];
}

/** A user that can sign in with a username and a password. */
export interface DevUser {
  /** The `sub`; defaults to `user_<username>`. */
  id?: string;
  username: string;
  password: string;
  claims?: DevUserClaims;
  /** Names of global roles (see {@link DevRole}). */
  roles?: string[];
  organizations?: DevMembership[];
}

/** An API resource (RFC 8707 resource indicator) with the permissions (scopes) it defines. */
export interface DevResource {
  /** The resource indicator, the `aud` of its access tokens. */
  indicator: string;
  scopes: string[];
  /** Seconds; defaults to `ttl.accessToken`. */
  accessTokenTtl?: number;
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
  description?: string | null;
  roles: DevOrganizationRole[];
}

/** Token lifetimes in seconds. */
export interface DevTtl {
  /** Opaque (userinfo) access tokens, and resource tokens whose resource sets no TTL. Default 3600. */
  accessToken?: number;
  /** Default 3600. */
  idToken?: number;
  /** Default 14 days. */
  refreshToken?: number;
  /** Organization tokens; fixed at 3600 at Logto. Default 3600. */
  organizationToken?: number;
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
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  apps?: DevApp[];
  users?: DevUser[];
  resources?: DevResource[];
  roles?: DevRole[];
  organizations?: DevOrganization[];
  ttl?: DevTtl;
  /** Default `logto`. */
  rotateRefreshTokens?: RotateRefreshTokens;
  /** Default `ES384`, as on a Logto tenant. */
  signingAlg?: SigningAlg;
  /** A JSON file `{ "keys": [<private JWK>…] }` to sign with instead of keys generated at start. */
  keysFile?: string;
  /** Allow starting when `NODE_ENV=production`. */
  allowProduction?: boolean;
  /** Log server errors to stderr (default `true`). */
  logErrors?: boolean;
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
  ttl: Required<DevTtl>;
  rotateRefreshTokens: RotateRefreshTokens;
  signingAlg: SigningAlg;
  keysFile: string | undefined;
  allowProduction: boolean;
  logErrors: boolean;
}
