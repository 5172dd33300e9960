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
  readonly nonce?: string | undefined;
  readonly at_hash?: string | undefined;
  readonly azp?: string | undefined;
  readonly sid?: string | undefined;
  readonly auth_time?: number | undefined;
  readonly name?: string | null | undefined;
  readonly username?: string | null | undefined;
  /** May be `null` when the user has none. */
  readonly picture?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly email_verified?: boolean | undefined;
  readonly phone_number?: string | null | undefined;
  readonly phone_number_verified?: boolean | undefined;
  readonly roles?: readonly string[] | undefined;
  readonly organizations?: readonly string[] | undefined;
  /** Each `"<organizationId>:<roleName>"`. */
  readonly organization_roles?: readonly string[] | undefined;
  /** Milliseconds since the epoch at Logto (OIDC says seconds). */
  readonly created_at?: number | undefined;
  /** Milliseconds since the epoch at Logto (OIDC says seconds). */
  readonly updated_at?: number | undefined;
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
  readonly details?: Record<string, unknown> | undefined;
}

/** A Logto userinfo response: the ID-token claims plus the claims that only userinfo carries. */
export interface UserInfoResponse extends Omit<IdTokenClaims, 'iss' | 'aud' | 'exp' | 'iat'> {
  readonly custom_data?: unknown;
  readonly identities?: Record<string, UserIdentity> | undefined;
  readonly sso_identities?: readonly unknown[] | undefined;
  readonly organization_data?: readonly OrganizationData[] | undefined;
}

/** Claims of a Logto JWT access token (API resource or organization token). */
export interface AccessTokenClaims {
  readonly iss?: string | undefined;
  readonly sub?: string | undefined;
  readonly aud?: string | readonly string[] | undefined;
  readonly exp?: number | undefined;
  readonly iat?: number | undefined;
  readonly jti?: string | undefined;
  readonly client_id?: string | undefined;
  /** Space-separated granted scopes (Logto always sends it on organization tokens, `""` when empty). */
  readonly scope?: string | undefined;
  readonly organization_id?: string | undefined;
  readonly [claim: string]: unknown;
}
