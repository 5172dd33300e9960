/**
 * A browser as far as the example contract needs one: `fetch` without following redirects, and one
 * origin's cookies (`Max-Age`, `Expires`; every session cookie uses `Path=/`).
 *
 * @module
 */

/** One app origin's cookie jar and the requests made with it. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** GETs `path` (relative to the base URL, or absolute on it) with the jar, storing what it sets. */
  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(path, this.baseUrl), {
      redirect: 'manual',
      headers: { accept: 'text/html', ...headers, ...(cookie ? { cookie } : {}) },
    });
    this.store(response);
    return response;
  }

  /** Applies a response's `Set-Cookie` headers. */
  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      if (separator <= 0) continue;
      const name = pair.slice(0, separator).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', value = ''] = attribute.split('=').map((part) => part.trim());
        if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
        return false;
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(separator + 1).trim());
    }
  }

  /** Another browser with a copy of this one's cookies. */
  clone(): Browser {
    const copy = new Browser(this.baseUrl);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

/** `location` of a redirect, resolved against the request's URL. */
export const locationOf = (response: Response, base: string): URL => {
  const location = response.headers.get('location');
  if (!location) throw new Error(`expected a redirect, got ${response.status} without Location`);
  return new URL(location, base);
};

/** The text a browser shows for an HTML page: tags stripped (and the head), entities decoded. */
export const visibleText = (html: string): string =>
  decodeEntities(
    html
      .replace(/<head[\s>][\s\S]*?<\/head>/i, '')
      .replace(/<(script|style)[\s>][\s\S]*?<\/\1>/gi, '')
      .replace(/<[^>]+>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();

/** The page's HTML with character references decoded, to find JSON rendered into it. */
export const decodeEntities = (html: string): string =>
  html.replace(/&(#x[0-9a-f]+|#\d+|quot|amp|lt|gt|apos|nbsp);/gi, (_, entity: string) => {
    const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: ' ' };
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()]!;
  });

/** The payload of a JWT, without checking it (the app already did). */
export const jwtPayload = (token: string): Record<string, unknown> => {
  const [, payload = ''] = token.split('.');
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
};
