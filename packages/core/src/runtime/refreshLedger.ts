import type { ReceivedTokens, RecordedRefresh } from '../machine/context.ts';

interface LedgerEntry extends RecordedRefresh {
  readonly expiresAt: number;
}

/**
 * What each recent refresh grant returned, keyed by the hash of the refresh token it presented.
 * Requests of one session that each hold their own copy (one cookie per request) look here under the
 * lock before presenting a refresh token: if it was already used, they adopt the result — above all
 * the rotated refresh token — instead of presenting it again, which would make Logto revoke the grant.
 *
 * Whether a copy may adopt a result is the session machine's rule (`machine/rules.ts` `mayAdopt`, with
 * this ledger's {@link adoptionGraceMs}); the ledger only remembers.
 */
export class RefreshLedger {
  readonly #entries = new Map<string, LedgerEntry>();

  constructor(
    /** How long a result is kept; requests started before the rotation may arrive this late. */
    readonly retentionMs = 120_000,
    /** At most this many results are kept; the oldest go first. */
    readonly capacity = 10_000,
    /**
     * How long after a rotation a request may start and still adopt it: the time a response takes to
     * reach the browser, during which it still sends the previous cookie.
     */
    readonly adoptionGraceMs = 5_000,
  ) {}

  /** The recorded result of the grant that presented the refresh token hashed as `key`. */
  get(key: string, now: number): RecordedRefresh | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Records the result of a grant that presented the refresh token hashed as `key`. */
  record(key: string, received: ReceivedTokens | null, nextRefreshToken: string, now: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, {
      received,
      nextRefreshToken,
      recordedAt: now,
      expiresAt: now + this.retentionMs,
    });
    for (const [oldest] of this.#entries) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(oldest);
    }
  }
}
