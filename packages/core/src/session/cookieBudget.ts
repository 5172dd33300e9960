/**
 * The cookie budget: when a session record would need more cookies than allowed, the cookie keeps
 * only what the session cannot do without — the refresh token and the ID token — and leaves out
 * cached access tokens, oldest first. They are fetched again with the refresh token when asked for.
 * A session that still does not fit is written anyway (dropping it would send the user around the
 * sign-in loop), up to `maxChunks` cookies (`chunking.ts`): past that it could never be read back, so
 * the write fails with a `StorageError` that says to use store mode.
 *
 * @module
 */
import { encodeSessionRecord, readSessionRecord } from '../runtime/sessionRecord.ts';

/**
 * Smaller stored forms of the session record `value`, each with one more cached access token left
 * out (the oldest received first), down to none; empty when `value` is no record or caches nothing.
 */
export const withFewerAccessTokens = (value: string): string[] => {
  const record = readSessionRecord(value);
  const tokens = record?.tokens;
  if (!record || !tokens) return [];
  const entries = Object.entries(tokens.accessTokens).sort(
    ([, a], [, b]) => (a.receivedAt ?? 0) - (b.receivedAt ?? 0),
  );
  return entries.map(
    (_, dropped) =>
      encodeSessionRecord(record.state, {
        transactions: {},
        tokens: { ...tokens, accessTokens: Object.fromEntries(entries.slice(dropped + 1)) },
        failure: record.failure,
      })!,
  );
};

/** The length of `plaintext` once sealed (`v1.` + base64url of IV, UTF-8 ciphertext and tag). */
export const sealedLength = (plaintext: string): number =>
  3 + Math.ceil(((new TextEncoder().encode(plaintext).length + 28) * 4) / 3);
