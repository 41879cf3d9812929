import type { Clock } from '../../core/clock.js';

export type DeliveryVerdict = 'new' | 'redelivery';

export interface RedeliveryGuardOptions {
  clock: Clock;
  /** How long a trigger id or a command's content is remembered (default 60 s). */
  windowMs?: number;
  /** Entries kept at most; the oldest go first (default 10,000). */
  maxEntries?: number;
}

/**
 * Keeps a re-delivered slash command from starting a second job: Bolt's `retryNum` (header
 * X-Slack-Retry-Num), the same `trigger_id`, or the same (user, channel, text) of a job started
 * within the window. In memory only: several bot replicas behind one Request URL would need a
 * shared store (the database) for this, which the single-process bot does not have yet.
 */
export class RedeliveryGuard {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  /** key → expiry (ms); a Map keeps insertion order, which makes it an LRU by first sight. */
  readonly #seen = new Map<string, number>();

  constructor(options: RedeliveryGuardOptions) {
    this.#clock = options.clock;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** Checks a delivery and remembers its trigger id. */
  delivery(triggerId: string | undefined, retryNum: number | undefined): DeliveryVerdict {
    if (retryNum !== undefined && retryNum > 0) return 'redelivery';
    if (triggerId === undefined || triggerId === '') return 'new';
    return this.#remember(`trigger:${triggerId}`) ? 'new' : 'redelivery';
  }

  /**
   * Claims a job for (user, channel, text): false when the same one was claimed within the window.
   * Returns a release so a job that could not start does not block a deliberate retry.
   */
  claimJob(user: string, channel: string, text: string): { claimed: boolean; release(): void } {
    const key = `job:${user}\u0000${channel}\u0000${text.trim().replace(/\s+/g, ' ')}`;
    const claimed = this.#remember(key);
    return { claimed, release: () => (claimed ? void this.#seen.delete(key) : undefined) };
  }

  get size(): number {
    return this.#seen.size;
  }

  #remember(key: string): boolean {
    const now = this.#clock.now().getTime();
    const until = this.#seen.get(key);
    if (until !== undefined && until > now) return false;
    this.#seen.delete(key);
    this.#seen.set(key, now + this.#windowMs);
    while (this.#seen.size > this.#maxEntries) this.#seen.delete(this.#seen.keys().next().value!);
    // Drop expired entries from the old end (they are in insertion order).
    for (const [oldKey, expiry] of this.#seen) {
      if (expiry > now) break;
      this.#seen.delete(oldKey);
    }
    return true;
  }
}
