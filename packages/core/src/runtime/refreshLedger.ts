import type { ReceivedTokens } from '../machine/context.ts';

interface LedgerEntry {
  /** `null` when the provider rejected the refresh token: it is dead for every copy of the session. */
  readonly received: ReceivedTokens | null;
  /** The refresh token to use from now on (the rotated one, or the same when it did not rotate). */
  readonly nextRefreshToken: string;
  /** When the grant's result was recorded: the rotation time. */
  readonly recordedAt: number;
  readonly expiresAt: number;
}

/**
 * What each recent refresh grant returned, keyed by the hash of the refresh token it presented.
 * Requests of one session that each hold their own copy (one cookie per request) look here under the
 * lock before presenting a refresh token: if it was already used, they adopt the result — above all
 * the rotated refresh token — instead of presenting it again, which would make Logto revoke the grant.
 *
 * Only a copy that was current at the rotation may adopt: one whose request started before the
 * result was recorded (however long it then waited), or at most {@link adoptionGraceMs} after it
 * (sent by the browser before the rotated cookie reached it). A copy stolen earlier and replayed
 * later cannot launder its spent refresh token into the rotated one.
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

  /** Whether a request that started at `openedAt` held a copy of the session that was current when `entry` was recorded. */
  mayAdopt(entry: LedgerEntry, openedAt: number): boolean {
    return openedAt <= entry.recordedAt + this.adoptionGraceMs;
  }

  /** The recorded result of the grant that presented the refresh token hashed as `key`. */
  get(key: string, now: number): LedgerEntry | undefined {
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
