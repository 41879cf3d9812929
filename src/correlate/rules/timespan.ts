const UNIT_MILLISECONDS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Sigma correlation timespans: a number and a lower-case unit `s`, `m`, `h` or `d`, e.g. `90m`. */
export const TIMESPAN_PATTERN = /^(\d+)([smhd])$/;

/** The timespan in milliseconds, or undefined when the text is not a Sigma timespan above zero. */
export function parseTimespan(text: string): number | undefined {
  const match = TIMESPAN_PATTERN.exec(text);
  if (match === null) return undefined;
  const milliseconds = Number(match[1]) * UNIT_MILLISECONDS[match[2]!]!;
  return milliseconds > 0 && Number.isSafeInteger(milliseconds) ? milliseconds : undefined;
}
