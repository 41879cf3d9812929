/** Source of the current time. Injected everywhere so tests control time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests and replays. */
export function fixedClock(start: Date | string | number): Clock & { advance(milliseconds: number): void; set(time: Date | string | number): void } {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(milliseconds: number) {
      current += milliseconds;
    },
    set(time) {
      current = new Date(time).getTime();
    },
  };
}
