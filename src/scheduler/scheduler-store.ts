/**
 * Persistence the scheduler needs (implemented by store/SchedulerRepository; only app/ wires it).
 * Every state change that races between processes is one compare-and-set statement.
 */
export interface ScheduledJobRecord {
  id: string;
  name: string;
  kind: string;
  schedule: string;
  /** JSON object. */
  params: string;
  notify: string | null;
  enabled: boolean;
  createdAt: string;
  createdBy: string;
  lastSlot: string | null;
}

export interface JobRunRecord {
  jobId: string;
  slot: string;
  owner: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  error: string | null;
  /** JSON. */
  output: string | null;
}

export interface SlotClaim {
  jobId: string;
  slot: string;
  owner: string;
  /** ISO: now. */
  startedAt: string;
  /** Only while the job is enabled (scheduled runs); a manual run ignores it. */
  requireEnabled: boolean;
  /** Move the job's last_slot forward to this slot (scheduled runs). */
  advanceLastSlot: boolean;
  /**
   * A run still `running` that started before this (ISO) has outlived its lease: it is marked
   * failed (abandoned) and no longer keeps the job busy.
   */
  leaseCutoff: string;
}

/**
 * - `claimed`: this process owns the slot;
 * - `taken`: another process (or an earlier tick) already claimed this slot;
 * - `busy`: a run of the job is still running (fresh lease), the slot stays due;
 * - `gone`: the job was removed or disabled meanwhile.
 */
export type SlotClaimResult = 'claimed' | 'taken' | 'busy' | 'gone';

export interface SchedulerStore {
  /** False when the name is taken. */
  insertJob(record: ScheduledJobRecord): boolean;
  getJob(name: string): ScheduledJobRecord | undefined;
  listJobs(): ScheduledJobRecord[];
  /** Changes what a job does and when (not its state); false when there is no such job. */
  updateJobDefinition(name: string, fields: Pick<ScheduledJobRecord, 'schedule' | 'params' | 'notify'>): boolean;
  /**
   * Flips `enabled` (compare-and-set: false when unchanged or missing). Enabling with
   * `lastSlotAtLeast` moves last_slot forward to it (slots missed while disabled are skipped).
   */
  setEnabled(name: string, enabled: boolean, lastSlotAtLeast?: string): boolean;
  /** Deletes the job and its runs; false when there was none. */
  deleteJob(name: string): boolean;
  claimSlot(claim: SlotClaim): SlotClaimResult;
  /** Records the end of a run this owner claimed. */
  finishRun(jobId: string, slot: string, owner: string, fields: Pick<JobRunRecord, 'finishedAt' | 'status' | 'error' | 'output'>): boolean;
  /** Newest first. */
  listRuns(jobId: string, limit: number): JobRunRecord[];
  /** The newest run of every job that has one, by job id. */
  latestRuns(): Map<string, JobRunRecord>;
}
