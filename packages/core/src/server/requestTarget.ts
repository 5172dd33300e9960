/**
 * The parts of a request URL that every request needs, read without a full URL parse: the origin
 * part (scheme and authority, whose parse the server caches) and the path. Auth runs on every
 * request, and most requests only need to know they are not for an auth route.
 *
 * @see https://url.spec.whatwg.org/#concept-basic-url-parser
 * @module
 */

/** An absolute URL split at the end of its authority. */
export interface SplitUrl {
  /** Scheme and authority, e.g. `https://app.example:8443`. */
  readonly prefix: string;
  /** The rest: path, query and fragment (may be empty). */
  readonly rest: string;
}

/**
 * Splits `url` after its authority; `null` when it is not `http://…` or `https://…` (the only
 * schemes a server request has) or its authority ends in a space or control character. The prefix alone decides whether the URL parses and what its
 * origin is: for these schemes the parser cannot fail after the authority.
 */
export const splitUrl = (url: string): SplitUrl | null => {
  const start = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : -1;
  if (start === -1) return null;
  // What ends an authority in a special (http, https) URL: `/`, `?`, `#` or `\`.
  let end = start;
  for (; end < url.length; end++) {
    const code = url.charCodeAt(end);
    if (code === 47 /* / */ || code === 63 /* ? */ || code === 35 /* # */ || code === 92 /* \ */) break;
  }
  // The parser strips trailing spaces and controls, so such a prefix could parse when the URL does not.
  if (url.charCodeAt(end - 1) <= 0x20) return null;
  return { prefix: url.slice(0, end), rest: url.slice(end) };
};

/**
 * A path the URL parser keeps as it is: it starts with `/`, has no dot segment, and only characters
 * it neither percent-encodes nor rewrites.
 */
const plainPath = /^(?:\/(?!\.)[A-Za-z0-9\-_~!$&'()*+,;=:@.]*)+$/;

/**
 * The pathname of the part after the authority, as `new URL(url).pathname` gives it; `undefined`
 * when it needs the full parser (percent-encoding, dot segments, backslashes, tabs, …).
 */
export const plainPathname = (rest: string): string | undefined => {
  let end = rest.length;
  for (let index = 0; index < rest.length; index++) {
    const code = rest.charCodeAt(index);
    if (code === 63 /* ? */ || code === 35 /* # */) {
      end = index;
      break;
    }
  }
  if (end === 0) return '/';
  const path = rest.slice(0, end);
  return plainPath.test(path) ? path : undefined;
};

/**
 * A `Host` header a client may send (RFC 9110 §7.2, RFC 3986 §3.2.2): a DNS name or IPv4 address, or
 * an IPv6 literal in brackets, and an optional port. Anything else — `/`, `?`, `#`, `@`, `\`,
 * spaces — would move the boundary between authority and path once the URL is built from it.
 */
const validHost = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

let lastValidHost: string | null = null;

/**
 * The request URL of a server that knows the scheme, the `Host` header and the request target (Node's
 * `req.url`), checked so the URL names the same path the framework routes on: the host must be a host
 * (a `Host: x/sign-out?` would otherwise make core route on `/sign-out` while the framework serves the
 * real path) and the target a path (origin-form, RFC 9112 §3.2.1). Throws a `TypeError` otherwise,
 * as `LogtoServer.open` does for a URL that does not parse; adapters answer both with 400.
 *
 * @example
 * ```ts
 * const url = requestUrl(socket.encrypted ? 'https' : 'http', req.headers.host, req.url);
 * ```
 */
export const requestUrl = (
  protocol: 'http' | 'https',
  host: string | undefined,
  target: string | undefined,
): string => {
  if (host !== lastValidHost) {
    const match = typeof host === 'string' ? validHost.exec(host) : null;
    if (match === null || (match[1] !== undefined && Number(match[1]) > 65_535)) {
      throw new TypeError('The request has no valid Host header.');
    }
    // A server sees the same few hosts again and again: the last good one is not checked twice.
    lastValidHost = match.input;
  }
  if (typeof target !== 'string' || !target.startsWith('/')) {
    throw new TypeError('The request target is not a path.');
  }
  // A name whose last label is a number must be an IPv4 address: `a.b.0` passes here but not the URL
  // parser, so `LogtoServer.open` refuses it (with a `TypeError` too).
  return `${protocol}://${host}${target}`;
};
