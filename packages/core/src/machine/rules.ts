/**
 * The session rules, each one pure function over the session's data and `now`. The machine's guards
 * call them, and so do the runtime's reads (`LogtoClient`, the Effect operations): a rule is written
 * here once, never re-implemented next to a caller. Times are milliseconds since the epoch.
 *
 * @module
 */
import type {
  AccessTokenEntry,
  RecordedRefresh,
  RefreshRequest,
  SessionFailure,
  SessionTokens,
} from './context.ts';

/** The skew for one token: at most half its lifetime, so a token shorter-lived than the skew is still reused. */
export const effectiveSkewMs = (entry: AccessTokenEntry, skewMs: number): number =>
  entry.receivedAt === undefined ? skewMs : Math.min(skewMs, (entry.expiresAt - entry.receivedAt) / 2);

/**
 * Whether `entry` still serves a caller at `now`: it stays valid for more than the skew. A token about
 * to expire is treated as gone, so no caller is handed a token that dies in flight.
 */
export const isFresh = (entry: AccessTokenEntry, now: number, skewMs: number): boolean =>
  entry.expiresAt - effectiveSkewMs(entry, skewMs) > now;

/** Which cached token serves a target: the one under `key` while it {@link isFresh}, else `null`. */
export const selectAccessToken = (
  tokens: SessionTokens | null,
  key: string,
  now: number,
  skewMs: number,
): AccessTokenEntry | null => {
  const entry = tokens?.accessTokens[key];
  return entry && isFresh(entry, now, skewMs) ? entry : null;
};

/** Whether the session can get new tokens without the user: it holds a refresh token. */
export const canRefresh = (tokens: SessionTokens | null): boolean => tokens?.refreshToken !== undefined;

/** A session with no refresh token whose ID token has expired can never be renewed: it is over. */
export const isSessionOver = (tokens: SessionTokens | null, now: number): boolean =>
  tokens !== null && tokens.refreshToken === undefined && tokens.idTokenExpiresAt <= now;

/** Whether a session is live at `now`: signed in (it holds tokens), and not {@link isSessionOver}. */
export const isSessionLive = (tokens: SessionTokens | null, now: number): boolean =>
  tokens !== null && !isSessionOver(tokens, now);

/** Whether `error` is the provider's `invalid_grant`: the refresh token is dead (expired, revoked, reused). */
export const isInvalidGrant = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { _tag?: unknown })._tag === 'TokenRequestError' &&
  (error as { error?: unknown }).error === 'invalid_grant';

/**
 * Whether a failure is transient (the provider could not be reached): the session keeps its tokens and
 * a caller asking for a token gets none this time, rather than an error.
 */
export const isTransientFailure = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { reason?: unknown }).reason === 'Unavailable';

/**
 * Whether a copy of the session opened at `openedAt` may adopt a refresh result recorded at
 * `recordedAt`: it was current at the rotation — its request started before the result was recorded
 * (however long it then waited), or at most `graceMs` after (sent before the rotated cookie reached
 * the browser). A copy stolen earlier and replayed later cannot launder a spent refresh token.
 */
export const mayAdopt = (recordedAt: number, openedAt: number, graceMs: number): boolean =>
  openedAt <= recordedAt + graceMs;

/** Whether another copy's recorded refresh says the refresh token is dead (the provider rejected it). */
export const wasRejectedElsewhere = (recorded: RecordedRefresh | null): boolean =>
  recorded?.received === null;

/** Whether another copy's recorded refresh rotated the refresh token this copy holds. */
export const wasRotatedElsewhere = (
  recorded: RecordedRefresh | null,
  refreshToken: string | undefined,
): boolean => recorded?.received != null && recorded.nextRefreshToken !== refreshToken;

/**
 * Whether this copy of the session is stale: another copy rotated its refresh token, and this copy was
 * opened too late to adopt the result ({@link mayAdopt}). It must neither present the spent token (the
 * provider would revoke the whole grant) nor adopt (a stolen stale copy must not get the rotated tokens).
 */
export const isStaleCopy = (
  recorded: RecordedRefresh | null,
  refreshToken: string | undefined,
  request: RefreshRequest,
): boolean =>
  recorded !== null &&
  wasRotatedElsewhere(recorded, refreshToken) &&
  !mayAdopt(recorded.recordedAt, request.policy.openedAt, request.policy.adoptionGraceMs);

/** Whether another copy's recorded refresh already holds a fresh token for the requested target. */
export const coversRequest = (recorded: RecordedRefresh | null, request: RefreshRequest): boolean =>
  recorded?.received != null &&
  recorded.received.accessTokenKey === request.key &&
  isFresh(recorded.received.accessToken, request.now, request.policy.skewMs);

/** Why a session ended, as the failure the machine records (and the runtime rethrows as `SessionExpired`). */
export const sessionEnded = {
  /** The ID token expired and nothing can renew it. */
  NoRefreshToken: {
    tag: 'SessionExpired',
    reason: 'NoRefreshToken',
    message: 'The ID token expired and there is no refresh token to renew it; sign in again.',
  },
  /** The provider answered `invalid_grant` (now, or earlier to another copy of the session). */
  RefreshTokenRejected: {
    tag: 'SessionExpired',
    reason: 'RefreshTokenRejected',
    message:
      'The provider rejected the refresh token (expired, revoked or reused); the session was cleared, sign in again.',
  },
  /** Another copy rotated the refresh token before this copy's request started. */
  StaleSession: {
    tag: 'SessionExpired',
    reason: 'StaleSession',
    message:
      'This copy of the session is older than its last refresh (another request rotated the refresh token); sign in again.',
  },
} as const satisfies Record<string, SessionFailure>;

/** Whether a recorded failure says the session ended (its tokens are gone; the user must sign in again). */
export const isSessionEnded = (failure: SessionFailure | null): boolean => failure?.tag === 'SessionExpired';
