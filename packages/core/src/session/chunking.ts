/**
 * Splitting one logical cookie over several real ones when its `Set-Cookie` header would be too
 * large: `<name>` when it fits, else `<name>.0`, `<name>.1`, … Browsers only promise 4096 bytes per
 * cookie, name and attributes included (RFC 6265 §6.1), and silently drop a larger one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-6.1
 * @module
 */

/** A real cookie: its name and value. */
export type CookiePair = readonly [name: string, value: string];

const chunkName = (name: string, index: number) => `${name}.${index}`;

/**
 * The cookies `value` is written to under `name`, each of whose header (`name=value` + `attributes`)
 * is at most `maxBytes` long. Names and values are ASCII, so characters are bytes.
 */
export const splitIntoCookies = (
  name: string,
  value: string,
  attributes: string,
  maxBytes: number,
): CookiePair[] => {
  if (name.length + 1 + value.length + attributes.length <= maxBytes) return [[name, value]];
  const cookies: CookiePair[] = [];
  for (let start = 0, index = 0; start < value.length; index++) {
    const room = maxBytes - (chunkName(name, index).length + 1 + attributes.length);
    if (room < 1) throw new RangeError(`A cookie of ${maxBytes} bytes has no room for a value of ${name}.`);
    cookies.push([chunkName(name, index), value.slice(start, start + room)]);
    start += room;
  }
  return cookies;
};

/** The names among `cookies` that belong to the logical cookie `name`: itself and its chunks. */
export const cookieNamesOf = (cookies: ReadonlyMap<string, string>, name: string): string[] => {
  const prefix = `${name}.`;
  return [...cookies.keys()].filter(
    (cookie) =>
      cookie === name || (cookie.startsWith(prefix) && /^(0|[1-9]\d*)$/.test(cookie.slice(prefix.length))),
  );
};

/**
 * The value of the logical cookie `name` (from a map of cookies, or a function that finds one): its chunks `.0`, `.1`, … joined up to the first gap when
 * `<name>.0` is present, else `<name>` itself; `null` when neither is.
 */
export const joinCookies = (
  cookies: ReadonlyMap<string, string> | ((name: string) => string | undefined),
  name: string,
): string | null => {
  const cookie = typeof cookies === 'function' ? cookies : (other: string) => cookies.get(other);
  const first = cookie(chunkName(name, 0));
  if (first === undefined) return cookie(name) ?? null;
  const parts: string[] = [first];
  for (let index = 1; ; index++) {
    const part = cookie(chunkName(name, index));
    if (part === undefined) return parts.join('');
    parts.push(part);
  }
};
