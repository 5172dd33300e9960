/**
 * What to do about each error, keyed `Tag.Reason` (or `Tag` for an error without a reason). The
 * errors reference joins this with what `errors.ts` declares; `test/generated.test.ts` fails when a
 * reason has no advice here, or advice names a reason that no longer exists.
 *
 * @module
 */
export const errorAdvice: Readonly<Record<string, string>> = {
  'ConfigError.InvalidEndpoint':
    'Set `endpoint` to your Logto endpoint, e.g. `https://tenant.logto.app` (https; plain http only on loopback), without `/oidc`, a query or a fragment.',
  'ConfigError.InvalidAppId': 'Set `appId` to the application ID shown in the Logto console.',
  'ConfigError.MissingAppSecret':
    'Server adapters (`LogtoServer`) need `appSecret`: create a "Traditional web" application in the Logto console and pass its App secret (from an environment variable). The app fails at start-up, not at the first callback.',
  'ConfigError.InvalidScope':
    'Pass `scopes` as an array of scope names without spaces, e.g. `[UserInfoScope.Email]`.',
  'ConfigError.InvalidResource':
    'Pass `resources` as absolute API identifiers without a fragment, exactly as registered under API resources in the console.',
  'ConfigError.InvalidRedirectUri':
    'Pass an absolute http(s) redirect URI without a fragment; adapters build it from `baseUrl` and `routes.callback`.',
  'ConfigError.InvalidOption':
    'The message names the option and what it accepts (cookie secrets of 32+ characters, route paths starting with `/`, non-negative timeouts…). Fix it; the app fails at start-up, not per request.',
  'ConfigError.ResourceNotRequested':
    'Add the resource to `resources` and sign in again: the provider refuses tokens for resources the sign-in did not ask for.',
  'ConfigError.OrganizationsScopeNotRequested':
    'Add `UserInfoScope.Organizations` to `scopes` and sign in again before asking for organization tokens.',
  'DiscoveryError.Unavailable':
    'The provider could not be reached (after two retries). Check `endpoint` and the network; nothing is cached, the next request tries again.',
  'DiscoveryError.InvalidResponse':
    'The discovery document is not valid OpenID metadata (or names a plain-http endpoint off loopback). Check that `endpoint` points at Logto, not at your app or a proxy page.',
  'DiscoveryError.IssuerMismatch':
    "The document names another issuer than `<endpoint>/oidc`. Use the exact endpoint of the tenant (a custom domain's issuer differs from the `logto.app` one).",
  'CallbackError.InvalidUrl':
    'Pass the full callback URL (origin, path and query) to `handleSignInCallback`.',
  'CallbackError.RedirectUriMismatch':
    'The callback arrived at another origin or path than the redirect URI of the sign-in. Behind a proxy set `baseUrl`; register the exact redirect URI in the console.',
  'CallbackError.ProviderError':
    'The provider ended the sign-in (`error`, `errorDescription` say why, e.g. `access_denied` when the user cancelled). Offer to sign in again.',
  'CallbackError.MissingState':
    'The callback was not produced by a sign-in of this app: start the sign-in again.',
  'CallbackError.UnknownState':
    'No pending sign-in matches: the link was used twice, expired (10 minutes), or the sign-in began on another host (`localhost` vs `127.0.0.1`) or in another browser. Start again on one origin. With `baseUrl` set, sign-ins opened at another host are moved to its host first (see Debugging, "Opened at another address than baseUrl").',
  'CallbackError.MissingCode': 'The provider sent no code: start the sign-in again.',
  'CallbackError.MissingIssuer':
    'The provider promised RFC 9207 `iss` and left it out; a proxy may strip query parameters. Start again; if it persists, check what rewrites the callback URL.',
  'CallbackError.IssuerMismatch':
    'The callback names another issuer (a mix-up attack, or two tenants configured in one app). Start the sign-in again against the configured endpoint.',
  'IdTokenError.Malformed':
    'The provider sent something that is not a signed JWT. Check that `endpoint` is a Logto tenant; the sign-in is refused.',
  'IdTokenError.UnsupportedAlgorithm':
    'The token is signed with `none`, an HMAC, or an algorithm discovery does not advertise; it is refused. Check the signing-key settings of the tenant.',
  'IdTokenError.NoMatchingKey':
    "No published key has the token's `kid`, even after one JWKS re-fetch. After a key rotation wait for the JWKS to publish the new key; otherwise the token is forged.",
  'IdTokenError.InvalidSignature':
    "The signature does not verify with the provider's keys: the token is refused.",
  'IdTokenError.InvalidIssuer':
    '`iss` is not `<endpoint>/oidc`: check `endpoint` (custom domain vs `logto.app`).',
  'IdTokenError.InvalidAudience': '`aud` does not name this app: check `appId`.',
  'IdTokenError.InvalidAuthorizedParty':
    '`aud` lists other audiences without an `azp` naming this app, or `azp` changed at refresh: the token is refused.',
  'IdTokenError.MissingExpiry': 'The token has no `exp`: it is refused.',
  'IdTokenError.Expired':
    "The token expired before it arrived (60 s of leeway). Check this server's clock (NTP); raise `clockToleranceSeconds` only if clocks cannot be fixed.",
  'IdTokenError.MissingIssuedAt': 'The token has no `iat`: it is refused.',
  'IdTokenError.IssuedInFuture': "The token was issued in this server's future: check the clock (NTP).",
  'IdTokenError.MissingSubject': 'The token has no `sub`: it is refused.',
  'IdTokenError.NonceMismatch':
    "The token's `nonce` is not the one this sign-in sent (a replayed or injected response): start the sign-in again.",
  'IdTokenError.SubjectChanged':
    'A refreshed ID token is for another user; the refresh is refused and the session keeps its tokens.',
  'IdTokenError.IssuerChanged':
    'A refreshed ID token has another `iss`; the refresh is refused and the session keeps its tokens.',
  'IdTokenError.KeysUnavailable':
    'The JWKS could not be fetched or parsed; failures are not cached, so the next request tries again. Check the network to the provider.',
  'TokenRequestError.Rejected':
    'The provider refused the request: see `error` (`invalid_grant` ends the session as `SessionExpired`; `access_denied` for an organization the user is not a member of: adapters answer 403; `invalid_client`: check `appSecret`).',
  'TokenRequestError.Unavailable':
    'Network failure, timeout or 5xx: nothing changed (token requests are never retried, since a refresh may have rotated the token). `getAccessToken` returns `null`; try again later.',
  'TokenRequestError.InvalidResponse':
    'The provider answered something that is not a token response (an HTML error page from a proxy, missing `id_token` without the `openid` scope). Check what sits between the app and Logto.',
  'UserInfoError.Rejected': 'The userinfo endpoint refused the access token: sign in again if it persists.',
  'UserInfoError.Unavailable': 'The provider could not be reached (after two retries): try again later.',
  'UserInfoError.InvalidResponse':
    'The provider has no userinfo endpoint, or answered something that is not JSON claims. Check `endpoint`.',
  'UserInfoError.SubjectMismatch':
    "Userinfo answered for another user than the ID token's `sub`: the claims are discarded and the session is kept as it was.",
  'SessionExpired.RefreshTokenRejected':
    'The provider rejected the refresh token (expired, revoked, reused); the local session is cleared. Send the user to sign in again — adapters do it for pages and answer 401 to APIs.',
  'SessionExpired.NoRefreshToken':
    'The ID token expired and there is no refresh token (no `offline_access`, or `prompt` without `consent`): sign in again. Keep the default `prompt: consent` to get refresh tokens.',
  'SessionExpired.StaleSession':
    'The request carried an old copy of the session (a cookie from before another request rotated the refresh token) and started more than a few seconds after that rotation: it is not adopted, so a stolen stale cookie cannot obtain the new tokens. The browser normally holds the newer cookie; send the user to sign in again — adapters do it.',
  NotAuthenticated:
    'No user is signed in: redirect to sign-in (`requireAuth` in the adapters does it for you).',
  'StorageError.ReadFailed': 'The storage you passed threw on `get`: check its backend (Redis, KV…).',
  'StorageError.WriteFailed':
    'The storage threw on `set`/`delete`, or a cookie session was asked to keep a key it cannot keep: check the backend; await every write before reading `setCookieHeaders()`.',
  'StorageError.Unavailable':
    'The session store (store mode) did not answer within `storeTimeoutMs`; nothing was lost. Check the store (Redis, KV…); the request can be retried once it is back.',
  'StorageError.CorruptSession':
    'A stored session could not be read by this version; it is treated as signed out. Sign in again.',
  'HttpError.Network':
    "A transport failure from the `Http` port; it reaches you mapped to the endpoint's own error (`…Unavailable`). Check the network or your custom `fetch`.",
  'HttpError.Timeout':
    "A request took longer than `timeoutMs` (10 s by default); mapped to the endpoint's own `Unavailable` error. Raise `timeoutMs` only for a slow link.",
  'LogoutTokenError.Missing':
    'The back-channel request carried no single `logout_token` in an `application/x-www-form-urlencoded` POST: check the back-channel logout URI registered in the console.',
  'LogoutTokenError.Malformed': 'The logout token is not a signed JWT: the request is refused with 400.',
  'LogoutTokenError.UnsupportedAlgorithm':
    'The logout token uses `none`, an HMAC or an algorithm discovery does not advertise: refused with 400.',
  'LogoutTokenError.NoMatchingKey': "No published key matches the logout token's `kid`: refused with 400.",
  'LogoutTokenError.InvalidSignature': "The logout token's signature does not verify: refused with 400.",
  'LogoutTokenError.KeysUnavailable':
    'The JWKS could not be fetched to check the logout token: answered 502, so the provider retries later.',
  'LogoutTokenError.InvalidIssuer':
    'The logout token comes from another issuer: refused with 400. Check `endpoint`.',
  'LogoutTokenError.InvalidAudience': 'The logout token is for another app: refused with 400. Check `appId`.',
  'LogoutTokenError.MissingIssuedAt': 'The logout token has no `iat`: refused with 400.',
  'LogoutTokenError.IssuedInFuture':
    "The logout token was issued in this server's future: check the clock (NTP).",
  'LogoutTokenError.Expired': 'The logout token has expired: refused with 400.',
  'LogoutTokenError.Stale': 'The logout token was issued too long ago to be trusted: refused with 400.',
  'LogoutTokenError.MissingJwtId':
    'The logout token has no `jti` (needed to refuse replays): refused with 400.',
  'LogoutTokenError.MissingEvents': 'The logout token has no `events` claim: refused with 400.',
  'LogoutTokenError.InvalidEvents':
    'The `events` claim lacks the back-channel logout event (`http://schemas.openid.net/event/backchannel-logout`): refused with 400.',
  'LogoutTokenError.MissingSubjectAndSession':
    'The logout token names neither `sub` nor `sid`: refused with 400.',
  'LogoutTokenError.NoncePresent':
    'The logout token carries a `nonce` (an ID token passed off as a logout token): refused with 400.',
  'LogoutTokenError.Replayed': 'This logout token (`jti`) was already used: refused with 400.',
};
