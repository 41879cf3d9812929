import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors/index.js';
import { parseNotifyTarget, parseSchedule } from '../../../src/scheduler/index.js';

/** Local wall-clock time (cron schedules are in the process's time zone). */
const local = (year: number, month: number, day: number, hour = 0, minute = 0) => new Date(year, month - 1, day, hour, minute);

describe('parseSchedule', () => {
  it('finds the latest cron slot after the last one and at or before now', () => {
    const daily = parseSchedule('0 6 * * *');
    expect(daily.latestSlot(local(2026, 1, 10, 7), local(2026, 1, 10, 12))).toBeUndefined();
    expect(daily.latestSlot(local(2026, 1, 10, 5), local(2026, 1, 10, 12))).toEqual(local(2026, 1, 10, 6));
    // The slot itself is due at exactly its time, and not again once it is the last slot.
    expect(daily.latestSlot(local(2026, 1, 9, 6), local(2026, 1, 10, 6))).toEqual(local(2026, 1, 10, 6));
    expect(daily.latestSlot(local(2026, 1, 10, 6), local(2026, 1, 10, 6))).toBeUndefined();
    // Three days of downtime: only the latest missed slot.
    expect(daily.latestSlot(local(2026, 1, 10, 6), local(2026, 1, 13, 9))).toEqual(local(2026, 1, 13, 6));
    expect(daily.nextSlot(local(2026, 1, 10, 6))).toEqual(local(2026, 1, 11, 6));
  });

  it('finds a rare slot after a long gap without walking every minute', () => {
    const mondayMorning = parseSchedule('* 9 * * 1');
    const started = performance.now();
    // 2026-01-05 is a Monday; a year later the latest slot is Monday 2027-01-04 09:59.
    expect(mondayMorning.latestSlot(local(2026, 1, 5, 10), local(2027, 1, 6, 12))).toEqual(local(2027, 1, 4, 9, 59));
    expect(performance.now() - started).toBeLessThan(500);
    const yearly = parseSchedule('@yearly');
    expect(yearly.text).toBe('@yearly');
    expect(yearly.latestSlot(local(2020, 6, 1), local(2026, 3, 1))).toEqual(local(2026, 1, 1));
  });

  it('puts @every slots on whole multiples of the interval since the epoch', () => {
    const sixHours = parseSchedule('  @every   6h ');
    expect(sixHours.text).toBe('@every 6h');
    const after = new Date('2026-01-10T07:00:00Z');
    expect(sixHours.latestSlot(after, new Date('2026-01-10T11:59:59Z'))).toBeUndefined();
    expect(sixHours.latestSlot(after, new Date('2026-01-10T12:00:00Z'))).toEqual(new Date('2026-01-10T12:00:00Z'));
    expect(sixHours.latestSlot(after, new Date('2026-01-13T05:00:00Z'))).toEqual(new Date('2026-01-13T00:00:00Z'));
    expect(sixHours.nextSlot(new Date('2026-01-10T12:00:00Z'))).toEqual(new Date('2026-01-10T18:00:00Z'));
  });

  it('rejects a bad schedule with an InputError naming the option (exit 2)', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['* * * *', /five-field/],
      ['0 0 * * * *', /five-field/],
      ['61 * * * *', /invalid cron expression "61 \* \* \* \*"/],
      ['0 0 31 2 *', /never matches/],
      ['@every', /needs a duration/],
      ['@every 6 hours', /needs a duration/],
      ['@every 30s', /shortest interval is 1m/],
      ['@sometimes', /five-field/],
    ];
    for (const [text, message] of cases) {
      let caught: unknown;
      try {
        parseSchedule(text, '--cron');
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(InputError);
      const error = caught as InputError;
      expect(error.exitCode).toBe(2);
      expect(error.problems[0]?.path).toBe('--cron');
      expect(error.message, text).toMatch(message);
    }
  });
});

describe('parseNotifyTarget', () => {
  it('tells Slack channels from e-mail addresses', () => {
    expect(parseNotifyTarget('#soc-digest')).toEqual({ kind: 'slack', channel: '#soc-digest' });
    expect(parseNotifyTarget('#C0LABSOC01')).toEqual({ kind: 'slack', channel: 'C0LABSOC01' });
    expect(parseNotifyTarget('C0LABDIG01')).toEqual({ kind: 'slack', channel: 'C0LABDIG01' });
    expect(parseNotifyTarget(' lead@corp.example.com ')).toEqual({ kind: 'email', address: 'lead@corp.example.com' });
  });

  it('refuses anything that could add a header or a recipient', () => {
    for (const text of ['lead@corp.example.com\r\nBcc: x@evil.example', 'a@b.example, c@d.example', 'Lead <lead@corp.example.com>', 'soc-digest', '#Bad Channel', 'lead@', '@corp.example.com', 'lead@corp']) {
      expect(() => parseNotifyTarget(text, '--notify'), text).toThrow(InputError);
    }
    expect(() => parseNotifyTarget('nobody', '--notify')).toThrow(/--notify: "nobody" is neither a Slack channel/);
  });
});
