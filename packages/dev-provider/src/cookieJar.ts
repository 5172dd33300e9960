interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expires?: number | undefined;
}

/** One `Set-Cookie` header: the cookie, its `Path` if it has one, and when it expires (ms), if ever. */
export interface SetCookie {
  name: string;
  value: string;
  path?: string | undefined;
  expires?: number | undefined;
}

/**
 * Reads one `Set-Cookie` header (RFC 6265 §5.2); `Max-Age` wins over `Expires`, and an expiry at or
 * before now deletes the cookie. Undefined for a header without `name=`.
 */
export const parseSetCookie = (header: string): SetCookie | undefined => {
  const [pair = '', ...attributes] = header.split(';');
  const separator = pair.indexOf('=');
  if (separator <= 0) return undefined;
  const cookie: SetCookie = {
    name: pair.slice(0, separator).trim(),
    value: pair.slice(separator + 1).trim(),
  };
  let expires: number | undefined;
  for (const attribute of attributes) {
    const [key = '', ...rest] = attribute.split('=');
    const value = rest.join('=').trim();
    switch (key.trim().toLowerCase()) {
      case 'path':
        cookie.path = value;
        break;
      case 'max-age':
        cookie.expires = Date.now() + Number(value) * 1000;
        break;
      case 'expires':
        expires = Date.parse(value);
        break;
    }
  }
  cookie.expires ??= expires;
  return cookie;
};

const defaultPath = (pathname: string) => {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
};

const pathMatches = (requestPath: string, cookiePath: string) =>
  requestPath === cookiePath ||
  (requestPath.startsWith(cookiePath) &&
    (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));

/**
 * A small cookie jar for driving sign-in pages with `fetch`. Like a browser it keys cookies by
 * host name (not port), honours `Path`, `Max-Age` and `Expires`, and ignores `Domain`.
 *
 * @example
 * ```ts
 * const cookieJar = new CookieJar();
 * await completeSignIn(signInUrl, { username: 'demo', password: 'demo-password', cookieJar });
 * await completeSignOut(signOutUrl, { cookieJar });
 * ```
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Stores the `Set-Cookie` headers of a response to a request for `url`. */
  store(url: string | URL, response: Response): void {
    const { hostname, pathname } = new URL(url);
    for (const header of response.headers.getSetCookie()) {
      const parsed = parseSetCookie(header);
      if (!parsed) continue;
      const cookie: StoredCookie = {
        ...parsed,
        host: hostname,
        path: parsed.path?.startsWith('/') ? parsed.path : defaultPath(pathname),
      };
      const key = `${cookie.host} ${cookie.path} ${cookie.name}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The `Cookie` header for a request to `url`, if any cookie applies. */
  header(url: string | URL): string | undefined {
    const { hostname, pathname } = new URL(url);
    const now = Date.now();
    const matching = [...this.#cookies.values()]
      .filter((c) => c.host === hostname && pathMatches(pathname, c.path) && (c.expires ?? Infinity) > now)
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length > 0 ? matching.map(({ name, value }) => `${name}=${value}`).join('; ') : undefined;
  }

  /** The names of the cookies held, for assertions. */
  names(): string[] {
    return [...new Set([...this.#cookies.values()].map(({ name }) => name))];
  }
}
