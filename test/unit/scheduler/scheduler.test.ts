import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/audit/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { InputError } from '../../../src/core/errors/index.js';
import {
  JobAlreadyRunningError,
  JobNotifier,
  NoJobHandlerError,
  ScheduledJobNotFoundError,
  Scheduler,
  type EmailMessage,
  type EmailSender,
  type JobHandler,
  type JobRunContext,
  type SchedulerTimer,
} from '../../../src/scheduler/index.js';
import { SchedulerRepository, openStore, type Store } from '../../../src/store/index.js';

const CREATED = '2026-01-10T07:00:00.000Z';
const hour = 3_600_000;

const at = (iso: string) => new Date(iso);

/** A handler that records each run and answers with a summary naming its slot. */
function recordingHandler(): JobHandler & { calls: JobRunContext[] } {
  const calls: JobRunContext[] = [];
  const handler = (async (context: JobRunContext) => {
    calls.push(context);
    return { summary: `ran ${context.job.name} for ${context.slot.toISOString()}`, output: { n: calls.length } };
  }) as JobHandler & { calls: JobRunContext[] };
  handler.calls = calls;
  return handler;
}

/** A handler whose runs wait until released; `started()` counts the runs that began. */
function gatedHandler(): JobHandler & { release(): void; started(): number } {
  let release: () => void = () => {};
  let gate = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const handler: JobHandler = async () => {
    started += 1;
    await gate;
    return { summary: 'done' };
  };
  return Object.assign(handler, {
    started: () => started,
    release() {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
  });
}

class FakeEmail implements EmailSender {
  sent: EmailMessage[] = [];
  configured = true;
  fail: string | undefined;
  problem() {
    return this.configured ? undefined : 'smtp.host is not configured';
  }
  async send(message: EmailMessage) {
    if (this.fail !== undefined) throw new Error(this.fail);
    this.sent.push(message);
  }
}

let store: Store;
let clock: ReturnType<typeof fixedClock>;
let email: FakeEmail;
let posted: Array<{ channel: string; text: string }>;

function scheduler(options: { handlers?: Record<string, JobHandler>; owner?: string; runLeaseMs?: number; timer?: SchedulerTimer; secrets?: string[] } = {}): Scheduler {
  return new Scheduler({
    store: new SchedulerRepository(store.db),
    clock,
    logger: pino({ level: 'silent' }),
    notifier: new JobNotifier({ email, slack: async (channel, text) => void posted.push({ channel, text }) }),
    handlers: options.handlers ?? {},
    redactor: createRedactor({ secretValues: () => options.secrets ?? [] }),
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    ...(options.runLeaseMs === undefined ? {} : { runLeaseMs: options.runLeaseMs }),
    ...(options.timer === undefined ? {} : { timer: options.timer }),
  });
}

function runRows(): Array<{ slot: string; status: string; owner: string; error: string | null; output: string | null }> {
  return store.sqlite.prepare('SELECT slot, status, owner, error, output FROM job_runs ORDER BY slot').all() as never;
}

beforeEach(() => {
  store = openStore({ file: ':memory:' });
  clock = fixedClock(CREATED);
  email = new FakeEmail();
  posted = [];
});
afterEach(() => store.close());

describe('Scheduler.add and validation', () => {
  it('persists a job and lists it with its next slot', () => {
    const jobs = scheduler();
    const job = jobs.add({ name: 'policy:endpoint-hardening', kind: 'policy', schedule: '@every 1d', params: { policy: 'endpoint-hardening' }, notify: '#soc-digest', createdBy: 'cli:test' });
    expect(job).toMatchObject({ name: 'policy:endpoint-hardening', kind: 'policy', schedule: '@every 1d', params: { policy: 'endpoint-hardening' }, notify: '#soc-digest', enabled: true, createdAt: CREATED, lastSlot: undefined });
    expect(jobs.list()).toMatchObject([{ name: 'policy:endpoint-hardening', nextSlot: '2026-01-11T00:00:00.000Z', due: false, lastRun: undefined }]);
  });

  it('refuses bad input with an InputError naming the field, and changes nothing', () => {
    const jobs = scheduler();
    const attempts: Array<[Parameters<Scheduler['add']>[0], string, RegExp]> = [
      [{ name: 'x', kind: 'policy', schedule: '0 25 * * *', createdBy: 't' }, 'schedule', /invalid cron expression/],
      [{ name: 'x', kind: 'policy', schedule: '@every 1h', notify: 'not a target', createdBy: 't' }, 'notify', /neither a Slack channel/],
      [{ name: 'bad name!', kind: 'policy', schedule: '@every 1h', createdBy: 't' }, 'name', /not a job name/],
      [{ name: 'x', kind: 'nope' as never, schedule: '@every 1h', createdBy: 't' }, 'kind', /unknown job kind/],
    ];
    for (const [input, path, message] of attempts) {
      const error = captured(() => jobs.add(input));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problems[0]?.path).toBe(path);
      expect((error as InputError).message).toMatch(message);
    }
    email.configured = false;
    expect(() => jobs.add({ name: 'mail', kind: 'policy', schedule: '@every 1h', notify: 'lead@corp.example.com', createdBy: 't' })).toThrow(/notify: cannot notify lead@corp.example.com: smtp.host is not configured/);
    expect(jobs.list()).toEqual([]);
  });

  it('refuses a taken name unless asked to replace, which keeps state', () => {
    const jobs = scheduler();
    jobs.add({ name: 'sweep', kind: 'inventory_sweep', schedule: '@every 6h', createdBy: 't' });
    expect(() => jobs.add({ name: 'sweep', kind: 'inventory_sweep', schedule: '@every 1h', createdBy: 't' })).toThrow(/already exists/);
    jobs.disable('sweep');
    expect(jobs.add({ name: 'sweep', kind: 'inventory_sweep', schedule: '@every 1h', createdBy: 't' }, { replace: true })).toMatchObject({ schedule: '@every 1h', enabled: false });
    expect(() => jobs.add({ name: 'sweep', kind: 'policy', schedule: '@every 1h', createdBy: 't' }, { replace: true })).toThrow(/is a inventory_sweep job/);
  });

  it('names the closest job when one is not found (exit 2)', () => {
    const jobs = scheduler();
    jobs.add({ name: 'inventory-sweep', kind: 'inventory_sweep', schedule: '@every 6h', createdBy: 't' });
    const error = captured(() => jobs.get('inventory-swep'));
    expect(error).toBeInstanceOf(ScheduledJobNotFoundError);
    expect((error as ScheduledJobNotFoundError).exitCode).toBe(2);
    expect((error as Error).message).toBe('no scheduled job named "inventory-swep" (did you mean "inventory-sweep"?)');
  });
});

