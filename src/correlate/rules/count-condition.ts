import type { CountCondition } from './rule-types.js';

/** A correlation condition as inclusive bounds on the count, plus an optional excluded value. */
export interface CountBounds {
  /** Smallest count that holds (inclusive); 1 when the condition sets none. */
  lower: number;
  /** Largest count that holds (inclusive), if bounded. */
  upper?: number;
  /** A count that does not hold (`neq`). */
  excluded?: number;
}

export function countBounds(condition: CountCondition): CountBounds {
  let lower = 1;
  if (condition.gte !== undefined) lower = Math.max(lower, condition.gte);
  if (condition.gt !== undefined) lower = Math.max(lower, condition.gt + 1);
  if (condition.eq !== undefined) lower = Math.max(lower, condition.eq);
  let upper: number | undefined;
  if (condition.lte !== undefined) upper = condition.lte;
  if (condition.lt !== undefined) upper = Math.min(upper ?? Infinity, condition.lt - 1);
  if (condition.eq !== undefined) upper = Math.min(upper ?? Infinity, condition.eq);
  return { lower, ...(upper === undefined ? {} : { upper }), ...(condition.neq === undefined ? {} : { excluded: condition.neq }) };
}

/**
 * Whether the condition can only be decided once the window has closed: an upper bound (`lt`,
 * `lte`, `eq`) or `neq` can be broken by a later event. Otherwise (only `gt`/`gte`) it fires as
 * soon as the count is reached.
 */
export function decidedAtWindowClose(condition: CountCondition): boolean {
  const bounds = countBounds(condition);
  return bounds.upper !== undefined || bounds.excluded !== undefined;
}

export function countHolds(bounds: CountBounds, count: number): boolean {
  return count >= bounds.lower && (bounds.upper === undefined || count <= bounds.upper) && count !== bounds.excluded;
}

/** Whether any count of at least one satisfies the bounds. */
export function countCanHold(bounds: CountBounds): boolean {
  if (bounds.upper === undefined) return true;
  for (let count = bounds.lower; count <= bounds.upper; count += 1) if (count !== bounds.excluded) return true;
  return false;
}

/** `gte 10`, `gt 5 and lte 20`: for messages and summaries. */
export function describeCondition(condition: CountCondition): string {
  const parts: string[] = [];
  for (const key of ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const) if (condition[key] !== undefined) parts.push(`${key} ${condition[key]}`);
  return parts.join(' and ');
}
