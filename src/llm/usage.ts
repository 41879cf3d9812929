import type { ModelUsage } from './model-client.js';

/**
 * Price of one model, in US dollars per million tokens. ESTIMATES: taken from public list
 * prices when this was written, not from a bill. Override them (`prices` argument) from
 * configuration when the real numbers matter.
 */
export interface ModelPrice {
  inputUsdPerMillionTokens: number;
  outputUsdPerMillionTokens: number;
  /** Cache write price as a multiple of the input price: 1.25 for the default 5-minute TTL (2 for 1 hour). */
  cacheWriteMultiplier?: number;
  /** Cache read price as a multiple of the input price: 0.1. */
  cacheReadMultiplier?: number;
}

/** 5-minute cache write: 1.25× the input price (correlation-perf §6; estimate). */
export const DEFAULT_CACHE_WRITE_MULTIPLIER = 1.25;
/** Cache read: 0.1× the input price (correlation-perf §6; estimate). */
export const DEFAULT_CACHE_READ_MULTIPLIER = 0.1;

/**
 * Estimated list prices per model id (USD per million tokens). A model id matches the longest
 * key it starts with, so dated ids (`claude-haiku-4-5-20251001`) find their family.
 * Estimates only; unknown models get no cost rather than a guess.
 */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-haiku-4-5': { inputUsdPerMillionTokens: 1, outputUsdPerMillionTokens: 5 },
  'claude-sonnet-4-5': { inputUsdPerMillionTokens: 3, outputUsdPerMillionTokens: 15 },
  'claude-sonnet-4-6': { inputUsdPerMillionTokens: 3, outputUsdPerMillionTokens: 15 },
  'claude-opus-4-5': { inputUsdPerMillionTokens: 5, outputUsdPerMillionTokens: 25 },
  'claude-opus-4-6': { inputUsdPerMillionTokens: 5, outputUsdPerMillionTokens: 25 },
};

/** Usage of no calls at all. */
export const ZERO_USAGE: Readonly<ModelUsage> = Object.freeze({ inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });

/** Field-by-field sum of usages (one investigation, one day, …). */
export function addUsage(...usages: ModelUsage[]): ModelUsage {
  const total = { ...ZERO_USAGE };
  for (const usage of usages) {
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    total.cacheCreationInputTokens += usage.cacheCreationInputTokens;
    total.cacheReadInputTokens += usage.cacheReadInputTokens;
  }
  return total;
}

/** All input tokens the model read: uncached + cache write + cache read. */
export function totalInputTokens(usage: ModelUsage): number {
  return usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens;
}

/** All tokens of the usage, input (every kind) and output: what `llm.budget_tokens` counts. */
export function totalTokens(usage: ModelUsage): number {
  return totalInputTokens(usage) + usage.outputTokens;
}

/** Share of input tokens served from the cache: cacheRead / (input + cacheRead + cacheWrite); 0 when there was no input. */
export function cacheShare(usage: ModelUsage): number {
  const total = totalInputTokens(usage);
  return total === 0 ? 0 : usage.cacheReadInputTokens / total;
}

/** Estimated cost of a usage, in US dollars, split by kind. */
export interface CostEstimate {
  /** The price-table key that matched the model id. */
  priceKey: string;
  inputUsd: number;
  outputUsd: number;
  cacheWriteUsd: number;
  cacheReadUsd: number;
  totalUsd: number;
}

/** The price entry for a model id: exact key, else the longest key the id starts with. */
export function findModelPrice(model: string, prices: Readonly<Record<string, ModelPrice>> = DEFAULT_MODEL_PRICES): { key: string; price: ModelPrice } | undefined {
  const exact = prices[model];
  if (exact !== undefined) return { key: model, price: exact };
  let best: { key: string; price: ModelPrice } | undefined;
  for (const [key, price] of Object.entries(prices)) {
    if (model.startsWith(`${key}-`) && (best === undefined || key.length > best.key.length)) best = { key, price };
  }
  return best;
}

/**
 * Estimated cost in USD: input × P_in + cacheWrite × 1.25 × P_in + cacheRead × 0.1 × P_in +
 * output × P_out (multipliers per price entry). Undefined for a model not in the table.
 */
export function estimateCostUsd(usage: ModelUsage, model: string, prices: Readonly<Record<string, ModelPrice>> = DEFAULT_MODEL_PRICES): CostEstimate | undefined {
  const found = findModelPrice(model, prices);
  if (found === undefined) return undefined;
  const { price } = found;
  const perToken = (usdPerMillion: number) => usdPerMillion / 1_000_000;
  const inputPrice = perToken(price.inputUsdPerMillionTokens);
  const inputUsd = usage.inputTokens * inputPrice;
  const outputUsd = usage.outputTokens * perToken(price.outputUsdPerMillionTokens);
  const cacheWriteUsd = usage.cacheCreationInputTokens * inputPrice * (price.cacheWriteMultiplier ?? DEFAULT_CACHE_WRITE_MULTIPLIER);
  const cacheReadUsd = usage.cacheReadInputTokens * inputPrice * (price.cacheReadMultiplier ?? DEFAULT_CACHE_READ_MULTIPLIER);
  return { priceKey: found.key, inputUsd, outputUsd, cacheWriteUsd, cacheReadUsd, totalUsd: inputUsd + outputUsd + cacheWriteUsd + cacheReadUsd };
}
