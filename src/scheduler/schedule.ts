import { Cron } from 'croner';
import { DURATION_PATTERN, parseDuration } from '../core/duration.js';
import { InputError } from '../core/errors/index.js';

/** When a job is due. Slots are exact scheduled times; all times are absolute (Date). */
export interface Schedule {
  /** The schedule as written (normalised whitespace). */
  readonly text: string;
  /** The latest slot `s` with `after < s ≤ upTo`, or undefined when none falls in between. */
  latestSlot(after: Date, upTo: Date): Date | undefined;
  /** The first slot strictly after `after` (undefined: never again). */
  nextSlot(after: Date): Date | undefined;
}

/** Shortest `@every` interval: the loop ticks about twice a minute, so less would not run on time. */
export const MIN_EVERY_MS = 60_000;

const EVERY_PREFIX = '@every';
/** croner's nicknames, kept: they are common cron syntax. */
const CRON_NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/** The first look-back when searching for the latest cron slot; doubled until a slot is found. */
const FIRST_LOOKBACK_MS = 60_000;

/**
 * Parses a schedule: a five-field cron expression (minute hour day-of-month month day-of-week, in
 * the process's local time zone, croner syntax), a nickname such as `@daily`, or `@every <duration>`
 * (`@every 6h`). Throws an InputError naming `option` (`--cron`, `schedule`, `slack.digest.cron`).
 */
export function parseSchedule(text: string, option = 'schedule'): Schedule {
  const normalised = text.trim().replace(/\s+/g, ' ');
  if (normalised === '') throw new InputError({ path: option, message: 'the schedule is empty (use a five-field cron expression such as "0 6 * * *", or "@every 6h")' });
  if (normalised.toLowerCase().startsWith(`${EVERY_PREFIX} `) || normalised.toLowerCase() === EVERY_PREFIX) return everySchedule(normalised, option);
  return cronSchedule(normalised, option);
}

function everySchedule(text: string, option: string): Schedule {
  const duration = text.slice(EVERY_PREFIX.length).trim();
  if (!DURATION_PATTERN.test(duration)) {
    throw new InputError({ path: option, message: `"${text}": @every needs a duration, e.g. "@every 6h" (units: m, h, d, w)` });
  }
  const intervalMs = parseDuration(duration, option);
  if (intervalMs < MIN_EVERY_MS) throw new InputError({ path: option, message: `"${text}": the shortest interval is 1m` });
  // Slots are whole multiples of the interval since the Unix epoch (UTC), so every process and
  // every restart computes the same slots without a stored anchor: `@every 6h` is 00:00, 06:00,
  // 12:00 and 18:00 UTC.
  return {
    text: `${EVERY_PREFIX} ${duration}`,
    latestSlot(after, upTo) {
      const slot = Math.floor(upTo.getTime() / intervalMs) * intervalMs;
      return slot > after.getTime() ? new Date(slot) : undefined;
    },
    nextSlot(after) {
      return new Date((Math.floor(after.getTime() / intervalMs) + 1) * intervalMs);
    },
  };
}

function cronSchedule(text: string, option: string): Schedule {
  const nickname = CRON_NICKNAMES.has(text.toLowerCase());
  if (!nickname && text.split(' ').length !== 5) {
    throw new InputError({
      path: option,
      message: `"${text}" is not a five-field cron expression (minute hour day-of-month month day-of-week, e.g. "0 6 * * *") or "@every <duration>"`,
    });
  }
  let cron: Cron;
  try {
    // Paused and without a function: croner only computes dates, it never starts a timer.
    cron = new Cron(nickname ? text.toLowerCase() : text, { paused: true });
  } catch (error) {
    throw new InputError({ path: option, message: `invalid cron expression "${text}": ${error instanceof Error ? error.message : String(error)}` }, { cause: error });
  }
  const next = (after: Date): Date | undefined => cron.nextRun(after) ?? undefined;
  if (next(new Date(0)) === undefined) {
    throw new InputError({ path: option, message: `cron expression "${text}" never matches a date` });
  }
  return {
    text: nickname ? text.toLowerCase() : text,
    latestSlot(after, upTo) {
      // Look back from `upTo` over a window that doubles until it holds a slot (or reaches `after`),
      // then walk forward to the last slot of the window. Bounded by the slots in one window,
      // however long the downtime was.
      for (let lookbackMs = FIRST_LOOKBACK_MS; ; lookbackMs *= 2) {
        const from = new Date(Math.max(after.getTime(), upTo.getTime() - lookbackMs));
        let slot = next(from);
        if (slot !== undefined && slot.getTime() <= upTo.getTime()) {
          for (let following = next(slot); following !== undefined && following.getTime() <= upTo.getTime(); following = next(following)) slot = following;
          return slot;
        }
        if (from.getTime() <= after.getTime()) return undefined;
      }
    },
    nextSlot: next,
  };
}
