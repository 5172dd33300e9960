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

const semicolon = 0x3b;
const equalsSign = 0x3d;

/**
 * Whether the UTF-16 code unit `code` is whitespace that `String.prototype.trim` removes (ECMAScript
 * WhiteSpace and LineTerminator): the whitespace {@link parseCookieHeader} drops around names and values.
 */
export const isTrimmed = (code: number): boolean =>
  code === 0x20 ||
  (code >= 0x09 && code <= 0x0d) ||
  code === 0xa0 ||
  code === 0x1680 ||
  (code >= 0x2000 && code <= 0x200a) ||
  code === 0x2028 ||
  code === 0x2029 ||
  code === 0x202f ||
  code === 0x205f ||
  code === 0x3000 ||
  code === 0xfeff;

/** Whether the text at `at` starts a pair's name: nothing but whitespace since the previous `;` or the start. */
const startsPair = (header: string, at: number): boolean => {
  let before = at - 1;
  while (before >= 0 && isTrimmed(header.charCodeAt(before))) before--;
  return before === -1 || header.charCodeAt(before) === semicolon;
};

/** The end of the pair that holds `position`: its `;`, or the end of the header. */
const pairEnd = (header: string, position: number): number => {
  const end = header.indexOf(';', position);
  return end === -1 ? header.length : end;
};

/** The value of a pair between its first `=` and its end: trimmed, one pair of quotes dropped. */
const valueBetween = (header: string, equals: number, end: number): string => {
  const value = header.slice(equals + 1, end).trim();
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
};

/**
 * Whether {@link parseCookieHeader} can yield a name starting with `prefix`: a name never holds `;` or
 * `=`, and never starts with whitespace.
 */
const isSearchable = (prefix: string): boolean =>
  typeof prefix === 'string' &&
  prefix !== '' &&
  !isTrimmed(prefix.charCodeAt(0)) &&
  !prefix.includes(';') &&
  !prefix.includes('=');

/**
 * The cookies of a `Cookie` header, by name. The first of duplicate names wins, as browsers send the
 * most specific (longest Path) first (RFC 6265 §5.4); pairs without `=` or a name are ignored; values
 * are not percent-decoded. Never throws. Linear in the header whatever its shape: it visits the `=`
 * signs, so runs of `;` or pairs without `=` cost no more than the search that skips them.
 */
export const parseCookieHeader = (header: string | null | undefined): ReadonlyMap<string, string> => {
  const cookies = new Map<string, string>();
  if (typeof header !== 'string') return cookies;
  for (let from = 0; from < header.length; ) {
    const equals = header.indexOf('=', from);
    if (equals === -1) break;
    // This `=` is the first of its pair, which starts after the last `;` before it: pairs between
    // `from` and here hold no `=` and are skipped without a look at each.
    const start = header.lastIndexOf(';', equals) + 1;
    const end = pairEnd(header, equals);
    const name = header.slice(start, equals).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, valueBetween(header, equals, end));
    from = end + 1;
  }
  return cookies;
};

/**
 * The value of the cookie `name` in a `Cookie` header, exactly as {@link parseCookieHeader} reads it
 * (first of duplicates, trimmed, quotes dropped), without building the whole map: a request's auth
 * usually needs one cookie of a header that may hold many. Linear in the header whatever its shape.
 */
export const findCookie = (header: string | null | undefined, name: string): string | undefined => {
  // A name with whitespace around it is trimmed when read, so it never matches.
  if (typeof header !== 'string' || !isSearchable(name) || name.trim() !== name) return undefined;
  // From one occurrence of `name` to the next (a native search) rather than pair by pair, so a header
  // of thousands of `;` or of pairs without `=` costs one search. Each character is looked at a bounded
  // number of times: the checks around an occurrence stop at the first character that is not
  // whitespace, and `name` starts and ends with one.
  for (let at = header.indexOf(name); at !== -1; at = header.indexOf(name, at + name.length)) {
    if (!startsPair(header, at)) continue;
    let after = at + name.length;
    while (after < header.length && isTrimmed(header.charCodeAt(after))) after++;
    if (header.charCodeAt(after) === equalsSign) return valueBetween(header, after, pairEnd(header, after));
  }
  return undefined;
};

/**
 * The cookies of a `Cookie` header whose names start with `prefix` and that `accept` keeps, by name, in
 * header order, exactly as {@link parseCookieHeader} reads them (first of duplicates, trimmed, quotes
 * dropped). One pass, linear in the header whatever its shape, and without the map of every cookie: a
 * chunked cookie's parts are found together, not with one search of the header each.
 */
export const findCookies = (
  header: string | null | undefined,
  prefix: string,
  accept: (name: string) => boolean,
): Map<string, string> => {
  const cookies = new Map<string, string>();
  if (typeof header !== 'string' || !isSearchable(prefix)) return cookies;
  // The next `=` and `;` at or after the current occurrence, found again only once passed: each
  // character is searched once, however many occurrences share the stretch.
  let equals = -1;
  let semi = -1;
  for (let at = header.indexOf(prefix); at !== -1; ) {
    if (!startsPair(header, at)) {
      // No name starts inside this occurrence: only whitespace may come between a `;` and a name.
      at = header.indexOf(prefix, at + prefix.length);
      continue;
    }
    if (equals < at) equals = header.indexOf('=', at) >>> 0; // none: 2³²−1, past any string
    if (semi < at) semi = header.indexOf(';', at) >>> 0;
    if (equals < semi) {
      // The name runs up to its pair's first `=`, less the whitespace before it; shorter than `prefix`
      // only when `prefix` ends in whitespace, and then it is no prefix of it.
      let end = equals;
      while (end > at && isTrimmed(header.charCodeAt(end - 1))) end--;
      const name = end - at === prefix.length ? prefix : header.slice(at, end);
      if (name.length >= prefix.length && !cookies.has(name) && accept(name))
        cookies.set(name, valueBetween(header, equals, Math.min(semi, header.length)));
    }
    // The rest of this pair holds no name; the next one starts after its `;`.
    if (semi >= header.length) break;
    at = header.indexOf(prefix, semi + 1);
  }
  return cookies;
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
