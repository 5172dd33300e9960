import type { Directory, StoredUser } from './directory.js';

/** The scope that lists the user's organizations and allows organization tokens. */
export const organizationsScope = 'urn:logto:scope:organizations';

const profileClaims = [
  'name',
  'family_name',
  'given_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'updated_at',
  'username',
  'created_at',
];

/**
 * Every claim of each scope, as Logto's `userClaims` (toolkit/core-kit/src/openid.ts); userinfo
 * returns all of them. The Account API scopes carry no claims but must be known to be granted.
 */
export const scopeClaims: Readonly<Record<string, string[]>> = {
  profile: profileClaims,
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  custom_data: ['custom_data'],
  identities: ['identities', 'sso_identities'],
  roles: ['roles'],
  [organizationsScope]: ['organizations', 'organization_data'],
  'urn:logto:scope:organization_roles': ['organization_roles'],
  'urn:logto:scope:sessions': [],
  'urn:logto:scope:trusted_devices': [],
};

/**
 * The ID token's claims: the standard ones plus the extended claims a new Logto tenant enables
 * (`roles`, `organizations`, `organization_roles`; seeds/logto-config.ts). `custom_data`,
 * `identities`, `sso_identities` and `organization_data` stay userinfo-only.
 */
const idTokenOnlyOmits = new Set(['custom_data', 'identities', 'sso_identities', 'organization_data']);

/** The claims a token for `scope` may carry, as Logto's `getAcceptedUserClaims` (core/src/oidc/scope.ts). */
export function acceptedClaims(use: string, scope: string, rejected: readonly string[]): string[] {
  const claims = scope.split(' ').flatMap((name) => scopeClaims[name] ?? []);
  return claims.filter(
    (claim) => !rejected.includes(claim) && (use !== 'id_token' || !idTokenOnlyOmits.has(claim)),
  );
}

/**
 * The value of one claim for a user, as Logto's `getUserClaimsData`: timestamps in milliseconds,
 * `null` for unset `name`/`picture`/`email`/`phone_number`, `*_verified` derived from presence.
 */
export function claimValue(claim: string, user: StoredUser, directory: Directory): unknown {
  const { claims } = user;
  switch (claim) {
    case 'username':
      return user.username;
    case 'name':
    case 'picture':
    case 'email':
    case 'phone_number':
      return claims[claim] ?? null;
    case 'email_verified':
      return Boolean(claims.email);
    case 'phone_number_verified':
      return Boolean(claims.phone_number);
    case 'created_at':
      return user.createdAt;
    case 'updated_at':
      return user.updatedAt;
    case 'custom_data':
      return claims.custom_data ?? {};
    case 'identities':
      return claims.identities ?? {};
    case 'sso_identities':
      return claims.sso_identities ?? [];
    case 'roles':
      return user.roles;
    case 'organizations':
      return directory.memberships(user).map(({ organization }) => organization.id);
    case 'organization_roles':
      return directory
        .memberships(user)
        .flatMap(({ organization, roles }) => roles.map((role) => `${organization.id}:${role.name}`));
    case 'organization_data':
      return directory.memberships(user).map(({ organization: { id, name, description } }) => ({
        id,
        name,
        description: description ?? null,
      }));
    default:
      // Other profile claims come from Logto's `profile` column and are left out when unset.
      return claims[claim as keyof typeof claims];
  }
}

/** The claims of a user for one token or userinfo response, `sub` included. */
export function userClaims(
  user: StoredUser,
  directory: Directory,
  use: string,
  scope: string,
  rejected: readonly string[],
): Record<string, unknown> & { sub: string } {
  const entries = acceptedClaims(use, scope, rejected).map((claim) => [
    claim,
    claimValue(claim, user, directory),
  ]);
  return { sub: user.id, ...Object.fromEntries(entries.filter(([, value]) => value !== undefined)) };
}
