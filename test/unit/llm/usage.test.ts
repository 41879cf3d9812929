import { describe, expect, it } from 'vitest';
import { ZERO_USAGE, addUsage, cacheShare, estimateCostUsd, findModelPrice, totalInputTokens, totalTokens, type ModelPrice, type ModelUsage } from '../../../src/llm/index.js';

const usage = (inputTokens: number, outputTokens: number, cacheCreationInputTokens = 0, cacheReadInputTokens = 0): ModelUsage => ({
  inputTokens,
  outputTokens,
  cacheCreationInputTokens,
  cacheReadInputTokens,
});

/** One dollar per token in and out: costs read as token-equivalents. */
const UNIT_PRICES: Record<string, ModelPrice> = { unit: { inputUsdPerMillionTokens: 1_000_000, outputUsdPerMillionTokens: 1_000_000 } };

describe('usage accounting', () => {
  it('adds usages field by field, and totals them', () => {
    const total = addUsage(usage(100, 10, 2000, 0), usage(50, 20, 0, 2000), usage(1, 1, 0, 0));
    expect(total).toEqual(usage(151, 31, 2000, 2000));
    expect(addUsage()).toEqual(ZERO_USAGE);
    expect(totalInputTokens(total)).toBe(4151);
    expect(totalTokens(total)).toBe(4182);
  });

  it('cacheShare is cacheRead / (input + cacheRead + cacheWrite), 0 with no input', () => {
    expect(cacheShare(usage(100, 999, 300, 600))).toBeCloseTo(0.6, 10);
    expect(cacheShare(ZERO_USAGE)).toBe(0);
  });

  it('8 calls over a 20k cached prefix cost ~24% of the uncached prefix (a 76% saving, correlation-perf §6)', () => {
    const prefix = 20_000;
    const uncached = addUsage(...Array.from({ length: 8 }, () => usage(prefix, 0)));
    const cached = addUsage(usage(0, 0, prefix, 0), ...Array.from({ length: 7 }, () => usage(0, 0, 0, prefix)));
    const without = estimateCostUsd(uncached, 'unit', UNIT_PRICES)!.totalUsd;
    const withCache = estimateCostUsd(cached, 'unit', UNIT_PRICES)!;
    expect(without).toBeCloseTo(160_000, 6);
    expect(withCache.cacheWriteUsd).toBeCloseTo(25_000, 6);
    expect(withCache.cacheReadUsd).toBeCloseTo(14_000, 6);
    expect(withCache.totalUsd).toBeCloseTo(39_000, 6);
    expect(1 - withCache.totalUsd / without).toBeCloseTo(0.756, 3);
    expect(cacheShare(cached)).toBeCloseTo(7 / 8, 10);
  });

  it('prices per million tokens with the default table, dated ids finding their family', () => {
    const cost = estimateCostUsd(usage(1_000_000, 100_000, 1_000_000, 1_000_000), 'claude-sonnet-4-6')!;
    expect(cost.priceKey).toBe('claude-sonnet-4-6');
    expect(cost.inputUsd).toBeCloseTo(3, 10);
    expect(cost.outputUsd).toBeCloseTo(1.5, 10);
    expect(cost.cacheWriteUsd).toBeCloseTo(3.75, 10);
    expect(cost.cacheReadUsd).toBeCloseTo(0.3, 10);
    expect(cost.totalUsd).toBeCloseTo(8.55, 10);
    expect(findModelPrice('claude-haiku-4-5-20251001')?.key).toBe('claude-haiku-4-5');
    expect(estimateCostUsd(usage(1, 1), 'some-unknown-model')).toBeUndefined();
  });

  it('honours per-entry multipliers (e.g. a 1-hour cache write at 2×)', () => {
    const prices: Record<string, ModelPrice> = { unit: { ...UNIT_PRICES.unit!, cacheWriteMultiplier: 2 } };
    expect(estimateCostUsd(usage(0, 0, 20_000, 0), 'unit', prices)!.cacheWriteUsd).toBeCloseTo(40_000, 6);
  });
});
