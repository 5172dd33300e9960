/**
 * Test helpers for code with two crypto paths (`src/session/nativeCrypto.ts`): the paths this runtime
 * has, and keys derived on a chosen one (the derivations take the path as an argument).
 *
 * @module
 */
import { type NativeCrypto, nativeCrypto } from '../src/session/nativeCrypto.ts';

/** Each path this runtime has, as `describe.each` rows: Web Crypto everywhere, `node:crypto` where it is lent. */
export const cryptoPaths: [label: string, native: boolean][] = [['Web Crypto', false]];
if (nativeCrypto() !== null) cryptoPaths.push(['node:crypto', true]);

/** One row where both paths exist (Node, Bun, Deno), none elsewhere: an empty table adds no test. */
export const bothCryptoPaths: [string, string][] =
  cryptoPaths.length === 2 ? [['node:crypto', 'Web Crypto']] : [];

/** `derive(secret)` on the native path (`native`) or on Web Crypto. */
export const deriveOn = <Key>(
  derive: (secret: string, native: NativeCrypto | null) => Promise<Key>,
  native: boolean,
  secret: string,
): Promise<Key> => derive(secret, native ? nativeCrypto() : null);
