import { UsageError } from './errors/index.js';

const UNIT_MILLISECONDS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d|w)$/;

/** Parses `90s`, `15m`, `24h`, `7d`, `2w` into milliseconds; throws UsageError otherwise. */
export function parseDuration(text: string, label = 'duration'): number {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) {
    throw new UsageError(`${label}: "${text}" is not a duration (use a number and a unit: ms, s, m, h, d or w, e.g. 24h)`);
  }
  return Number(match[1]) * UNIT_MILLISECONDS[match[2]!]!;
}
