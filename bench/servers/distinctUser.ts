/**
 * A stored session made another user's: the same record with the ID token's `sub` and `sid` suffixed
 * by `index`, so copies are distinct strings (every per-session cache misses), as distinct users'
 * sessions are, and store mode lists each under its own `sub` and `sid` (one user keeps at most
 * 1,000 sessions listed). The token's signature no longer matches; stored tokens are not verified again.
 */
export const asDistinctUser = (value: string, index: number): string => {
  const record = JSON.parse(value);
  const [header, payload, signature] = record.tokens.idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.sub = `${claims.sub}~${index}`;
  claims.sid = `${claims.sid ?? 'sid'}~${index}`;
  const changed = Buffer.from(JSON.stringify(claims)).toString('base64url');
  record.tokens.idToken = `${header}.${changed}.${signature}`;
  return JSON.stringify(record);
};