describe('Scheduler.tick', () => {
  it('runs a due slot once, records it and moves last_slot', async () => {
    const policy = recordingHandler();
    const jobs = scheduler({ handlers: { policy } });
    jobs.add({ name: 'daily', kind: 'policy', schedule: '@every 1d', params: { policy: 'p' }, createdBy: 't' });

    expect(await jobs.tick(at('2026-01-10T23:59:59Z'))).toMatchObject({ runs: [], skipped: [] });
    const first = await jobs.tick(at('2026-01-11T00:00:30Z'));
    expect(first.runs).toEqual([{ job: 'daily', slot: '2026-01-11T00:00:00.000Z', status: 'succeeded', summary: 'ran daily for 2026-01-11T00:00:00.000Z' }]);
    expect(policy.calls).toHaveLength(1);
    expect(policy.calls[0]).toMatchObject({ requester: 'scheduler:daily', manual: false, job: { params: { policy: 'p' } } });
    // The same slot again, from this or a later tick before the next slot: nothing.
    expect((await jobs.tick(at('2026-01-11T00:00:30Z'))).runs).toEqual([]);
    expect((await jobs.tick(at('2026-01-11T18:00:00Z'))).runs).toEqual([]);
    expect(policy.calls).toHaveLength(1);
    expect(jobs.get('daily')).toMatchObject({ lastSlot: '2026-01-11T00:00:00.000Z', lastRun: { status: 'succeeded', output: { summary: 'ran daily for 2026-01-11T00:00:00.000Z', output: { n: 1 }, notified: null } } });
    expect(runRows()).toHaveLength(1);
  });

  it('after three days of downtime runs a daily job once, for the latest missed slot', async () => {
    const policy = recordingHandler();
    const jobs = scheduler({ handlers: { policy } });
    jobs.add({ name: 'daily', kind: 'policy', schedule: '@every 1d', createdBy: 't' });
    await jobs.tick(at('2026-01-11T00:01:00Z'));
    // Down from 2026-01-11 00:01 to 2026-01-14 09:00: the slots of the 12th, 13th and 14th were missed.
    const catchUp = await jobs.tick(at('2026-01-14T09:00:00Z'));
    expect(catchUp.runs.map((run) => run.slot)).toEqual(['2026-01-14T00:00:00.000Z']);
    expect((await jobs.tick(at('2026-01-14T09:00:30Z'))).runs).toEqual([]);
    expect(policy.calls.map((call) => call.slot.toISOString())).toEqual(['2026-01-11T00:00:00.000Z', '2026-01-14T00:00:00.000Z']);
    expect(runRows().map((row) => row.slot)).toEqual(['2026-01-11T00:00:00.000Z', '2026-01-14T00:00:00.000Z']);
  });

  it('leaves jobs of a kind this process cannot run due for one that can', async () => {
    const jobs = scheduler();
    jobs.add({ name: 'digest', kind: 'digest', schedule: '@every 1h', createdBy: 'config' });
    expect(await jobs.tick(at('2026-01-10T08:00:00Z'))).toMatchObject({ runs: [], skipped: [{ job: 'digest', slot: '2026-01-10T08:00:00.000Z', reason: 'no_handler' }] });
    expect(runRows()).toEqual([]);
    const bot = scheduler({ handlers: { digest: recordingHandler() } });
    expect((await bot.tick(at('2026-01-10T08:00:10Z'))).runs).toHaveLength(1);
  });

  it('does not start a job again while its run is in progress; the slot stays due', async () => {
    const slow = gatedHandler();
    const jobs = scheduler({ handlers: { inventory_sweep: slow } });
    const other = scheduler({ handlers: { inventory_sweep: slow }, owner: 'other-process' });
    jobs.add({ name: 'sweep', kind: 'inventory_sweep', schedule: '@every 1h', createdBy: 't' });
    const first = jobs.tick(at('2026-01-10T08:00:00Z'));
    await Promise.resolve();
    expect(slow.started()).toBe(1);
    // Next slot, while the first run goes on: busy in this process and in another one.
    expect(await jobs.tick(at('2026-01-10T09:00:00Z'))).toMatchObject({ runs: [], skipped: [{ reason: 'busy' }] });
    expect(await other.tick(at('2026-01-10T09:00:00Z'))).toMatchObject({ runs: [], skipped: [{ slot: '2026-01-10T09:00:00.000Z', reason: 'busy' }] });
    slow.release();
    expect((await first).runs).toMatchObject([{ slot: '2026-01-10T08:00:00.000Z', status: 'succeeded' }]);
    const next = other.tick(at('2026-01-10T09:00:30Z'));
    slow.release();
    expect((await next).runs).toMatchObject([{ slot: '2026-01-10T09:00:00.000Z', status: 'succeeded' }]);
    expect(runRows().map((row) => [row.slot, row.owner])).toEqual([
      ['2026-01-10T08:00:00.000Z', jobs.owner],
      ['2026-01-10T09:00:00.000Z', 'other-process'],
    ]);
  });

  it('treats a run past its lease as abandoned (its process died) and runs the job again', async () => {
    const jobs = scheduler({ handlers: { inventory_sweep: recordingHandler() }, runLeaseMs: hour });
    const job = jobs.add({ name: 'sweep', kind: 'inventory_sweep', schedule: '@every 1h', createdBy: 't' });
    // A process claimed 08:00 and died mid-run.
    store.sqlite.prepare("INSERT INTO job_runs (job_id, slot, owner, started_at, status) VALUES (?, '2026-01-10T08:00:00.000Z', 'dead:1:abc', '2026-01-10T08:00:00.000Z', 'running')").run(job.id);
    store.sqlite.prepare("UPDATE scheduled_jobs SET last_slot = '2026-01-10T08:00:00.000Z'").run();
    expect(await jobs.tick(at('2026-01-10T08:30:00Z'))).toMatchObject({ runs: [] });
    expect(await jobs.tick(at('2026-01-10T09:00:00Z'))).toMatchObject({ runs: [], skipped: [{ reason: 'busy' }] });
    expect((await jobs.tick(at('2026-01-10T09:00:01Z'))).runs).toMatchObject([{ slot: '2026-01-10T09:00:00.000Z', status: 'succeeded' }]);
    expect(runRows()).toMatchObject([
      { slot: '2026-01-10T08:00:00.000Z', status: 'failed', error: expect.stringMatching(/^abandoned/) },
      { slot: '2026-01-10T09:00:00.000Z', status: 'succeeded' },
    ]);
  });

  it('records a failing handler, tells notify, and keeps secrets out of both', async () => {
    const secret = 'hunter2-smtp-password';
    const jobs = scheduler({
      handlers: {
        policy: async () => {
          throw new Error(`connector refused credentials ${secret}`);
        },
      },
      secrets: [secret],
    });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', notify: 'lead@corp.example.com', createdBy: 't' });
    const { runs } = await jobs.tick(at('2026-01-10T08:00:00Z'));
    expect(runs).toEqual([{ job: 'p', slot: '2026-01-10T08:00:00.000Z', status: 'failed', error: 'connector refused credentials [REDACTED]', notified: 'lead@corp.example.com' }]);
    expect(email.sent).toHaveLength(1);
    expect(email.sent[0]).toMatchObject({ to: 'lead@corp.example.com', subject: 'DefenseClaw p: run failed' });
    expect(email.sent[0]!.text).toContain('connector refused credentials [REDACTED]');
    expect(JSON.stringify(runRows())).not.toContain(secret);
  });

  it('fails the run when its notification cannot be sent', async () => {
    const jobs = scheduler({ handlers: { policy: recordingHandler() } });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', notify: 'lead@corp.example.com', createdBy: 't' });
    email.fail = 'connect ECONNREFUSED 127.0.0.1:25';
    const { runs } = await jobs.tick(at('2026-01-10T08:00:00Z'));
    expect(runs[0]).toMatchObject({ status: 'failed', summary: 'ran p for 2026-01-10T08:00:00.000Z', error: 'notification to lead@corp.example.com failed: connect ECONNREFUSED 127.0.0.1:25' });
  });

  it('posts Slack notifications with product text escaped', async () => {
    const jobs = scheduler({ handlers: { policy: async () => ({ summary: '2 failing: <!channel> <https://evil.example|click>' }) } });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', notify: '#soc-digest', createdBy: 't' });
    await jobs.tick(at('2026-01-10T08:00:00Z'));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.channel).toBe('#soc-digest');
    expect(posted[0]!.text).toContain('2 failing: &lt;!channel&gt; &lt;https://evil.example|click&gt;');
    expect(posted[0]!.text).not.toContain('<!channel>');
  });
});

