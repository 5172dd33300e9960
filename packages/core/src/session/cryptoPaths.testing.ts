/**
 * Test helpers for code with two crypto paths (`nativeCrypto.ts`): the paths this runtime has, and
 * keys derived on a chosen one.
 *
 * @module
 */
import { nativeCrypto, useNativeCrypto } from './nativeCrypto.ts';

/** Each path this runtime has, as `describe.each` rows: Web Crypto everywhere, `node:crypto` where it is lent. */
export const cryptoPaths: [label: string, native: boolean][] = [['Web Crypto', false]];
if (nativeCrypto() !== null) cryptoPaths.push(['node:crypto', true]);

/** One row where both paths exist (Node, Bun, Deno), none elsewhere: an empty table adds no test. */
export const bothCryptoPaths: [string, string][] =
  cryptoPaths.length === 2 ? [['node:crypto', 'Web Crypto']] : [];

/** `derive(secret)` with the native path on or off, then detection restored. */
export const deriveOn = async <Key>(
  derive: (secret: string) => Promise<Key>,
  native: boolean,
  secret: string,
): Promise<Key> => {
  useNativeCrypto(native);
  try {
    return await derive(secret);
  } finally {
    useNativeCrypto(true);
  }
};
