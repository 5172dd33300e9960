/**
 * `@logto-machine/core`: sign users in with Logto from any Web-standard runtime.
 *
 * The session machine itself (`sessionMachine`, whose type is XState's) is the entry
 * `@logto-machine/core/machine`, so that this entry's declarations name no XState type.
 *
 * @module
 */

// Errors
export {
  CallbackError,
  ConfigError,
  DiscoveryError,
  HttpError,
  IdTokenError,
  isLogtoMachineError,
  LogoutTokenError,
  type LogtoMachineError,
  NotAuthenticated,
  SessionExpired,
  StorageError,
  TokenRequestError,
  UserInfoError,
} from './errors.ts';
export type {
  ExchangeCodeInput,
  ReadRefreshLedgerInput,
  RefreshTokensInput,
  RevokeTokenInput,
} from './machine/actorInputs.ts';
export type {
  AccessTokenEntry,
  ReceivedTokens,
  RecordedRefresh,
  RefreshPolicy,
  RefreshRequest,
  SessionContext,
  SessionFailure,
  SessionTokens,
} from './machine/context.ts';
export type { SessionEmitted, SessionEvent } from './machine/events.ts';
export {
  canRefresh,
  isFresh,
  isSessionLive,
  isSessionOver,
  mayAdopt,
  selectAccessToken,
} from './machine/rules.ts';
export type {
  AccessTokenClaims,
  IdTokenClaims,
  OrganizationData,
  UserIdentity,
  UserInfoResponse,
} from './oidc/claims.ts';
// Configuration, scopes and claims
export type { LogtoConfig, NormalizedConfig, Prompt } from './oidc/config.ts';
export { normalizeConfig } from './oidc/config.ts';
export type { ProviderMetadata } from './oidc/discovery.ts';
// Back-channel logout (OpenID Connect Back-Channel Logout 1.0)
export { backchannelLogoutEvent, type LogoutTokenClaims } from './oidc/logoutToken.ts';
export {
  buildOrganizationUrn,
  getOrganizationIdFromUrn,
  organizationsResource,
  reservedScopes,
  UserInfoScope,
} from './oidc/scopes.ts';
export type { FirstScreen, SignInOptions, SignInTransaction } from './oidc/signIn.ts';
export type { TokenResponse, TokenTarget } from './oidc/tokenRequest.ts';
export {
  Clock,
  type ClockShape,
  layerSystemClock,
  type ManualClock,
  makeManualClock,
  systemClock,
} from './ports/Clock.ts';
export { Crypto, type CryptoShape, layerWebCrypto, webCrypto } from './ports/Crypto.ts';
// Ports
export { type FetchHttpOptions, Http, type HttpShape, layerFetch, makeFetchHttp } from './ports/Http.ts';
export { Lock, type LockShape, layerMemoryLock, makeMemoryLock } from './ports/Lock.ts';
export { consoleLogger, type Logger, type LogLevel, type LogMethod } from './ports/Logger.ts';
export {
  fromStorage,
  layerMemory,
  layerStorage,
  MemoryStorage,
  type Storage,
  StorageService,
  type StorageShape,
} from './ports/Storage.ts';
// The Effect API
export {
  ClientSettings,
  type ClientSettingsShape,
  type SessionInspection,
  type SessionInspector,
} from './runtime/ClientSettings.ts';
// The Promise facade (the tutorial's API)
export { LogtoClient, type LogtoClientOptions, makeLogtoLayer } from './runtime/LogtoClient.ts';
export {
  fetchUserInfo,
  getAccessToken,
  getAccessTokenClaims,
  getIdToken,
  getIdTokenClaims,
  getRefreshToken,
  getSessionState,
  handleSignInCallback,
  isAuthenticated,
  type LogtoServices,
  signIn,
  signOut,
  verifyLogoutToken,
} from './runtime/operations.ts';
export { ProviderCache, type ProviderCacheOptions } from './runtime/providerCache.ts';
export { RefreshLedger } from './runtime/refreshLedger.ts';
// The stored form of a session, for stores that seed or migrate sessions (and `@logto-machine/testing`)
export { encodeSessionRecord, type StoredState } from './runtime/sessionRecord.ts';
// Server apps: the auth logic every framework adapter shares
export { isApiRequest } from './server/apiRequest.ts';
export {
  errorPage,
  type FailureAnswer,
  type FailureContext,
  failureResponse,
  type HttpFailure,
  toHttpFailure,
} from './server/errorMapping.ts';
export { LogtoRequest, type LogtoRequestOptions, type RequireAuthOptions } from './server/LogtoRequest.ts';
export type { LogtoRequestInput } from './server/LogtoRequestInput.ts';
export {
  appendSetCookie,
  type LogtoResponse,
  responseBody,
  responseContentTypes,
  responseHeaders,
  toWebResponse,
  withSetCookie,
} from './server/LogtoResponse.ts';
export { LogtoServer } from './server/LogtoServer.ts';
export type { RequestBody } from './server/requestBody.ts';
export { requestUrl } from './server/requestTarget.ts';
export { maxReturnToLength, safeReturnTo, signInPathFor } from './server/returnTo.ts';
export type { LogtoRoutes, LogtoServerConfig, ServerSettings } from './server/serverConfig.ts';
// Cookie sessions (encrypted, chunked) shared by the server adapters
export { CookieSessions, type CookieSessionsConfig } from './session/CookieSessions.ts';
export { makeSessions, type SessionsConfig } from './session/makeSessions.ts';
// Server-side sessions (a signed id in the cookie, the session in an unstorage store)
export type { SessionKeyValueStore, StoredValue } from './session/SessionKeyValueStore.ts';
// The session vocabulary: `Sessions` (one per app, `kind: 'cookie' | 'store'`), `RequestSession` (one per request)
export type {
  OpenSessionOptions,
  RequestSession,
  SessionSelector,
  Sessions,
  SessionsOfKind,
} from './session/Sessions.ts';
export { StoreSessions, type StoreSessionsConfig } from './session/StoreSessions.ts';
