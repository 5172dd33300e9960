/**
 * A browser's cookie jar, reduced to what session tests need: apply `Set-Cookie` headers (a
 * `Max-Age=0` deletes) and send the next request's `Cookie` header.
 */

/** The cookies a browser holds after `setCookies`, starting from those in `cookieHeader`. */
export const applySetCookies = (cookieHeader: string, setCookies: readonly string[]): Map<string, string> => {
  const jar = new Map<string, string>();
  for (const pair of cookieHeader.split('; ')) {
    const equals = pair.indexOf('=');
    if (equals > 0) jar.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  for (const header of setCookies) {
    const [pair = '', ...attributes] = header.split('; ');
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals);
    if (attributes.includes('Max-Age=0')) jar.delete(name);
    else jar.set(name, pair.slice(equals + 1));
  }
  return jar;
};

/** The `Cookie` header a browser sends after receiving `setCookies`. */
export const nextCookieHeader = (cookieHeader: string, setCookies: readonly string[]): string =>
  [...applySetCookies(cookieHeader, setCookies)].map(([name, value]) => `${name}=${value}`).join('; ');
