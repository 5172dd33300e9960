/**
 * The claims a Logto server puts in ID tokens, userinfo responses and access tokens — true to what
 * it really sends (timestamps in milliseconds, `picture` may be `null`).
 *
 * @module
 */

/** Claims of a Logto ID token. Which appear depends on the granted scopes. */
export interface IdTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nonce?: string;
  readonly at_hash?: string;
  readonly azp?: string;
  readonly sid?: string;
  readonly auth_time?: number;
  readonly name?: string | null;
  readonly username?: string | null;
  /** May be `null` when the user has none. */
  readonly picture?: string | null;
  readonly email?: string | null;
  readonly email_verified?: boolean;
  readonly phone_number?: string | null;
  readonly phone_number_verified?: boolean;
  readonly roles?: readonly string[];
  readonly organizations?: readonly string[];
  /** Each `"<organizationId>:<roleName>"`. */
  readonly organization_roles?: readonly string[];
  /** Milliseconds since the epoch at Logto (OIDC says seconds). */
  readonly created_at?: number;
  /** Milliseconds since the epoch at Logto (OIDC says seconds). */
  readonly updated_at?: number;
  readonly [claim: string]: unknown;
}

/** An organization in a userinfo response's `organization_data`. */
export interface OrganizationData {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
}

/** A linked social or enterprise identity in a userinfo response. */
export interface UserIdentity {
  readonly userId: string;
  readonly details?: Record<string, unknown>;
}

/** A Logto userinfo response: the ID-token claims plus the claims that only userinfo carries. */
export interface UserInfoResponse extends Omit<IdTokenClaims, 'iss' | 'aud' | 'exp' | 'iat'> {
  readonly custom_data?: unknown;
  readonly identities?: Record<string, UserIdentity>;
  readonly sso_identities?: readonly unknown[];
  readonly organization_data?: readonly OrganizationData[];
}

/** Claims of a Logto JWT access token (API resource or organization token). */
export interface AccessTokenClaims {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
  readonly exp?: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly client_id?: string;
  /** Space-separated granted scopes (Logto always sends it on organization tokens, `""` when empty). */
  readonly scope?: string;
  readonly organization_id?: string;
  readonly [claim: string]: unknown;
}
