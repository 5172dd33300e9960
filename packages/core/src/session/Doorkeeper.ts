/**
 * Admission to the per-session caches (the decrypt cache of cookie sessions, the parsed-session memo):
 * TinyLFU's "doorkeeper". A value is worth caching only when it comes back while the cache could still
 * hold it. The first sight of a value is only noted — two bits in a small bitset, nothing retained —
 * and its second sight within the window admits it. The bitset is cleared every `window` notes, so a
 * value that comes back less often than the cache turns over is never admitted.
 *
 * Why: a cached entry (a ~2 KB sealed value, its plaintext, the parsed session) outlives the young
 * generation of the garbage collector, which then copies it twice and sweeps it from the old one. On a
 * server with more active users than the caches hold, every request used to pay that — about a
 * quarter of its CPU — for entries evicted before they were read. A user's requests that come close
 * together still hit: the second is admitted, the ones after it are served from the cache.
 *
 * @module
 */

/** Bits per note: with two bits per value, about 1% of first sights pass for second ones. */
const bitsPerValue = 16;

/** First and second sights of 32-bit fingerprints within a window of notes (see the module's comment). */
export class Doorkeeper {
  readonly #bits: Int32Array;
  readonly #mask: number;
  readonly #window: number;
  #noted = 0;

  /** `window`: how many first sights are remembered (the capacity of the cache it guards). */
  constructor(window: number) {
    let size = 32;
    while (size < window * bitsPerValue) size *= 2;
    this.#bits = new Int32Array(size / 32);
    this.#mask = size - 1;
    this.#window = Math.max(1, window);
  }

  /** Whether `fingerprint` was seen within the window (admit it); else it is noted, and `false`. */
  admits(fingerprint: number): boolean {
    const first = fingerprint & this.#mask;
    const second = Math.imul(fingerprint ^ (fingerprint >>> 16), 0x45d9f3b) & this.#mask;
    const bits = this.#bits;
    if (
      (bits[first >>> 5]! & (1 << (first & 31))) !== 0 &&
      (bits[second >>> 5]! & (1 << (second & 31))) !== 0
    ) {
      return true;
    }
    if (++this.#noted > this.#window) {
      bits.fill(0);
      this.#noted = 1;
    }
    bits[first >>> 5]! |= 1 << (first & 31);
    bits[second >>> 5]! |= 1 << (second & 31);
    return false;
  }
}

/** Up to this length {@link fingerprintOf} reads every character; beyond it, 32 of them. */
const readWhole = 256;

/**
 * A 32-bit fingerprint (FNV-1a) of `text`: of every character up to 256 of them, else of its length
 * and 32 characters evenly spread from its end. For values as long as a session record (~1.5 KB,
 * mostly tokens, which differ all along between two sessions), where hashing every character would
 * cost more than the memo it keys saves. Values alike in every sampled character share a
 * fingerprint: a memo keyed by it must compare the values, and a doorkeeper admits the second early.
 */
export const fingerprintOf = (text: string): number => {
  const step = text.length <= readWhole ? 1 : Math.floor(text.length / 32);
  let hash = Math.imul(0x811c9dc5 ^ text.length, 0x01000193);
  for (let index = text.length - 1; index >= 0; index -= step) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash;
};
