import type { Clock } from '../core/clock.js';
import { DURATION_PATTERN, parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors/index.js';

/** `--since 24h` (a duration back from now) or an ISO-8601 time → ISO string. */
export function parseSince(text: string, clock: Clock, option = '--since'): string {
  if (DURATION_PATTERN.test(text.trim())) return new Date(clock.now().getTime() - parseDuration(text, option)).toISOString();
  const time = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(time)) return new Date(time).toISOString();
  throw new UsageError(`${option}: "${text}" is neither a duration (e.g. 24h, 7d) nor an ISO-8601 time`);
}

/** A positive integer option value. */
export function parsePositiveInteger(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${option}: "${text}" is not a positive whole number`);
  return Number(text);
}
