/** Statuses worth another attempt: the product may answer differently in a moment. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Only GET and HEAD are safe to repeat by default; anything else must opt in with `idempotent: true`. */
export function isSafeToRepeat(method: string, idempotent: boolean | undefined): boolean {
  return idempotent === true || method === 'GET' || method === 'HEAD';
}

/**
 * Parses a `Retry-After` header: delta-seconds (`120`) or an HTTP date. Returns milliseconds to wait
 * from `now` (never negative), or undefined when the value is missing or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // HTTP dates always name a weekday or month; this keeps Date.parse from reading `-5` as a year.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * How long a 429/503 response asks us to wait, in milliseconds: standard `Retry-After`, else
 * CrowdStrike's `X-RateLimit-RetryAfter` (Unix epoch seconds).
 */
export function retryAfterFromHeaders(headers: Headers, now: Date): number | undefined {
  const standard = parseRetryAfter(headers.get('retry-after'), now);
  if (standard !== undefined) return standard;
  const epochSeconds = headers.get('x-ratelimit-retryafter');
  if (epochSeconds !== null && /^\d+$/.test(epochSeconds.trim())) {
    return Math.max(0, Number(epochSeconds.trim()) * 1000 - now.getTime());
  }
  return undefined;
}

export interface BackoffOptions {
  /** Delay cap of the first retry, in milliseconds; doubles each retry. */
  baseDelayMs: number;
  /** Largest delay cap, in milliseconds. */
  maxDelayMs: number;
}

/**
 * Full-jitter exponential backoff: a uniformly random delay in [0, min(max, base * 2^retryIndex)).
 * `retryIndex` is 0 for the first retry. `random` returns [0, 1) like Math.random.
 */
export function backoffDelayMs(retryIndex: number, options: BackoffOptions, random: () => number): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * cap);
}
