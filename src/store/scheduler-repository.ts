import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { StoreDatabase } from './open.js';
import { jobRuns, scheduledJobs, type JobRunRow, type ScheduledJobRow } from './schema/index.js';

/** What claimSlot is told (mirrors scheduler/SlotClaim). */
export interface SlotClaimInput {
  jobId: string;
  slot: string;
  owner: string;
  startedAt: string;
  requireEnabled: boolean;
  advanceLastSlot: boolean;
  leaseCutoff: string;
}

/**
 * Scheduled jobs and their slot runs. Claims are single statements inside IMMEDIATE transactions:
 * the (job_id, slot) primary key decides which process runs a slot.
 */
export class SchedulerRepository {
  constructor(private readonly db: StoreDatabase) {}

  insertJob(row: ScheduledJobRow): boolean {
    return this.db.insert(scheduledJobs).values(row).onConflictDoNothing({ target: scheduledJobs.name }).run().changes === 1;
  }

  getJob(name: string): ScheduledJobRow | undefined {
    return this.db.select().from(scheduledJobs).where(eq(scheduledJobs.name, name)).get();
  }

  listJobs(): ScheduledJobRow[] {
    return this.db.select().from(scheduledJobs).orderBy(scheduledJobs.name).all();
  }

  updateJobDefinition(name: string, fields: Pick<ScheduledJobRow, 'schedule' | 'params' | 'notify'>): boolean {
    return this.db.update(scheduledJobs).set(fields).where(eq(scheduledJobs.name, name)).run().changes === 1;
  }

  /**
   * Flips `enabled` (compare-and-set: false when it already had that value or there is no such
   * job). Enabling with `lastSlotAtLeast` moves last_slot forward to it, so slots missed while
   * disabled are not caught up.
   */
  setEnabled(name: string, enabled: boolean, lastSlotAtLeast?: string): boolean {
    const lastSlot =
      lastSlotAtLeast === undefined
        ? scheduledJobs.lastSlot
        : sql`CASE WHEN ${scheduledJobs.lastSlot} IS NULL OR ${scheduledJobs.lastSlot} < ${lastSlotAtLeast} THEN ${lastSlotAtLeast} ELSE ${scheduledJobs.lastSlot} END`;
    return (
      this.db
        .update(scheduledJobs)
        .set({ enabled, lastSlot })
        .where(and(eq(scheduledJobs.name, name), eq(scheduledJobs.enabled, !enabled)))
        .run().changes === 1
    );
  }

  deleteJob(name: string): boolean {
    return this.db.transaction(
      (transaction) => {
        const job = transaction.select({ id: scheduledJobs.id }).from(scheduledJobs).where(eq(scheduledJobs.name, name)).get();
        if (job === undefined) return false;
        transaction.delete(jobRuns).where(eq(jobRuns.jobId, job.id)).run();
        return transaction.delete(scheduledJobs).where(eq(scheduledJobs.id, job.id)).run().changes === 1;
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Claims a slot: marks runs of the job past their lease abandoned, then inserts the run row
   * only if the job exists (and is enabled, when asked) and no run of it is in progress; a
   * primary-key conflict means the slot is already claimed. On success last_slot moves forward
   * (never back).
   */
  claimSlot(claim: SlotClaimInput): 'claimed' | 'taken' | 'busy' | 'gone' {
    return this.db.transaction(
      (transaction) => {
        transaction
          .update(jobRuns)
          .set({ status: 'failed', finishedAt: claim.startedAt, error: 'abandoned: no result within the run lease (the process that claimed it stopped or hung)' })
          .where(and(eq(jobRuns.jobId, claim.jobId), eq(jobRuns.status, 'running'), lt(jobRuns.startedAt, claim.leaseCutoff)))
          .run();
        const enabled = claim.requireEnabled ? sql`AND ${scheduledJobs.enabled} = 1` : sql``;
        const inserted = transaction.run(sql`
          INSERT INTO job_runs (job_id, slot, owner, started_at, status)
          SELECT ${claim.jobId}, ${claim.slot}, ${claim.owner}, ${claim.startedAt}, 'running'
          WHERE EXISTS (SELECT 1 FROM scheduled_jobs WHERE id = ${claim.jobId} ${enabled})
            AND NOT EXISTS (SELECT 1 FROM job_runs WHERE job_id = ${claim.jobId} AND status = 'running')
          ON CONFLICT (job_id, slot) DO NOTHING`);
        if (inserted.changes === 1) {
          if (claim.advanceLastSlot) {
            transaction
              .update(scheduledJobs)
              .set({ lastSlot: claim.slot })
              .where(and(eq(scheduledJobs.id, claim.jobId), or(isNull(scheduledJobs.lastSlot), lt(scheduledJobs.lastSlot, claim.slot))))
              .run();
          }
          return 'claimed';
        }
        const job = transaction.select({ enabled: scheduledJobs.enabled }).from(scheduledJobs).where(eq(scheduledJobs.id, claim.jobId)).get();
        if (job === undefined || (claim.requireEnabled && !job.enabled)) return 'gone';
        const existing = transaction.select({ slot: jobRuns.slot }).from(jobRuns).where(and(eq(jobRuns.jobId, claim.jobId), eq(jobRuns.slot, claim.slot))).get();
        return existing === undefined ? 'busy' : 'taken';
      },
      { behavior: 'immediate' },
    );
  }

  /** Records the end of a run; only its owner's claim is updated. */
  finishRun(jobId: string, slot: string, owner: string, fields: Pick<JobRunRow, 'finishedAt' | 'status' | 'error' | 'output'>): boolean {
    return this.db.update(jobRuns).set(fields).where(and(eq(jobRuns.jobId, jobId), eq(jobRuns.slot, slot), eq(jobRuns.owner, owner))).run().changes === 1;
  }

  listRuns(jobId: string, limit: number): JobRunRow[] {
    return this.db.select().from(jobRuns).where(eq(jobRuns.jobId, jobId)).orderBy(desc(jobRuns.startedAt), desc(jobRuns.slot)).limit(limit).all();
  }

  latestRuns(): Map<string, JobRunRow> {
    const rows = this.db
      .select()
      .from(jobRuns)
      .where(sql`${jobRuns.startedAt} = (SELECT MAX(latest.started_at) FROM job_runs AS latest WHERE latest.job_id = ${jobRuns.jobId})`)
      .all();
    const latest = new Map<string, JobRunRow>();
    for (const row of rows) {
      const current = latest.get(row.jobId);
      if (current === undefined || row.slot > current.slot) latest.set(row.jobId, row);
    }
    return latest;
  }
}
