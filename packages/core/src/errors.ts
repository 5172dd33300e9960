/**
 * Every failure the SDK reports is one of these tagged errors. Each carries a closed `reason`
 * union so callers can branch without parsing messages, and a message that says what to do.
 * No message ever contains a token.
 *
 * @module
 */
import * as Data from 'effect/Data';

/** Invalid configuration, or a call the configuration does not allow. */
export class ConfigError extends Data.TaggedError('ConfigError')<{
  readonly reason:
    | 'InvalidEndpoint'
    | 'InvalidAppId'
    | 'MissingAppSecret'
    | 'InvalidScope'
    | 'InvalidResource'
    | 'InvalidRedirectUri'
    | 'InvalidOption'
    | 'ResourceNotRequested'
    | 'OrganizationsScopeNotRequested';
  readonly message: string;
}> {}

/** The provider's discovery document could not be fetched or is not acceptable. */
export class DiscoveryError extends Data.TaggedError('DiscoveryError')<{
  readonly reason: 'Unavailable' | 'InvalidResponse' | 'IssuerMismatch';
  readonly message: string;
  readonly status?: number | undefined;
}> {}

/** The sign-in callback URL was rejected before any token request was made. */
export class CallbackError extends Data.TaggedError('CallbackError')<{
  readonly reason:
    | 'InvalidUrl'
    | 'RedirectUriMismatch'
    | 'ProviderError'
    | 'MissingState'
    | 'UnknownState'
    | 'MissingCode'
    | 'MissingIssuer'
    | 'IssuerMismatch';
  readonly message: string;
  /** The provider's `error` parameter, for `reason: 'ProviderError'`. */
  readonly error?: string | undefined;
  /** The provider's `error_description` parameter, for `reason: 'ProviderError'`. */
  readonly errorDescription?: string | undefined;
}> {}

/** An ID token failed one of the checks of OpenID Connect Core §3.1.3.7. */
export class IdTokenError extends Data.TaggedError('IdTokenError')<{
  readonly reason:
    | 'Malformed'
    | 'UnsupportedAlgorithm'
    | 'NoMatchingKey'
    | 'InvalidSignature'
    | 'InvalidIssuer'
    | 'InvalidAudience'
    | 'InvalidAuthorizedParty'
    | 'MissingExpiry'
    | 'Expired'
    | 'MissingIssuedAt'
    | 'IssuedInFuture'
    | 'MissingSubject'
    | 'NonceMismatch'
    | 'SubjectChanged'
    | 'IssuerChanged'
    | 'KeysUnavailable';
  readonly message: string;
}> {}

/** A request to the provider's token, userinfo or revocation endpoint failed. */
export class TokenRequestError extends Data.TaggedError('TokenRequestError')<{
  /**
   * `Rejected`: the provider answered with an OAuth error (see `error`);
   * `Unavailable`: network failure, timeout or 5xx — nothing was changed, try again later;
   * `InvalidResponse`: the provider's answer could not be understood.
   */
  readonly reason: 'Rejected' | 'Unavailable' | 'InvalidResponse';
  readonly message: string;
  /** The provider's `error` code, e.g. `access_denied` (RFC 6749 §5.2). */
  readonly error?: string | undefined;
  readonly errorDescription?: string | undefined;
  readonly status?: number | undefined;
}> {}

/** The userinfo response could not be had or does not belong to the signed-in user. */
export class UserInfoError extends Data.TaggedError('UserInfoError')<{
  readonly reason: 'Rejected' | 'Unavailable' | 'InvalidResponse' | 'SubjectMismatch';
  readonly message: string;
  readonly status?: number | undefined;
}> {}

/** The session has ended at the provider: the user must sign in again. */
export class SessionExpired extends Data.TaggedError('SessionExpired')<{
  /**
   * `StaleSession`: this copy of the session (an old cookie) holds a refresh token another request
   * already rotated, and it arrived too long after the rotation to be one of its concurrent requests.
   */
  readonly reason: 'RefreshTokenRejected' | 'NoRefreshToken' | 'StaleSession';
  readonly message: string;
}> {}

/** The call needs a signed-in user and there is none. */
export class NotAuthenticated extends Data.TaggedError('NotAuthenticated')<{
  readonly message: string;
}> {}

/** The storage port failed, or held a session this version cannot read. */
export class StorageError extends Data.TaggedError('StorageError')<{
  /** `Unavailable`: a session store could not be reached or did not answer in time; nothing was lost. */
  readonly reason: 'ReadFailed' | 'WriteFailed' | 'CorruptSession' | 'Unavailable';
  readonly message: string;
}> {}

/** A transport failure from the `Http` port. Mapped to the endpoint's own error before it reaches users. */
export class HttpError extends Data.TaggedError('HttpError')<{
  readonly reason: 'Network' | 'Timeout';
  readonly message: string;
}> {}

/**
 * A back-channel logout request was refused: no `logout_token`, or one that fails a check of
 * OpenID Connect Back-Channel Logout 1.0 §2.6. Answered 400 (`KeysUnavailable`: 502).
 */
export class LogoutTokenError extends Data.TaggedError('LogoutTokenError')<{
  readonly reason:
    | 'Missing'
    | 'Malformed'
    | 'UnsupportedAlgorithm'
    | 'NoMatchingKey'
    | 'InvalidSignature'
    | 'KeysUnavailable'
    | 'InvalidIssuer'
    | 'InvalidAudience'
    | 'MissingIssuedAt'
    | 'IssuedInFuture'
    | 'Expired'
    | 'Stale'
    | 'MissingJwtId'
    | 'MissingEvents'
    | 'InvalidEvents'
    | 'MissingSubjectAndSession'
    | 'NoncePresent'
    | 'Replayed';
  readonly message: string;
}> {}

/** Any error the SDK can raise. */
export type LogtoMachineError =
  | ConfigError
  | DiscoveryError
  | CallbackError
  | IdTokenError
  | TokenRequestError
  | UserInfoError
  | SessionExpired
  | NotAuthenticated
  | StorageError
  | HttpError
  | LogoutTokenError;

const errorClasses = [
  ConfigError,
  DiscoveryError,
  CallbackError,
  IdTokenError,
  TokenRequestError,
  UserInfoError,
  SessionExpired,
  NotAuthenticated,
  StorageError,
  HttpError,
  LogoutTokenError,
];

/** Whether `error` is one of the SDK's tagged errors (adapters answer those, and rethrow the rest). */
export const isLogtoMachineError = (error: unknown): error is LogtoMachineError =>
  errorClasses.some((errorClass) => error instanceof errorClass);
