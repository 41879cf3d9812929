/** What a scheduled job does; each kind has a handler registered by the runtime or the bot. */
export const JOB_KINDS = ['inventory_sweep', 'digest', 'policy', 'workflow'] as const;

export type JobKind = (typeof JOB_KINDS)[number];

export function isJobKind(value: string): value is JobKind {
  return (JOB_KINDS as readonly string[]).includes(value);
}

/** A persisted job, as the scheduler hands it out. */
export interface ScheduledJob {
  id: string;
  /** Unique, e.g. `policy:endpoint-hardening`, `inventory-sweep`, `digest`. */
  name: string;
  kind: JobKind;
  /** Five-field cron (local time zone), a croner nickname (`@daily`), or `@every <duration>`. */
  schedule: string;
  params: Record<string, unknown>;
  /** Slack channel (`#name` or id) or e-mail address told after each run; undefined: nobody. */
  notify: string | undefined;
  enabled: boolean;
  /** ISO time. Slots at or before it never run. */
  createdAt: string;
  createdBy: string;
  /** The last slot (scheduled time, ISO) claimed by any process; undefined before the first. */
  lastSlot: string | undefined;
}

export type JobRunStatus = 'running' | 'succeeded' | 'failed';

/** One claimed slot of a job and what its run did. */
export interface JobRun {
  jobId: string;
  /** The scheduled time (ISO), or `manual:<ISO>` for `schedule run`. */
  slot: string;
  /** The process that claimed the slot (`<host>:<pid>:<random>`). */
  owner: string;
  startedAt: string;
  finishedAt: string | undefined;
  status: JobRunStatus;
  error: string | undefined;
  /** What the run produced: `{ summary, output, notified }` (JSON). */
  output: unknown;
}

/** What `Scheduler.add` takes. */
export interface NewScheduledJob {
  name: string;
  kind: JobKind;
  schedule: string;
  params?: Record<string, unknown>;
  notify?: string | undefined;
  /** Who asked (`cli:<user>`, `slack:<user>`, `config`). */
  createdBy: string;
  /** Default true. */
  enabled?: boolean;
}

/** Prefix of the slot of a run started by hand (`schedule run`), which is not a scheduled time. */
export const MANUAL_SLOT_PREFIX = 'manual:';
