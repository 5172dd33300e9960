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