describe('enable, disable, remove and run now', () => {
  it('skips a disabled job, and on enable skips what was missed while disabled', async () => {
    const policy = recordingHandler();
    const jobs = scheduler({ handlers: { policy } });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', createdBy: 't' });
    expect(jobs.disable('p')).toBe(true);
    expect(jobs.disable('p')).toBe(false);
    expect((await jobs.tick(at('2026-01-10T10:30:00Z'))).runs).toEqual([]);
    clock.set('2026-01-10T10:30:00Z');
    expect(jobs.enable('p')).toBe(true);
    expect(jobs.enable('p')).toBe(false);
    expect((await jobs.tick(at('2026-01-10T10:45:00Z'))).runs).toEqual([]);
    expect((await jobs.tick(at('2026-01-10T11:00:00Z'))).runs.map((run) => run.slot)).toEqual(['2026-01-10T11:00:00.000Z']);
  });

  it('runs a job by hand without touching its slots', async () => {
    const policy = recordingHandler();
    const jobs = scheduler({ handlers: { policy } });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1d', createdBy: 't', enabled: false });
    clock.set('2026-01-10T12:00:00Z');
    expect(await jobs.runNow('p')).toMatchObject({ slot: 'manual:2026-01-10T12:00:00.000Z', status: 'succeeded' });
    expect(policy.calls[0]).toMatchObject({ manual: true });
    expect(jobs.get('p').lastSlot).toBeUndefined();
    jobs.add({ name: 'd', kind: 'digest', schedule: '@every 1d', createdBy: 't' });
    await expect(jobs.runNow('d')).rejects.toBeInstanceOf(NoJobHandlerError);
    await expect(jobs.runNow('nope')).rejects.toBeInstanceOf(ScheduledJobNotFoundError);
  });

  it('refuses to run by hand while a run is in progress', async () => {
    const slow = gatedHandler();
    const jobs = scheduler({ handlers: { policy: slow } });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', createdBy: 't' });
    const running = jobs.tick(at('2026-01-10T08:00:00Z'));
    await expect(jobs.runNow('p')).rejects.toBeInstanceOf(JobAlreadyRunningError);
    await expect(scheduler({ handlers: { policy: slow }, owner: 'other' }).runNow('p')).rejects.toBeInstanceOf(JobAlreadyRunningError);
    slow.release();
    await running;
  });

  it('removes a job with its runs', async () => {
    const jobs = scheduler({ handlers: { policy: recordingHandler() } });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', createdBy: 't' });
    await jobs.tick(at('2026-01-10T08:00:00Z'));
    jobs.remove('p');
    expect(jobs.list()).toEqual([]);
    expect(runRows()).toEqual([]);
    expect(() => jobs.remove('p')).toThrow(ScheduledJobNotFoundError);
  });
});

