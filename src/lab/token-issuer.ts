import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';

export type TokenCheck = { state: 'valid'; subject: string; scope?: string } | { state: 'expired' } | { state: 'unknown' };

/**
 * Access tokens of one simulated product: opaque random strings with an expiry by the lab's
 * clock, so clients' caching, early refresh and re-auth on 401 are exercised for real.
 */
export class TokenIssuer {
  readonly #tokens = new Map<string, { subject: string; scope?: string; expiresAt: number }>();

  constructor(
    readonly clock: Clock,
    /** Lifetime of new tokens; the product's real default unless the lab was told otherwise. */
    public ttlSeconds: number,
  ) {}

  issue(subject: string, scope?: string, ttlSeconds = this.ttlSeconds): { token: string; expiresIn: number } {
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, { subject, expiresAt: this.clock.now().getTime() + ttlSeconds * 1000, ...(scope === undefined ? {} : { scope }) });
    return { token, expiresIn: ttlSeconds };
  }

  check(token: string | undefined): TokenCheck {
    if (token === undefined) return { state: 'unknown' };
    const entry = this.#tokens.get(token);
    if (entry === undefined) return { state: 'unknown' };
    if (entry.expiresAt <= this.clock.now().getTime()) return { state: 'expired' };
    return { state: 'valid', subject: entry.subject, ...(entry.scope === undefined ? {} : { scope: entry.scope }) };
  }

  /** Expires every token now (tests: prove the client refreshes). */
  expireAll(): number {
    const now = this.clock.now().getTime();
    for (const entry of this.#tokens.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
    return this.#tokens.size;
  }

  revoke(token: string): void {
    this.#tokens.delete(token);
  }
}
