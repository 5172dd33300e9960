/**
 * Where to send the user after sign-in: only a path on the app's own origin, never another site
 * (an open redirect would let a phishing link borrow the app's sign-in).
 *
 * @module
 */

/**
 * The longest return path kept, in characters. It travels in the sign-in transaction (a cookie in
 * cookie mode): a longer one would let a hostile link plant cookies big enough to get every request
 * of the app refused (431) until they expire.
 */
export const maxReturnToLength = 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const unsafeCharacters = /[\u0000-\u001f\u007f\\]/;

/** Whether a browser resolves `path` against the app's origin: `//host` and `/\host` leave it. */
const isOriginRelativePath = (path: string) =>
  path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\');

/**
 * `value` as a same-origin path (`/path?query#hash`) relative to `base`, or `fallback` for anything
 * else: absolute URLs, protocol-relative `//host`, backslash tricks, control characters, paths whose
 * dot segments or encoded dots normalise to `//host` (`/.//evil.com`, `/%2e//evil.com`), and values
 * longer than {@link maxReturnToLength}.
 *
 * Idempotent: `safeReturnTo(safeReturnTo(x, base), base) === safeReturnTo(x, base)` for every string,
 * so an app may check a value again anywhere without changing it.
 */
export const safeReturnTo = (value: string | null | undefined, base: URL, fallback = '/'): string => {
  if (
    typeof value !== 'string' ||
    value.length > maxReturnToLength ||
    !isOriginRelativePath(value) ||
    unsafeCharacters.test(value)
  ) {
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  // Checked again after normalisation: dot segments may have turned the path into `//host`.
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.length <= maxReturnToLength && isOriginRelativePath(path) && !unsafeCharacters.test(path)
    ? path
    : fallback;
};

/** The sign-in route's path that comes back to `returnTo` after signing in. */
export const signInPathFor = (signInPath: string, returnTo: string): string =>
  `${signInPath}?returnTo=${encodeURIComponent(returnTo)}`;
