/**
 * Where to send the user after sign-in: only a path on the app's own origin, never another site
 * (an open redirect would let a phishing link borrow the app's sign-in).
 *
 * @module
 */

/**
 * `value` as a same-origin path (`/path?query#hash`) relative to `base`, or `fallback` for anything
 * else: absolute URLs, protocol-relative `//host`, backslash tricks, control characters.
 */
export const safeReturnTo = (value: string | null | undefined, base: URL, fallback = '/'): string => {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  ) {
    return fallback;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  return url.origin === base.origin ? `${url.pathname}${url.search}${url.hash}` : fallback;
};
