/**
 * The two cookie translations Next needs beyond core's `Set-Cookie` headers: a `Set-Cookie` header as
 * the options of `cookies().set()` (server actions can only write cookies that way), and a request's
 * `Cookie` header with a response's `Set-Cookie` headers applied (so what the proxy refreshed reaches
 * the Server Components of the same request).
 *
 * @module
 */

/** A `Set-Cookie` header as the options of Next's `cookies().set()`. */
export interface CookieToSet {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
}

const sameSites = new Set(['lax', 'strict', 'none']);

/** Parses one `Set-Cookie` header value, as core writes them (`name=value; Path=/; Max-Age=…; …`). */
export const parseSetCookie = (header: string): CookieToSet => {
  const [pair = '', ...attributes] = header.split(';');
  const equals = pair.indexOf('=');
  const cookie: CookieToSet = {
    name: pair.slice(0, Math.max(equals, 0)).trim(),
    value: equals < 0 ? '' : pair.slice(equals + 1).trim(),
  };
  for (const attribute of attributes) {
    const split = attribute.indexOf('=');
    const key = (split < 0 ? attribute : attribute.slice(0, split)).trim().toLowerCase();
    const value = split < 0 ? '' : attribute.slice(split + 1).trim();
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value;
    else if (key === 'max-age' && Number.isFinite(Number(value))) cookie.maxAge = Number(value);
    else if (key === 'expires' && !Number.isNaN(Date.parse(value))) cookie.expires = new Date(value);
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite' && sameSites.has(value.toLowerCase()))
      cookie.sameSite = value.toLowerCase() as NonNullable<CookieToSet['sameSite']>;
  }
  return cookie;
};

/** Whether a `Set-Cookie` header removes its cookie (`Max-Age=0`, or an `Expires` in the past). */
const removes = (cookie: CookieToSet, now: number): boolean =>
  (cookie.maxAge !== undefined && cookie.maxAge <= 0) ||
  (cookie.maxAge === undefined && cookie.expires !== undefined && cookie.expires.getTime() <= now);

/**
 * The `Cookie` header a browser would send after receiving `setCookie`: each cookie set replaces its
 * namesake, each one removed is left out, the others stay in their order.
 */
export const cookieHeaderAfter = (
  cookieHeader: string | null | undefined,
  setCookie: readonly string[],
  now = Date.now(),
): string => {
  const cookies = new Map<string, string>();
  for (const pair of (cookieHeader ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).trim();
    if (name && !cookies.has(name)) cookies.set(name, pair.slice(equals + 1).trim());
  }
  for (const header of setCookie) {
    const cookie = parseSetCookie(header);
    if (!cookie.name) continue;
    if (removes(cookie, now)) cookies.delete(cookie.name);
    else cookies.set(cookie.name, cookie.value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
};