describe('the loop', () => {
  it('ticks at once and then on its interval with the injected timer, and stop lets the running job finish', async () => {
    const pending: Array<{ callback: () => void; delayMs: number; cleared: boolean }> = [];
    const timer: SchedulerTimer = {
      setTimeout(callback, delayMs) {
        const entry = { callback, delayMs, cleared: false };
        pending.push(entry);
        return entry;
      },
      clearTimeout(handle) {
        (handle as { cleared: boolean }).cleared = true;
      },
    };
    const slow = gatedHandler();
    const jobs = scheduler({ handlers: { policy: slow }, timer });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', createdBy: 't' });
    clock.set('2026-01-10T08:00:05Z');
    jobs.start({ intervalMs: 30_000 });
    expect(pending.map((entry) => entry.delayMs)).toEqual([0]);
    pending.shift()!.callback();
    expect(slow.started()).toBe(1);
    expect(pending.map((entry) => entry.delayMs)).toEqual([30_000]);

    let stopped = false;
    const stopping = jobs.stop().then((result) => {
      stopped = true;
      return result;
    });
    expect(pending[0]!.cleared).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    slow.release();
    expect(await stopping).toEqual({ finishedInTime: true });
    expect(runRows()).toMatchObject([{ slot: '2026-01-10T08:00:00.000Z', status: 'succeeded' }]);
    // Stopped: no new slots.
    expect((await jobs.tick(at('2026-01-10T09:00:00Z'))).runs).toEqual([]);
  });

  it('stop with a drain time says when a run outlasted it', async () => {
    const slow = gatedHandler();
    const jobs = scheduler({ handlers: { policy: slow } });
    jobs.add({ name: 'p', kind: 'policy', schedule: '@every 1h', createdBy: 't' });
    const running = jobs.tick(at('2026-01-10T08:00:00Z'));
    expect(await jobs.stop({ drainMs: 10 })).toEqual({ finishedInTime: false });
    slow.release();
    await running;
  });
});

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}


