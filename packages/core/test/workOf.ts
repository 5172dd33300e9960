/**
 * Work counted rather than timed, for cost bounds that must not depend on a (shared, noisy) machine:
 * every call of the String, Map and RegExp methods the cookie readers use, plus each character such a
 * call goes over (searched, copied, trimmed, hashed). Deterministic, so a linear bound can be asserted
 * exactly, and a reader made quadratic again fails it by orders of magnitude.
 */

type Method = (this: unknown, ...args: unknown[]) => unknown;

const length = (value: unknown) => (typeof value === 'string' ? value.length : 0);
const at = (value: unknown, fallback: number) => (value === undefined ? fallback : Number(value));

const measures: [
  target: object,
  method: string,
  characters: (self: string, args: unknown[], result: unknown) => number,
][] = [
  [
    String.prototype,
    'indexOf',
    (self, [search, from], result) =>
      (result === -1 ? self.length : Number(result)) - at(from, 0) + length(search),
  ],
  [
    String.prototype,
    'lastIndexOf',
    (self, [search, from], result) =>
      at(from, self.length) - (result === -1 ? 0 : Number(result)) + length(search),
  ],
  [String.prototype, 'charCodeAt', () => 0],
  [String.prototype, 'slice', (_, __, result) => length(result)],
  [String.prototype, 'trim', (self) => self.length],
  [String.prototype, 'split', (self) => self.length],
  [String.prototype, 'startsWith', (_, [search]) => length(search)],
  [String.prototype, 'endsWith', (_, [search]) => length(search)],
  [String.prototype, 'includes', (self) => self.length],
  [Map.prototype, 'get', (_, [key]) => length(key)],
  [Map.prototype, 'has', (_, [key]) => length(key)],
  [Map.prototype, 'set', (_, [key]) => length(key)],
  [RegExp.prototype, 'test', (_, [input]) => length(input)],
];

/** The work `run` does (see the module comment); the methods are restored before this returns. */
export const workOf = (run: () => unknown): number => {
  let work = 0;
  const originals = measures.map(([target, method]) => (target as Record<string, Method>)[method]!);
  measures.forEach(([target, method, characters], index) => {
    const original = originals[index]!;
    (target as Record<string, Method>)[method] = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      work += 1 + characters(this as string, args, result);
      return result;
    };
  });
  try {
    run();
  } finally {
    measures.forEach(([target, method], index) => {
      (target as Record<string, Method>)[method] = originals[index]!;
    });
  }
  return work;
};
