/**
 * Logto's scopes, resources and the URN helpers around organizations.
 *
 * @module
 */

/** Scopes every sign-in asks for: an ID token, a refresh token, and the basic profile. */
export const reservedScopes = ['openid', 'offline_access', 'profile'] as const;

/**
 * The user-information scopes a Logto server knows, and the claims each unlocks.
 *
 * @see https://docs.logto.io/docs/references/openid-connect/claims/
 */
export const UserInfoScope = {
  /** `name`, `picture`, `username`, `created_at`, `updated_at` and the other OIDC profile claims. */
  Profile: 'profile',
  /** `email`, `email_verified`. */
  Email: 'email',
  /** `phone_number`, `phone_number_verified`. */
  Phone: 'phone',
  /** `address`. */
  Address: 'address',
  /** `custom_data` (userinfo only, unless the tenant adds it to the ID token). */
  CustomData: 'custom_data',
  /** `identities`, `sso_identities` (userinfo only, unless the tenant adds them to the ID token). */
  Identities: 'identities',
  /** `roles`. */
  Roles: 'roles',
  /** `organizations`, and `organization_data` in userinfo; enables organization tokens. */
  Organizations: 'urn:logto:scope:organizations',
  /** `organization_roles`, each `"<organizationId>:<roleName>"`. */
  OrganizationRoles: 'urn:logto:scope:organization_roles',
  /** Account API permission to manage sessions (no claims). */
  Sessions: 'urn:logto:scope:sessions',
  /** Account API permission to manage trusted devices (no claims). */
  TrustedDevices: 'urn:logto:scope:trusted_devices',
} as const;

/** One of the {@link UserInfoScope} values. */
export type UserInfoScope = (typeof UserInfoScope)[keyof typeof UserInfoScope];

/** The resource indicator that carries organization-role scopes into organization tokens. */
export const organizationsResource = 'urn:logto:resource:organizations';

const organizationUrnPrefix = 'urn:logto:organization:';

/** The audience of an organization token: `urn:logto:organization:<id>`. */
export const buildOrganizationUrn = (organizationId: string): string =>
  `${organizationUrnPrefix}${organizationId}`;

/** The organization id in an organization token's audience, or `null` for any other audience. */
export const getOrganizationIdFromUrn = (urn: string): string | null =>
  urn.startsWith(organizationUrnPrefix) ? urn.slice(organizationUrnPrefix.length) || null : null;

/** The reserved scopes followed by `scopes`, each once, in order. */
export const withReservedScopes = (scopes: readonly string[] = []): string[] => [
  ...new Set([...reservedScopes, ...scopes]),
];

/** The configured resources, plus the organizations resource when the organizations scope is asked for. */
export const withOrganizationsResource = (
  scopes: readonly string[],
  resources: readonly string[] = [],
): string[] => [
  ...new Set(
    scopes.includes(UserInfoScope.Organizations) ? [...resources, organizationsResource] : resources,
  ),
];
