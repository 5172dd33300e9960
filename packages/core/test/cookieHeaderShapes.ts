/**
 * `Cookie` headers of a given size for the cost tests: a benign one (many ordinary cookies, no
 * session), and hostile ones, each the worst case of some way to read a header — planted chunks of the
 * session cookie, duplicates, runs of `;`, pairs without `=`, long whitespace, planted transaction
 * cookies, a chunked value that must be decoded before it is refused.
 */

/** Pairs made by `pair(0)`, `pair(1)`, … joined by `separator`, cut to exactly `size` characters. */
const fill = (size: number, pair: (index: number) => string, separator = '; '): string => {
  const pairs: string[] = [];
  // `length` counts a separator after every pair; the joined text has one fewer.
  for (let index = 0, length = 0; length - separator.length < size; index++) {
    const next = pair(index);
    pairs.push(next);
    length += next.length + separator.length;
  }
  return pairs.join(separator).slice(0, size);
};

/** Many ordinary cookies (analytics-like), as a browser with a busy site's cookies sends. */
export const benignCookieHeader = (size: number): string =>
  fill(size, (index) => `_ga_${index}=GS1.1.1700000000.1.1.1700000000.0.0.${index}`);

/** Hostile headers of exactly `size` characters, by what they attack, for the session cookie `name`. */
export const hostileCookieHeaders = (size: number, name = 'logto_session'): Record<string, string> => ({
  'planted chunks': fill(size, (index) => `${name}.${index}=x`),
  'one chunk, repeated': fill(size, () => `${name}.0=x`),
  'chunks named past the cap': fill(size, (index) => `${name}.${index + 1000}=x`),
  'only semicolons': ';'.repeat(size),
  'pairs without "="': fill(size, (index) => `flag${index}`, ';'),
  'the name without "="': fill(size, () => name, ';'),
  'the name, space-separated': fill(size, () => name, ' '),
  'only "="': '='.repeat(size),
  'whitespace, then the cookie': `${' '.repeat(size - name.length - 2)}${name}=x`,
  'planted transaction cookies': fill(size, (index) => `${name}_tx_${String(index).padStart(16, 'A')}=x`),
  'a chunked value to decode': fill(
    size,
    (index) => `${name}.${index}=${index === 0 ? 'v1.' : ''}${'A'.repeat(4000)}`,
  ),
});
