/**
 * How a session is kept in {@link Storage}: the machine's state and tokens under one key, each pending
 * sign-in under its own key (`transaction:<state>`), so tabs signing in at once never overwrite each
 * other. Parsing is memoised by the stored string, so a request whose session did not change pays for
 * neither `JSON.parse` nor a machine restore.
 *
 * @module
 */
import type { AccessTokenEntry, SessionContext, SessionFailure, SessionTokens } from '../machine/context.ts';
import { sessionMachine } from '../machine/sessionMachine.ts';
import { decodeBase64UrlText, parseJsonObject } from '../oidc/base64url.ts';
import type { IdTokenClaims } from '../oidc/claims.ts';
import type { SignInTransaction } from '../oidc/signIn.ts';
import { Doorkeeper, fingerprintOf } from '../session/Doorkeeper.ts';

/** The storage key of the session record. */
export const sessionKey = 'session';

/** The storage key of the pending sign-in keyed by `state`. */
export const transactionKey = (state: string): string => `transaction:${state}`;

/** A stable machine state, as stored. */
export type StoredState = 'signedOut' | 'signingIn' | 'authenticated' | 'expired';

/** A parsed session record. `claims` is decoded from the ID token on first use. */
export interface SessionRecord {
  readonly state: StoredState;
  readonly tokens: SessionTokens | null;
  readonly failure: SessionFailure | null;
  readonly tags: ReadonlySet<string>;
  claims?: IdTokenClaims | null | undefined;
}

const tagsByState = new Map<StoredState, ReadonlySet<string>>(
  (['signedOut', 'signingIn', 'authenticated', 'expired'] as const).map((state) => [
    state,
    sessionMachine.resolveState({ value: state, context: { transactions: {}, tokens: null, failure: null } })
      .tags,
  ]),
);

const makeRecord = (
  state: StoredState,
  tokens: SessionTokens | null,
  failure: SessionFailure | null,
): SessionRecord => ({
  state,
  tokens,
  failure,
  tags: tagsByState.get(state)!,
});

/** The record of a session that has never signed in. */
export const signedOutRecord: SessionRecord = makeRecord('signedOut', null, null);

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isAccessTokenEntry = (value: unknown): value is AccessTokenEntry =>
  isObject(value) && isString(value.token) && isString(value.scope) && isNumber(value.expiresAt);

const isTokens = (value: unknown): value is SessionTokens =>
  isObject(value) &&
  isString(value.idToken) &&
  isNumber(value.idTokenExpiresAt) &&
  (value.refreshToken === undefined || isString(value.refreshToken)) &&
  isObject(value.accessTokens) &&
  Object.values(value.accessTokens).every(isAccessTokenEntry);

const isFailure = (value: unknown): value is SessionFailure =>
  isObject(value) &&
  isString(value.tag) &&
  isString(value.message) &&
  (value.reason === undefined || isString(value.reason));

/** Decodes a stored session; anything unreadable (tampered, truncated, older format) is `null`. */
export const decodeSessionRecord = (raw: string): SessionRecord | null => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value) || value.v !== 1 || !tagsByState.has(value.state as StoredState)) return null;
  const tokens = value.tokens ?? null;
  const failure = value.failure ?? null;
  if ((tokens !== null && !isTokens(tokens)) || (failure !== null && !isFailure(failure))) return null;
  if ((value.state === 'authenticated') !== (tokens !== null)) return null;
  return makeRecord(value.state as StoredState, tokens, failure);
};

/**
 * Parsed records by the stored string's fingerprint, at most {@link memoCapacity}: two generations,
 * so a hit costs one lookup and reorders nothing (a record read at least once per generation stays;
 * see `session/decryptCache.ts`). Sized like the cookie decrypt cache, whose plaintexts are these
 * strings. Keyed by a sampled fingerprint, not by the string: a fresh 1.5 KB string would be hashed
 * whole by the `Map`, on every miss. A record is kept on its string's second sight within that window
 * (`session/Doorkeeper.ts`): a session that does not come back while the memo could hold it is parsed
 * and let go.
 */
