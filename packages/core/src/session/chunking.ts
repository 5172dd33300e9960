/**
 * Splitting one logical cookie over several real ones when its `Set-Cookie` header would be too
 * large: `<name>` when it fits, else `<name>.0`, `<name>.1`, … Browsers only promise 4096 bytes per
 * cookie, name and attributes included (RFC 6265 §6.1), and silently drop a larger one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-6.1
 * @module
 */

import { findCookies } from './cookieHeader.ts';

/** A real cookie: its name and value. */
export type CookiePair = readonly [name: string, value: string];

/**
 * The most cookies one logical cookie is written to or read from. Each chunk holds at least 256
 * characters of value (`sessionConfig.ts`), so 64 of them are over 16 KiB, Node's default limit for
 * all request headers: whatever `maxCookieBytes`, a session that fits through it is readable. A value
 * that would need more is refused when written (it could never be read back); a request naming more
 * chunks is not ours, and its read costs at most this many lookups, never one per planted chunk.
 */
export const maxChunks = 64;

const chunkName = (name: string, index: number) => `${name}.${index}`;
const maxIndexDigits = String(maxChunks).length;

/**
 * Whether `cookie` is the logical cookie `name` or one of the chunks it can be read from: `.0` …
 * `.<maxChunks>` as written (no leading zeros), the last only to tell a value over the cap.
 */
export const isCookieOf = (cookie: string, name: string): boolean => {
  if (cookie === name) return true;
  const digits = cookie.length - name.length - 1;
  if (
    digits < 1 ||
    digits > maxIndexDigits ||
    cookie.charCodeAt(name.length) !== 0x2e || // '.'
    !cookie.startsWith(name)
  )
    return false;
  let index = 0;
  for (let at = name.length + 1; at < cookie.length; at++) {
    const digit = cookie.charCodeAt(at) - 0x30;
    if (digit < 0 || digit > 9 || (digit === 0 && index === 0 && digits > 1)) return false;
    index = index * 10 + digit;
  }
  return index <= maxChunks;
};

/**
 * The cookies of the logical cookie `name` in a `Cookie` header — itself and its chunks, see
 * {@link isCookieOf} — found in one pass, exactly as `parseCookieHeader` reads them.
 */
export const findCookiesOf = (header: string | null | undefined, name: string): Map<string, string> =>
  findCookies(header, name, (cookie) => isCookieOf(cookie, name));

/**
 * The cookies `value` is written to under `name`, each of whose header (`name=value` + `attributes`)
 * is at most `maxBytes` long. Names and values are ASCII, so characters are bytes.
 */
export const splitIntoCookies = (
  name: string,
  value: string,
  attributes: string,
  maxBytes: number,
): CookiePair[] => {
  if (name.length + 1 + value.length + attributes.length <= maxBytes) return [[name, value]];
  const cookies: CookiePair[] = [];
  for (let start = 0, index = 0; start < value.length; index++) {
    const room = maxBytes - (chunkName(name, index).length + 1 + attributes.length);
    if (room < 1) throw new RangeError(`A cookie of ${maxBytes} bytes has no room for a value of ${name}.`);
    cookies.push([chunkName(name, index), value.slice(start, start + room)]);
    start += room;
  }
  return cookies;
};

/** The names among `cookies` that belong to the logical cookie `name`: itself and its chunks. */
export const cookieNamesOf = (cookies: ReadonlyMap<string, string>, name: string): string[] => {
  // Only chunks that could have been written (`isCookieOf` also admits `.<maxChunks>`, to tell a value
  // over the cap, but none is ever written): a header of planted `.N` cookies gets no more deletions.
  const overCap = chunkName(name, maxChunks);
  return [...cookies.keys()].filter((cookie) => cookie !== overCap && isCookieOf(cookie, name));
};

/**
 * The value of the logical cookie `name` (from a map of cookies, or a function that finds one): its
 * chunks `.0`, `.1`, … joined up to the first gap when `<name>.0` is present, else `<name>` itself;
 * `null` when neither is, or when there are more than {@link maxChunks} chunks (never written, so never
 * authentic). Looks up at most `maxChunks + 1` names.
 */
export const joinCookies = (
  cookies: ReadonlyMap<string, string> | ((name: string) => string | undefined),
  name: string,
): string | null => {
  const cookie = typeof cookies === 'function' ? cookies : (other: string) => cookies.get(other);
  const first = cookie(chunkName(name, 0));
  if (first === undefined) return cookie(name) ?? null;
  const parts: string[] = [first];
  for (let index = 1; index < maxChunks; index++) {
    const part = cookie(chunkName(name, index));
    if (part === undefined) return parts.join('');
    parts.push(part);
  }
  return cookie(chunkName(name, maxChunks)) === undefined ? parts.join('') : null;
};
