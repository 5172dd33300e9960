/**
 * A browser as far as app tests need one: requests to one app origin without following redirects, its
 * cookies (`Max-Age`, `Expires`; session cookies use `Path=/`), and helpers to read what it got back.
 *
 * @module
 */
import { parseSetCookie } from './cookieJar.js';

/** Answers one request without following redirects: the network's `fetch`, or an app's own handler. */
export type Fetch = (request: Request) => Response | Promise<Response>;

/**
 * One app origin's cookie jar and the requests made with it. `cookies` is a plain map, so tests can
 * tamper with a cookie or drop one.
 *
 * @example
 * ```ts
 * const browser = new Browser('http://127.0.0.1:3000', (request) => app.fetch(request)); // in process
 * const home = await browser.get('/');
 * const other = new Browser(baseUrl); // over the network
 * ```
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  /** `fetch` defaults to the global one; pass an app's handler to test it in process. */
  constructor(
    readonly baseUrl: string,
    readonly fetch: Fetch = (request) => globalThis.fetch(request),
  ) {}

  /** GETs `path` (relative to the base URL, or absolute on it) with the jar, storing what it sets. */
  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const request = new Request(new URL(path, this.baseUrl), {
      redirect: 'manual',
      headers: { accept: 'text/html', ...headers, ...(cookie ? { cookie } : {}) },
    });
    const response = await this.fetch(request);
    this.store(response);
    return response;
  }

  /** Applies a response's `Set-Cookie` headers. */
  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      if (!cookie) continue;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  /** Another browser on the same app with a copy of this one's cookies. */
  clone(): Browser {
    const copy = new Browser(this.baseUrl, this.fetch);
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
