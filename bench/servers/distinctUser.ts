import { createHash } from 'node:crypto';

/** `length` base64url characters that depend on `seed` only. */
const noise = (seed: string, length: number): string => {
  let text = '';
  for (let block = 0; text.length < length; block++) {
    text += createHash('sha512').update(`${seed}/${block}`).digest('base64url');
  }
  return text.slice(0, length);
};

/** `token` with its characters other than `.` replaced, per `index`. */
const otherToken = (token: string, index: number): string =>
  token
    .split('.')
    .map((part, at) => noise(`${index}:${at}:${token}`, part.length))
    .join('.');

/**
 * A stored session made another user's, as a separate sign-in of another user would be: the ID
 * token's `sub` and `sid` suffixed by `index` (store mode lists each copy under its own `sub` and
 * `sid`; one user keeps at most 1,000 sessions listed), and the ID token's signature, the refresh token
 * and every cached access token replaced by other characters of the same length and alphabet (two
 * users' tokens differ all along, not in one claim). Copies are distinct strings, so every per-session
 * cache misses. Stored tokens are not verified again, so the changed signatures go unnoticed; the
 * copies cannot refresh.
 */
export const asDistinctUser = (value: string, index: number): string => {
  const record = JSON.parse(value);
  const [header, payload, signature] = record.tokens.idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.sub = `${claims.sub}~${index}`;
  claims.sid = `${claims.sid ?? 'sid'}~${index}`;
  const changed = Buffer.from(JSON.stringify(claims)).toString('base64url');
  record.tokens.idToken = `${header}.${changed}.${noise(`${index}:signature`, signature.length)}`;
  if (typeof record.tokens.refreshToken === 'string') {
    record.tokens.refreshToken = otherToken(record.tokens.refreshToken, index);
  }
  for (const entry of Object.values(record.tokens.accessTokens ?? {}) as { token: string }[]) {
    entry.token = otherToken(entry.token, index);
  }
  return JSON.stringify(record);
};
