import { systemClock, type Clock } from '../../core/clock.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe request is admitted, in milliseconds. Default 30 000. */
  resetTimeoutMs?: number;
  clock?: Clock;
}

/**
 * Stops hammering a product that keeps failing. Closed: everything passes; after
 * `failureThreshold` consecutive failures it opens and refuses everything. After `resetTimeoutMs`
 * it is half-open: exactly one probe is admitted; the probe's success closes it, its failure
 * re-opens it for another `resetTimeoutMs`.
 *
 * Every `allow()` that returned true must be followed by exactly one of `recordSuccess`,
 * `recordFailure` or `recordCancelled`, or a half-open breaker never admits another probe.
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly resetTimeoutMs: number;
  private readonly clock: Clock;
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAtMs = 0;
  private probeInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.resetTimeoutMs = options.resetTimeoutMs ?? 30_000;
    this.clock = options.clock ?? systemClock;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) throw new RangeError('failureThreshold must be an integer >= 1');
    if (!(this.resetTimeoutMs >= 0)) throw new RangeError('resetTimeoutMs must be >= 0');
  }

  /** Current state; an open circuit whose reset timeout has passed reports `half-open`. */
  get state(): CircuitState {
    this.advance();
    return this.current;
  }

  /** Milliseconds until an open circuit admits a probe; 0 when not open. */
  retryInMs(): number {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.openedAtMs + this.resetTimeoutMs - this.clock.now().getTime());
  }

  /** Whether a request may go out now. In half-open state, true for exactly one caller (the probe). */
  allow(): boolean {
    this.advance();
    if (this.current === 'closed') return true;
    if (this.current === 'open') return false;
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** The product answered (any 2xx-4xx). Closes the circuit. */
  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
    this.current = 'closed';
  }

  /** Transport error, timeout or 5xx. Opens the circuit at the threshold, or re-opens it after a failed probe. */
  recordFailure(): void {
    this.advance();
    this.probeInFlight = false;
    if (this.current === 'half-open') {
      this.open();
      return;
    }
    this.consecutiveFailures += 1;
    if (this.current === 'closed' && this.consecutiveFailures >= this.failureThreshold) this.open();
  }

  /** The admitted request was abandoned (caller aborted) and says nothing about the product; frees the probe slot. */
  recordCancelled(): void {
    this.probeInFlight = false;
  }

  private open(): void {
    this.current = 'open';
    this.openedAtMs = this.clock.now().getTime();
  }

  private advance(): void {
    if (this.current === 'open' && this.clock.now().getTime() - this.openedAtMs >= this.resetTimeoutMs) {
      this.current = 'half-open';
      this.probeInFlight = false;
    }
  }
}