const memoCapacity = 1000;
interface Memo {
  readonly raw: string;
  readonly record: SessionRecord | null;
}
let memo = new Map<number, Memo>();
let previousMemo = new Map<number, Memo>();
const memoDoorkeeper = new Doorkeeper(memoCapacity);

/** The last record read: a user's requests tend to come one after another (a page, then its calls). */
let last: Memo = { raw: '', record: null };

/** {@link decodeSessionRecord}, memoised by the stored string. */
export const readSessionRecord = (raw: string | null): SessionRecord | null => {
  if (raw === null) return signedOutRecord;
  if (raw === last.raw) return last.record;
  // 30 bits: a small integer, which a `Map` keys without boxing it.
  const fingerprint = fingerprintOf(raw) & 0x3fffffff;
  const current = memo.get(fingerprint);
  if (current !== undefined && current.raw === raw) {
    last = current;
    return current.record;
  }
  const previous = previousMemo.get(fingerprint);
  let record: SessionRecord | null;
  if (previous !== undefined && previous.raw === raw) {
    record = previous.record;
    previousMemo.delete(fingerprint);
  } else {
    record = decodeSessionRecord(raw);
    if (!memoDoorkeeper.admits(fingerprint)) return record;
  }
  if (memo.size >= memoCapacity / 2) {
    previousMemo = memo;
    memo = new Map();
  }
  last = { raw, record };
  memo.set(fingerprint, last);
  return record;
};

/** The stored form of a session; `null` when nothing needs keeping (signed out, no failure). */
export const encodeSessionRecord = (state: StoredState, context: SessionContext): string | null =>
  state === 'signedOut' && context.failure === null
    ? null
    : JSON.stringify({ v: 1, state, tokens: context.tokens, failure: context.failure });

/**
 * The payload of a compact JWS as a JSON object; `null` unless `token` has three segments and its
 * payload is one. The token was verified when it was received, so its payload is decoded as the
 * verifier decoded it, leniently (a fatal UTF-8 decoder would be several times slower, for nothing).
 */
const payloadOf = (token: string): Record<string, unknown> | null => {
  const start = token.indexOf('.') + 1;
  const end = start === 0 ? -1 : token.indexOf('.', start);
  if (end === -1 || token.includes('.', end + 1)) return null;
  const text = decodeBase64UrlText(token.slice(start, end));
  return text === null ? null : parseJsonObject(text);
};

/**
 * The ID token's claims, decoded once per record; `null` unless the token is a compact JWS with a JSON
 * object payload. Only the payload is read: the token was verified when it was received, and this
 * runs on requests.
 */
export const claimsOf = (record: SessionRecord): IdTokenClaims | null => {
  if (record.claims !== undefined) return record.claims;
  const idToken = record.tokens?.idToken;
  record.claims = idToken === undefined ? null : (payloadOf(idToken) as IdTokenClaims | null);
  return record.claims;
};

/** The stable state a machine snapshot value stands for. */
export const storedStateOf = (value: unknown): StoredState => {
  if (value === 'signingIn' || value === 'expired' || value === 'signedOut') return value;
  if (isObject(value) && 'authenticated' in value) return 'authenticated';
  return 'signedOut';
};

/** Decodes a stored transaction; `null` for anything malformed. */
export const decodeTransaction = (raw: string | null): SignInTransaction | null => {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (
      isObject(value) &&
      isString(value.state) &&
      isString(value.nonce) &&
      isString(value.codeVerifier) &&
      isString(value.redirectUri) &&
      isNumber(value.expiresAt) &&
      (value.postRedirectUri === undefined || isString(value.postRedirectUri))
    ) {
      return value as unknown as SignInTransaction;
    }
  } catch {}
  return null;
};
