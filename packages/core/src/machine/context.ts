/**
 * The session's data and the pure functions over it. Times are milliseconds since the epoch and
 * always come from event data, never from a clock read here.
 *
 * @module
 */
import type { SignInTransaction } from '../oidc/signIn.ts';
import type { TokenTarget } from '../oidc/tokenRequest.ts';

/** One cached access token. */
export interface AccessTokenEntry {
  readonly token: string;
  /** Granted scopes, space-separated (empty when the provider did not say). */
  readonly scope: string;
  /** When the token stops being valid, in ms since the epoch. */
  readonly expiresAt: number;
  /** When it was requested, in ms since the epoch (absent in sessions written before this field). */
  readonly receivedAt?: number | undefined;
}

/** The tokens of a signed-in session. The ID token's claims are derived from `idToken` on demand. */
export interface SessionTokens {
  readonly idToken: string;
  /** The ID token's `exp`, in ms since the epoch. */
  readonly idTokenExpiresAt: number;
  readonly refreshToken?: string | undefined;
  /** Access tokens by `accessTokenKey(resource, organizationId)`. */
  readonly accessTokens: Readonly<Record<string, AccessTokenEntry>>;
}

/** The last failure the session saw, as plain data (tag, reason, message) so it persists. */
export interface SessionFailure {
  readonly tag: string;
  readonly reason?: string | undefined;
  readonly message: string;
}

/** How a refresh is decided: the caller's tunables, carried by `app.refreshRequested`. */
export interface RefreshPolicy {
  /** A cached token is reused only while it has more than this left (see `rules.ts` `isFresh`). */
  readonly skewMs: number;
  /** When the caller's copy of the session was read (for a server: when its request arrived). */
  readonly openedAt: number;
  /** How long after a rotation a copy opened later may still adopt it (see `rules.ts` `mayAdopt`). */
  readonly adoptionGraceMs: number;
}

/** The refresh under way: what the caller asked for, kept while the machine is `refreshing`. */
export interface RefreshRequest {
  readonly target: TokenTarget;
  /** The access-token key of `target`. */
  readonly key: string;
  readonly now: number;
  readonly policy: RefreshPolicy;
}

/**
 * What a grant that presented a refresh token got, as another copy of the session recorded it (the
 * runtime's refresh ledger): read under the token's lock before presenting it again.
 */
export interface RecordedRefresh {
  /** `null` when the provider rejected the refresh token: it is dead for every copy of the session. */
  readonly received: ReceivedTokens | null;
  /** The refresh token to use from now on (the rotated one, or the same when it did not rotate). */
  readonly nextRefreshToken: string;
  /** When the result was recorded: the rotation time. */
  readonly recordedAt: number;
}

/** The machine's context: pending sign-ins, the tokens, the last failure, and the refresh under way. */
export interface SessionContext {
  readonly transactions: Readonly<Record<string, SignInTransaction>>;
  readonly tokens: SessionTokens | null;
  readonly failure: SessionFailure | null;
  /** Set while `refreshing` (never stored): the request the refresh serves. */
  readonly refresh?: RefreshRequest | null | undefined;
}

/** What the token actors hand back to the machine: tokens already checked by the runtime. */
export interface ReceivedTokens {
  /** When the request was sent; `expires_in` counts from here. */
  readonly requestedAt: number;
  readonly idToken?: string | undefined;
  readonly idTokenExpiresAt?: number | undefined;
  readonly refreshToken?: string | undefined;
  readonly accessTokenKey: string;
  readonly accessToken: AccessTokenEntry;
}

/** How many sign-ins may be pending at once; the oldest is dropped beyond it. */
export const maxPendingTransactions = 8;

/** A signed-out session with nothing pending. */
export const emptyContext: SessionContext = { transactions: {}, tokens: null, failure: null, refresh: null };

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

/** What a copy of the session takes from a refresh another copy recorded: its tokens, with the refresh token to use next. */
export const adoptedTokens = (
  recorded: RecordedRefresh & { readonly received: ReceivedTokens },
): ReceivedTokens => ({
  ...recorded.received,
  refreshToken: recorded.nextRefreshToken,
});
