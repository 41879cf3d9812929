import type { ScheduledJob } from './job.js';

/** What a handler is told about the run it performs. */
export interface JobRunContext {
  job: ScheduledJob;
  /** The scheduled time this run is for (the start time of a manual run). */
  slot: Date;
  /** Started by hand (`schedule run`), not by the clock. */
  manual: boolean;
  /** Who the run acts for in approvals and audit records: `scheduler:<job name>`. */
  requester: string;
}

/** What a run produced. */
export interface JobOutcome {
  /** Plain text for people: the notification body and `schedule show`. Product text is allowed (it is escaped where shown). */
  summary: string;
  /** Machine-readable result kept with the run (JSON-serialisable). */
  output?: unknown;
}

/** Performs one run of a job kind; throwing marks the run failed (and is told to `notify`). */
export type JobHandler = (context: JobRunContext) => Promise<JobOutcome>;
