/**
 * Reads of the stored session, shared by the Promise facade's fast path (`LogtoClient`, which skips
 * the Effect runtime) and the Effect operations, so both answer alike. Each is a pure function over a
 * parsed record and `now`, built on the machine's rules; none steps the machine.
 *
 * @module
 */
import { NotAuthenticated, SessionExpired } from '../errors.ts';
import type { SessionFailure } from '../machine/context.ts';
import { isSessionLive, selectAccessToken, sessionEnded } from '../machine/rules.ts';
import type { IdTokenClaims } from '../oidc/claims.ts';
import { claimsOf, type SessionRecord } from './sessionRecord.ts';

/**
 * Whether a user is signed in at `now`; `undefined` when the session just ended (no refresh token, ID
 * token expired) and the machine must record that first (`clock.tick`).
 */
export const signedInAt = (record: SessionRecord, now: number): boolean | undefined =>
  record.tokens === null ? false : isSessionLive(record.tokens, now) ? true : undefined;

/** The signed-in user's ID-token claims at `now`: `null` when signed out, `undefined` as in {@link signedInAt}. */
export const claimsAt = (record: SessionRecord, now: number): IdTokenClaims | null | undefined => {
  const signedIn = signedInAt(record, now);
  return signedIn === undefined ? undefined : signedIn ? claimsOf(record) : null;
};

/** The cached access token for `key` that serves a caller at `now` (see `rules.ts` `isFresh`), if any. */
export const cachedAccessTokenAt = (
  record: SessionRecord,
  key: string,
  now: number,
  skewMs: number,
): string | undefined =>
  signedInAt(record, now) ? selectAccessToken(record.tokens, key, now, skewMs)?.token : undefined;

/** The error for a call that needs a signed-in user. */
export const notSignedIn = (): NotAuthenticated =>
  new NotAuthenticated({ message: 'No user is signed in; call signIn() first.' });

/** The error for a session the machine ended, from the failure it recorded. */
export const sessionEndedError = (failure: SessionFailure | null): SessionExpired => {
  const { reason, message } =
    failure?.tag === 'SessionExpired' && failure.reason !== undefined && failure.reason in sessionEnded
      ? sessionEnded[failure.reason as keyof typeof sessionEnded]
      : sessionEnded.RefreshTokenRejected;
  return new SessionExpired({ reason, message });
};
