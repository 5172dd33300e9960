/**
 * The session's data and the pure functions over it. Times are milliseconds since the epoch and
 * always come from event data, never from a clock read here.
 *
 * @module
 */
import type { SignInTransaction } from '../oidc/signIn.ts';

/** One cached access token. */
export interface AccessTokenEntry {
  readonly token: string;
  /** Granted scopes, space-separated (empty when the provider did not say). */
  readonly scope: string;
  /** When the token stops being valid, in ms since the epoch. */
  readonly expiresAt: number;
  /** When it was requested, in ms since the epoch (absent in sessions written before this field). */
  readonly receivedAt?: number;
}

/** The skew for one token: at most half its lifetime, so a token shorter-lived than the skew is still reused. */
export const effectiveSkewMs = (entry: AccessTokenEntry, skewMs: number): number =>
  entry.receivedAt === undefined ? skewMs : Math.min(skewMs, (entry.expiresAt - entry.receivedAt) / 2);

/** The tokens of a signed-in session. The ID token's claims are derived from `idToken` on demand. */
export interface SessionTokens {
  readonly idToken: string;
  /** The ID token's `exp`, in ms since the epoch. */
  readonly idTokenExpiresAt: number;
  readonly refreshToken?: string;
  /** Access tokens by `accessTokenKey(resource, organizationId)`. */
  readonly accessTokens: Readonly<Record<string, AccessTokenEntry>>;
}

/** The last failure the session saw, as plain data (tag, reason, message) so it persists. */
export interface SessionFailure {
  readonly tag: string;
  readonly reason?: string;
  readonly message: string;
}

/** The machine's context: pending sign-ins, the tokens, and the last failure. */
export interface SessionContext {
  readonly transactions: Readonly<Record<string, SignInTransaction>>;
  readonly tokens: SessionTokens | null;
  readonly failure: SessionFailure | null;
}

/** What the token actors hand back to the machine: tokens already checked by the runtime. */
export interface ReceivedTokens {
  /** When the request was sent; `expires_in` counts from here. */
  readonly requestedAt: number;
  readonly idToken?: string;
  readonly idTokenExpiresAt?: number;
  readonly refreshToken?: string;
  readonly accessTokenKey: string;
  readonly accessToken: AccessTokenEntry;
}

/** How many sign-ins may be pending at once; the oldest is dropped beyond it. */
export const maxPendingTransactions = 8;

/** A signed-out session with nothing pending. */
export const emptyContext: SessionContext = { transactions: {}, tokens: null, failure: null };

/** The transactions still valid at `now`, newest `maxPendingTransactions` only. */
export const pruneTransactions = (
  transactions: Readonly<Record<string, SignInTransaction>>,
  now: number,
): Record<string, SignInTransaction> => {
  const live = Object.entries(transactions)
    .filter(([, transaction]) => transaction.expiresAt > now)
    .sort(([, a], [, b]) => a.expiresAt - b.expiresAt)
    .slice(-maxPendingTransactions);
  return Object.fromEntries(live);
};

/** `transactions` without the one keyed by `state`. */
export const withoutTransaction = (
  transactions: Readonly<Record<string, SignInTransaction>>,
  state: string,
): Record<string, SignInTransaction> => {
  const { [state]: _used, ...rest } = transactions;
  return rest;
};

/** The access tokens that are still valid at `now`. Keeps the cache from growing without bound. */
const liveAccessTokens = (accessTokens: Readonly<Record<string, AccessTokenEntry>>, now: number) =>
  Object.fromEntries(Object.entries(accessTokens).filter(([, entry]) => entry.expiresAt > now));

/** The session tokens after a code exchange. */
export const tokensFromExchange = (received: ReceivedTokens): SessionTokens | null =>
  received.idToken === undefined || received.idTokenExpiresAt === undefined
    ? null
    : {
        idToken: received.idToken,
        idTokenExpiresAt: received.idTokenExpiresAt,
        refreshToken: received.refreshToken,
        accessTokens: { [received.accessTokenKey]: received.accessToken },
      };

/** The session tokens after a refresh: a rotated refresh token and a new ID token replace the old ones. */
export const tokensAfterRefresh = (tokens: SessionTokens, received: ReceivedTokens): SessionTokens => ({
  idToken: received.idToken ?? tokens.idToken,
  idTokenExpiresAt: received.idTokenExpiresAt ?? tokens.idTokenExpiresAt,
  refreshToken: received.refreshToken ?? tokens.refreshToken,
  accessTokens: {
    ...liveAccessTokens(tokens.accessTokens, received.requestedAt),
    [received.accessTokenKey]: received.accessToken,
  },
});

/**
 * The cached access token for `key` if it stays valid for more than `skewMs` after `now`.
 * A token about to expire is treated as gone, so no caller is handed a token that dies in flight.
 */
export const selectAccessToken = (
  tokens: SessionTokens | null,
  key: string,
  now: number,
  skewMs: number,
): AccessTokenEntry | null => {
  const entry = tokens?.accessTokens[key];
  return entry && entry.expiresAt - effectiveSkewMs(entry, skewMs) > now ? entry : null;
};

/** A session with no refresh token whose ID token has expired can never be renewed. */
export const isSessionOver = (tokens: SessionTokens | null, now: number): boolean =>
  tokens !== null && tokens.refreshToken === undefined && tokens.idTokenExpiresAt <= now;

/** Whether `error` is the provider's `invalid_grant`: the refresh token is dead (expired, revoked, reused). */
export const isInvalidGrant = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { _tag?: unknown })._tag === 'TokenRequestError' &&
  (error as { error?: unknown }).error === 'invalid_grant';

/** A failure as plain, persistable data. */
export const toFailure = (error: unknown): SessionFailure => {
  if (typeof error === 'object' && error !== null) {
    const { _tag, reason, message } = error as { _tag?: unknown; reason?: unknown; message?: unknown };
    return {
      tag: typeof _tag === 'string' ? _tag : 'Error',
      reason: typeof reason === 'string' ? reason : undefined,
      message: typeof message === 'string' ? message : 'Unknown failure.',
    };
  }
  return { tag: 'Error', message: 'Unknown failure.' };
};
