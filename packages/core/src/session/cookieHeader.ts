/**
 * The two cookie wire formats (RFC 6265 §4): reading a request's `Cookie` header and writing one
 * `Set-Cookie` header. Lenient when reading (a browser or proxy may send anything), strict when writing.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-4
 * @module
 */

/** RFC 6265 §4.1.1 `cookie-name` is an RFC 9110 token. */
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `name` may be used as a cookie name (an RFC 9110 token). */
export const isCookieName = (name: string): boolean => tokenPattern.test(name);

/**
 * The cookies of a `Cookie` header, by name. The first of duplicate names wins, as browsers send the
 * most specific (longest Path) first (RFC 6265 §5.4); pairs without `=` or a name are ignored; values
 * are not percent-decoded. Never throws.
 */
export const parseCookieHeader = (header: string | null | undefined): ReadonlyMap<string, string> => {
  const cookies = new Map<string, string>();
  if (typeof header !== 'string') return cookies;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const name = pair.slice(0, equals).trim();
    if (name === '' || cookies.has(name)) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies.set(name, value);
  }
  return cookies;
};

/**
 * The value of the cookie `name` in a `Cookie` header, exactly as {@link parseCookieHeader} reads it
 * (first of duplicates, trimmed, quotes dropped), without building the whole map: a request's auth
 * usually needs one cookie of a header that may hold many.
 */
export const findCookie = (header: string | null | undefined, name: string): string | undefined => {
  // Names are trimmed when read, so one with surrounding whitespace never matches.
  if (typeof header !== 'string' || name === '' || name.trim() !== name) return undefined;
  for (let start = 0; start < header.length; ) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const equals = header.indexOf('=', start);
    // A pair whose name could be `name` once trimmed: at least as long, and containing it.
    if (equals !== -1 && equals < end && equals - start >= name.length) {
      const candidate = header.slice(start, equals);
      if (candidate === name || (candidate.includes(name) && candidate.trim() === name)) {
        let value = header.slice(equals + 1, end).trim();
        if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
        return value;
      }
    }
    start = end + 1;
  }
  return undefined;
};

/** The attributes every session cookie carries. */
export interface CookieAttributes {
  readonly path: string;
  readonly maxAgeSeconds: number;
  readonly secure: boolean;
}

/** The attribute part of a `Set-Cookie` header, starting with `; `. */
export const serializeAttributes = ({ path, maxAgeSeconds, secure }: CookieAttributes): string =>
  `; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

/** A `Set-Cookie` header value (name and value must already be valid; values here are base64url). */
export const serializeSetCookie = (name: string, value: string, attributes: string): string =>
  `${name}=${value}${attributes}`;
