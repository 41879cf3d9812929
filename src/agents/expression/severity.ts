/**
 * Severity words in ascending order of rank. `info` and `informational` are the same rank, so
 * `severity >= info` holds for every severity.
 */
export const SEVERITY_RANKS: Readonly<Record<string, number>> = Object.freeze({
  info: 0,
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
});

/** The rank of a severity word (case-insensitive), or undefined when the value is not one. */
export function severityRank(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const key = value.trim().toLowerCase();
  return Object.hasOwn(SEVERITY_RANKS, key) ? SEVERITY_RANKS[key] : undefined;
}

export function isSeverityWord(value: string): boolean {
  return severityRank(value) !== undefined;
}
