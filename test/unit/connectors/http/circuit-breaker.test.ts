import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../src/core/clock.js';
import { CircuitBreaker } from '../../../../src/connectors/http/index.js';

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures; a success in between resets the count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, clock: fixedClock(0) });
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
  });

  it('admits exactly one probe when half-open; success closes it', () => {
    const clock = fixedClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetTimeoutMs: 1000, clock });
    breaker.recordFailure();
    clock.advance(999);
    expect(breaker.allow()).toBe(false);
    expect(breaker.retryInMs()).toBe(1);
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
  });

  it('a failed probe re-opens it for another resetTimeout', () => {
    const clock = fixedClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: 2, resetTimeoutMs: 1000, clock });
    breaker.recordFailure();
    breaker.recordFailure();
    clock.advance(1000);
    expect(breaker.allow()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    clock.advance(500);
    expect(breaker.allow()).toBe(false);
    clock.advance(500);
    expect(breaker.allow()).toBe(true);
  });

  it('a cancelled probe frees the slot for another', () => {
    const clock = fixedClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetTimeoutMs: 10, clock });
    breaker.recordFailure();
    clock.advance(10);
    expect(breaker.allow()).toBe(true);
    breaker.recordCancelled();
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(true);
  });

  it('defaults to 5 failures and 30 s', () => {
    const breaker = new CircuitBreaker();
    expect(breaker.failureThreshold).toBe(5);
    expect(breaker.resetTimeoutMs).toBe(30_000);
  });
});
