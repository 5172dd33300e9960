/**
 * What `session/` reads of the client's stored session: its storage keys and the claims of a signed-in
 * record, both through the runtime's codec (`runtime/sessionRecord.ts`), never a copy of it.
 *
 * @module
 */
import type { IdTokenClaims } from '../oidc/claims.ts';
import { claimsOf, readSessionRecord, sessionKey, transactionKey } from '../runtime/sessionRecord.ts';

export { sessionKey };

/** What every transaction key starts with. */
const transactionPrefix = transactionKey('');
const base64url = /^[A-Za-z0-9_-]+$/;

/**
 * The state of a `transaction:<state>` key; `null` for any other key, and for states that are not
 * base64url (the client only writes those; a session refuses to keep anything else).
 */
export const transactionStateOf = (key: string): string | null => {
  if (typeof key !== 'string' || !key.startsWith(transactionPrefix)) return null;
  const state = key.slice(transactionPrefix.length);
  return base64url.test(state) ? state : null;
};

/** Whether the stored session `value` is signed in (it holds tokens); `null` when it is no session record. */
export const isSignedIn = (value: string): boolean | null => {
  const record = readSessionRecord(value);
  return record === null ? null : record.tags.has('authenticated');
};

/** The ID-token claims of the stored session `value` when it is signed in; else `null`. */
export const signedInClaims = (value: string): IdTokenClaims | null => {
  const record = readSessionRecord(value);
  return record?.tags.has('authenticated') ? claimsOf(record) : null;
};
