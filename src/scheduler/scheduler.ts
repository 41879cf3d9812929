import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/errors/index.js';
import type { Logger } from '../core/logger.js';
import { JobAlreadyRunningError, NoJobHandlerError, ScheduledJobNotFoundError } from './errors/index.js';
import type { JobHandler } from './job-handler.js';
import { MANUAL_SLOT_PREFIX, isJobKind, type JobKind, type JobRun, type JobRunStatus, type NewScheduledJob, type ScheduledJob } from './job.js';
import { jobNotification } from './notify/job-notification.js';
import type { JobNotifier } from './notify/job-notifier.js';
import { parseNotifyTarget } from './notify-target.js';
import { parseSchedule, type Schedule } from './schedule.js';
import type { JobRunRecord, ScheduledJobRecord, SchedulerStore } from './scheduler-store.js';

/** Timers of the loop, injected so tests drive it without waiting. */
export interface SchedulerTimer {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Removes secrets from text about to be stored or sent (the runtime's redactor). */
export interface TextRedactor {
  redactText(text: string): string;
}

export interface SchedulerOptions {
  store: SchedulerStore;
  clock: Clock;
  logger: Logger;
  notifier: JobNotifier;
  /** Handlers by job kind; a kind without one is left for a process that has it. */
  handlers?: Partial<Record<JobKind, JobHandler>>;
  redactor?: TextRedactor;
  /** Who claims slots (default `<host>:<pid>:<random>`). */
  owner?: string;
  /**
   * How long a claimed run may stay `running` before it counts as abandoned (its process died):
   * then it is marked failed and the job may run again. Default 1 h.
   */
  runLeaseMs?: number;
  /** Default: Node's timers, unref'd (the loop alone does not keep a process alive). */
  timer?: SchedulerTimer;
}

/** What one run did. */
export interface RunReport {
  job: string;
  slot: string;
  status: Exclude<JobRunStatus, 'running'>;
  summary?: string;
  error?: string;
  /** The notify target that was told. */
  notified?: string;
}

/** A due slot this process did not run, and why. */
export interface SkippedSlot {
  job: string;
  slot: string;
  /**
   * `taken`: another process (or tick) claimed it; `busy`: a run of the job is still in progress
   * (the slot stays due); `gone`: removed or disabled meanwhile; `no_handler`: this process cannot
   * run the kind (e.g. the digest outside the bot), it stays due for one that can.
   */
  reason: 'taken' | 'busy' | 'gone' | 'no_handler';
}

export interface TickResult {
  /** ISO time the tick looked at. */
  now: string;
  runs: RunReport[];
  skipped: SkippedSlot[];
}

/** A job as listed: with its next slot and its newest run. */
export interface ScheduledJobView extends ScheduledJob {
  /** ISO time of the next slot (undefined: never). */
  nextSlot: string | undefined;
  /** A slot is due now (the next tick runs it). */
  due: boolean;
  lastRun: JobRun | undefined;
}

export interface ScheduledJobDetails extends ScheduledJobView {
  /** Newest first. */
  runs: JobRun[];
}

const DEFAULT_RUN_LEASE_MS = 60 * 60_000;
const DEFAULT_INTERVAL_MS = 30_000;
/** Job names: what `schedule show <name>` takes; `policy:endpoint-hardening`, `inventory-sweep`. */
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9:._@/-]{0,127}$/;
/** A summary longer than this is cut before it is stored. */
const MAX_STORED_SUMMARY = 20_000;
/** An output whose JSON is longer than this is not stored (the summary is). */
const MAX_STORED_OUTPUT = 256 * 1024;

const nodeTimer: SchedulerTimer = {
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * Persisted jobs run on their schedules, at most once per slot across every process that shares
 * the database.
 *
 * A slot is a scheduled time. On each tick a job's due slot is the latest slot after its last
 * claimed slot (or its creation) and at or before now: after downtime the missed slots collapse
 * into that one run. A process claims the slot by inserting the (job, slot) row of job_runs in
 * one statement (primary-key conflict: another process has it; a run of the job still within its
 * lease: busy, the slot stays due), moves last_slot forward with a compare-and-set, runs the
 * handler, records the outcome and tells `notify`.
 */
export class Scheduler {
  /** Where run results go (the bot swaps in its Slack client). */
  readonly notifier: JobNotifier;
  readonly owner: string;
  readonly #store: SchedulerStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #handlers = new Map<JobKind, JobHandler>();
  readonly #redactor: TextRedactor | undefined;
  readonly #runLeaseMs: number;
  readonly #timer: SchedulerTimer;
  /** Runs in progress in this process, by job id. */
  readonly #running = new Map<string, Promise<RunReport>>();
  #loop: { intervalMs: number; handle: unknown } | undefined;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.notifier = options.notifier;
    this.#redactor = options.redactor;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#runLeaseMs = options.runLeaseMs ?? DEFAULT_RUN_LEASE_MS;
    this.#timer = options.timer ?? nodeTimer;
    for (const [kind, handler] of Object.entries(options.handlers ?? {})) if (handler !== undefined) this.#handlers.set(kind as JobKind, handler);
  }

  /** Registers (or with undefined, removes) the handler of a job kind in this process. */
  setHandler(kind: JobKind, handler: JobHandler | undefined): void {
    if (handler === undefined) this.#handlers.delete(kind);
    else this.#handlers.set(kind, handler);
  }

  hasHandler(kind: JobKind): boolean {
    return this.#handlers.has(kind);
  }

  /**
   * Persists a new job. Bad input (name, schedule, notify target, or e-mail without smtp.host)
   * is an InputError naming the field; a taken name too, unless `replace` is set.
   */
  add(input: NewScheduledJob, options: { replace?: boolean } = {}): ScheduledJob {
    const record = this.#newRecord(input);
    if (this.#store.insertJob(record)) {
      this.#logger.info({ job: record.name, kind: record.kind, schedule: record.schedule, notify: record.notify, by: record.createdBy }, 'scheduled job added');
      return toJob(record);
    }
    if (options.replace !== true) {
      throw new InputError({ path: 'name', message: `a scheduled job named ${JSON.stringify(input.name)} already exists (defenseclaw schedule remove ${input.name}, or choose another name)` });
    }
    return this.#redefine(record);
  }

  /**
   * Makes sure a job from config exists with this definition (the bot's inventory sweep and
   * digest): added when missing, its schedule, params and notify updated when they changed; its
   * enabled flag and last slot are kept, so `schedule disable` survives a restart.
   */
  ensure(input: NewScheduledJob): ScheduledJob {
    const record = this.#newRecord(input);
    if (this.#store.insertJob(record)) {
      this.#logger.info({ job: record.name, kind: record.kind, schedule: record.schedule }, 'scheduled job added from config');
      return toJob(record);
    }
    return this.#redefine(record);
  }

  /** Deletes a job and its run history. */
  remove(name: string): void {
    if (!this.#store.deleteJob(name)) throw this.#notFound(name);
    this.#logger.info({ job: name }, 'scheduled job removed');
  }

  /**
   * Lets a disabled job run again from the next slot: slots missed while it was disabled are
   * skipped (not caught up). False when it was already enabled.
   */
  enable(name: string): boolean {
    const record = this.#record(name);
    const now = this.#clock.now();
    const job = toJob(record);
    const schedule = parseSchedule(job.schedule);
    const missed = schedule.latestSlot(new Date(job.lastSlot ?? job.createdAt), now);
    const changed = this.#store.setEnabled(name, true, missed?.toISOString());
    if (changed) this.#logger.info({ job: name }, 'scheduled job enabled');
    return changed;
  }

  /** Stops taking new slots of a job (a run in progress finishes). False when it was already disabled. */
  disable(name: string): boolean {
    this.#record(name);
    const changed = this.#store.setEnabled(name, false);
    if (changed) this.#logger.info({ job: name }, 'scheduled job disabled');
    return changed;
  }

  list(): ScheduledJobView[] {
    const now = this.#clock.now();
    const latest = this.#store.latestRuns();
    return this.#store.listJobs().map((record) => this.#view(record, now, latest.get(record.id)));
  }

  get(name: string, options: { runs?: number } = {}): ScheduledJobDetails {
    const record = this.#record(name);
    const runs = this.#store.listRuns(record.id, options.runs ?? 20).map(toRun);
    return { ...this.#view(record, this.#clock.now(), undefined), lastRun: runs[0], runs };
  }

  /**
   * Runs every due slot this process can run (see the class comment) and resolves when those
   * runs finished. Tests call it with a chosen `now`; the loop calls it on its interval.
   */
  async tick(now: Date = this.#clock.now()): Promise<TickResult> {
    const { started, skipped } = this.#claimDue(now);
    const runs = await Promise.all(started);
    return { now: now.toISOString(), runs, skipped };
  }

  /**
   * Runs a job now, out of schedule (`schedule run`), even when disabled: slot `manual:<now>`,
   * last_slot unchanged. A run of the job in progress anywhere → JobAlreadyRunningError.
   */
  async runNow(name: string): Promise<RunReport> {
    const job = toJob(this.#record(name));
    const handler = this.#handlers.get(job.kind);
    if (handler === undefined) throw new NoJobHandlerError(job.name, job.kind);
    if (this.#running.has(job.id)) throw new JobAlreadyRunningError(job.name);
    const now = this.#clock.now();
    const slot = `${MANUAL_SLOT_PREFIX}${now.toISOString()}`;
    const claim = this.#store.claimSlot({ jobId: job.id, slot, owner: this.owner, startedAt: now.toISOString(), requireEnabled: false, advanceLastSlot: false, leaseCutoff: this.#leaseCutoff(now) });
    if (claim === 'gone') throw this.#notFound(name);
    if (claim !== 'claimed') throw new JobAlreadyRunningError(job.name);
    return this.#track(job, slot, now, true, handler);
  }

  /**
   * Ticks every `intervalMs` (default 30 s), the first time at once (so a restart catches up
   * without waiting). Runs are not awaited by the loop: a long run does not delay other jobs.
   */
  start(options: { intervalMs?: number } = {}): void {
    if (this.#loop !== undefined) return;
    this.#stopped = false;
    const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    const loop = { intervalMs, handle: undefined as unknown };
    this.#loop = loop;
    const round = () => {
      if (this.#loop !== loop) return;
      try {
        const { started } = this.#claimDue(this.#clock.now());
        for (const run of started) run.catch((error: unknown) => this.#logger.error({ err: error }, 'scheduled run failed unexpectedly'));
      } catch (error) {
        this.#logger.error({ err: error }, 'scheduler tick failed');
      }
      if (this.#loop === loop) loop.handle = this.#timer.setTimeout(round, intervalMs);
    };
    loop.handle = this.#timer.setTimeout(round, 0);
    this.#logger.info({ interval_ms: intervalMs, owner: this.owner, kinds: [...this.#handlers.keys()] }, 'scheduler started');
  }

  /**
   * Stops taking slots, then waits for the runs in progress to finish (at most `drainMs`, default
   * no limit). A run still going when the wait ends keeps its claim; its lease lets another process
   * take the job again after it lapses.
   */
  async stop(options: { drainMs?: number } = {}): Promise<{ finishedInTime: boolean }> {
    this.#stopped = true;
    if (this.#loop !== undefined) {
      this.#timer.clearTimeout(this.#loop.handle);
      this.#loop = undefined;
      this.#logger.info({ running: this.#running.size }, 'scheduler stopping');
    }
    const running = Promise.allSettled([...this.#running.values()]).then(() => true);
    if (options.drainMs === undefined) return { finishedInTime: await running };
    let timeout: NodeJS.Timeout | undefined;
    const finishedInTime = await Promise.race([running, new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), options.drainMs)))]);
    clearTimeout(timeout);
    return { finishedInTime };
  }

  /** Claims the due slots synchronously (no await between claims) and starts their runs. */
  #claimDue(now: Date): { started: Array<Promise<RunReport>>; skipped: SkippedSlot[] } {
    const started: Array<Promise<RunReport>> = [];
    const skipped: SkippedSlot[] = [];
    if (this.#stopped) return { started, skipped };
    for (const record of this.#store.listJobs()) {
      if (!record.enabled) continue;
      let job: ScheduledJob;
      let schedule: Schedule;
      try {
        job = toJob(record);
        schedule = parseSchedule(job.schedule);
      } catch (error) {
        this.#logger.error({ job: record.name, err: error }, 'scheduled job is invalid; skipped');
        continue;
      }
      const due = schedule.latestSlot(new Date(job.lastSlot ?? job.createdAt), now);
      if (due === undefined) continue;
      const slot = due.toISOString();
      const handler = this.#handlers.get(job.kind);
      if (handler === undefined) {
        skipped.push({ job: job.name, slot, reason: 'no_handler' });
        continue;
      }
      if (this.#running.has(job.id)) {
        skipped.push({ job: job.name, slot, reason: 'busy' });
        continue;
      }
      const claim = this.#store.claimSlot({
        jobId: job.id,
        slot,
        owner: this.owner,
        startedAt: now.toISOString(),
        requireEnabled: true,
        advanceLastSlot: true,
        leaseCutoff: this.#leaseCutoff(now),
      });
      if (claim !== 'claimed') {
        this.#logger.debug({ job: job.name, slot, reason: claim }, 'slot not claimed');
        skipped.push({ job: job.name, slot, reason: claim });
        continue;
      }
      started.push(this.#track(job, slot, due, false, handler));
    }
    return { started, skipped };
  }

  #track(job: ScheduledJob, slot: string, slotTime: Date, manual: boolean, handler: JobHandler): Promise<RunReport> {
    const run = this.#execute(job, slot, slotTime, manual, handler).finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, run);
    return run;
  }

  /** Runs the handler, tells `notify`, records the outcome. Never rejects. */
  async #execute(job: ScheduledJob, slot: string, slotTime: Date, manual: boolean, handler: JobHandler): Promise<RunReport> {
    const logger = this.#logger.child({ job: job.name, kind: job.kind, slot });
    logger.info(manual ? 'scheduled job started by hand' : 'scheduled job started');
    let status: RunReport['status'];
    let summary: string | undefined;
    let error: string | undefined;
    let output: unknown;
    try {
      const outcome = await handler({ job, slot: slotTime, manual, requester: `scheduler:${job.name}` });
      status = 'succeeded';
      summary = this.#redact(outcome.summary);
      output = outcome.output;
    } catch (caught) {
      status = 'failed';
      error = this.#redact(messageOf(caught));
      logger.warn({ err: caught }, 'scheduled job failed');
    }
    let notified: string | undefined;
    if (job.notify !== undefined) {
      try {
        const notification = jobNotification({ job, slot, finishedAt: this.#clock.now().toISOString(), status, text: status === 'succeeded' ? (summary ?? '') : (error ?? '') });
        await this.notifier.send(parseNotifyTarget(job.notify), { subject: this.#redact(notification.subject), text: this.#redact(notification.text) });
        notified = job.notify;
      } catch (caught) {
        // The run's point is to tell someone: a notification that did not go out fails the run.
        status = 'failed';
        const message = `notification to ${job.notify} failed: ${this.#redact(messageOf(caught))}`;
        error = error === undefined ? message : `${error}; ${message}`;
        logger.warn({ err: caught }, 'scheduled job notification failed');
      }
    }
    const finishedAt = this.#clock.now().toISOString();
    this.#store.finishRun(job.id, slot, this.owner, { finishedAt, status, error: error ?? null, output: this.#redact(storedOutput(summary, output, notified)) });
    logger.info({ status, notified: notified ?? null }, 'scheduled job finished');
    return { job: job.name, slot, status, ...(summary === undefined ? {} : { summary }), ...(error === undefined ? {} : { error }), ...(notified === undefined ? {} : { notified }) };
  }

  #newRecord(input: NewScheduledJob): ScheduledJobRecord {
    if (!JOB_NAME.test(input.name)) {
      throw new InputError({ path: 'name', message: `${JSON.stringify(input.name)} is not a job name (letters, digits and : . _ @ / -, at most 128, starting with a letter or digit)` });
    }
    if (!isJobKind(input.kind)) throw new InputError({ path: 'kind', message: `unknown job kind ${JSON.stringify(input.kind)}` });
    const schedule = parseSchedule(input.schedule);
    let notify: string | null = null;
    if (input.notify !== undefined && input.notify !== null && input.notify.trim() !== '') {
      const target = parseNotifyTarget(input.notify);
      const problem = this.notifier.problem(target);
      if (problem !== undefined) throw new InputError({ path: 'notify', message: `cannot notify ${input.notify.trim()}: ${problem}` });
      notify = target.kind === 'email' ? target.address : target.channel;
    }
    return {
      id: randomUUID(),
      name: input.name,
      kind: input.kind,
      schedule: schedule.text,
      params: JSON.stringify(input.params ?? {}),
      notify,
      enabled: input.enabled ?? true,
      createdAt: this.#clock.now().toISOString(),
      createdBy: input.createdBy,
      lastSlot: null,
    };
  }

  /** Updates an existing job's schedule, params and notify to those of `record` (same kind only). */
  #redefine(record: ScheduledJobRecord): ScheduledJob {
    const existing = this.#record(record.name);
    if (existing.kind !== record.kind) {
      throw new InputError({ path: 'name', message: `the scheduled job ${JSON.stringify(record.name)} is a ${existing.kind} job, not ${record.kind}` });
    }
    if (existing.schedule !== record.schedule || existing.params !== record.params || existing.notify !== record.notify) {
      this.#store.updateJobDefinition(record.name, { schedule: record.schedule, params: record.params, notify: record.notify });
      this.#logger.info({ job: record.name, schedule: record.schedule, notify: record.notify }, 'scheduled job updated');
    }
    return toJob(this.#record(record.name));
  }

  #record(name: string): ScheduledJobRecord {
    const record = this.#store.getJob(name);
    if (record === undefined) throw this.#notFound(name);
    return record;
  }

  #notFound(name: string): ScheduledJobNotFoundError {
    return new ScheduledJobNotFoundError(
      name,
      this.#store.listJobs().map((job) => job.name),
    );
  }

  #view(record: ScheduledJobRecord, now: Date, lastRun: JobRunRecord | undefined): ScheduledJobView {
    const job = toJob(record);
    let nextSlot: string | undefined;
    let due = false;
    try {
      const schedule = parseSchedule(job.schedule);
      const baseline = new Date(job.lastSlot ?? job.createdAt);
      due = job.enabled && schedule.latestSlot(baseline, now) !== undefined;
      nextSlot = schedule.nextSlot(new Date(Math.max(now.getTime(), baseline.getTime())))?.toISOString();
    } catch {
      // An invalid schedule (edited by hand) has no next slot; the tick logs it.
    }
    return { ...job, nextSlot, due, lastRun: lastRun === undefined ? undefined : toRun(lastRun) };
  }

  #leaseCutoff(now: Date): string {
    return new Date(now.getTime() - this.#runLeaseMs).toISOString();
  }

  #redact(text: string): string {
    return this.#redactor === undefined ? text : this.#redactor.redactText(text);
  }
}

function toJob(record: ScheduledJobRecord): ScheduledJob {
  if (!isJobKind(record.kind)) throw new InputError({ path: `scheduled_jobs.${record.name}.kind`, message: `unknown job kind ${JSON.stringify(record.kind)}` });
  let params: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(record.params);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
  } catch {
    // Unreadable params behave as none; the handler reports what it misses.
  }
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    schedule: record.schedule,
    params,
    notify: record.notify ?? undefined,
    enabled: record.enabled,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    lastSlot: record.lastSlot ?? undefined,
  };
}

function toRun(record: JobRunRecord): JobRun {
  let output: unknown;
  try {
    output = record.output === null ? undefined : JSON.parse(record.output);
  } catch {
    output = record.output;
  }
  return {
    jobId: record.jobId,
    slot: record.slot,
    owner: record.owner,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt ?? undefined,
    status: record.status === 'succeeded' || record.status === 'failed' ? record.status : 'running',
    error: record.error ?? undefined,
    output,
  };
}

function storedOutput(summary: string | undefined, output: unknown, notified: string | undefined): string {
  const cut = summary !== undefined && summary.length > MAX_STORED_SUMMARY ? `${summary.slice(0, MAX_STORED_SUMMARY - 1)}…` : summary;
  const full = JSON.stringify({ summary: cut ?? null, output: output ?? null, notified: notified ?? null });
  if (full.length <= MAX_STORED_OUTPUT) return full;
  return JSON.stringify({ summary: cut ?? null, output: null, output_omitted: `${full.length} characters`, notified: notified ?? null });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
