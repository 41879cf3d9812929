import type { Clock } from '../core/clock.js';

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/** A fixed-window request counter per key, as most products report in their rate-limit headers. */
export class FixedWindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly clock: Clock,
    public limit: number,
    public windowMs: number,
  ) {}

  take(key = 'default'): RateLimitState {
    const now = this.clock.now().getTime();
    let window = this.#windows.get(key);
    if (window === undefined || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    const resetMs = window.start + this.windowMs - now;
    if (window.count >= this.limit) return { allowed: false, limit: this.limit, remaining: 0, resetMs };
    window.count += 1;
    return { allowed: true, limit: this.limit, remaining: this.limit - window.count, resetMs };
  }
}
