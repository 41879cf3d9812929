import { and, asc, desc, eq, inArray, lte, ne, or, sql } from 'drizzle-orm';
import type { StoreDatabase } from './open.js';
import { policyResults, policyRuns, type PolicyResultRow, type PolicyRunRow } from './schema/index.js';

/** Rows per INSERT: 8 columns each stays far below SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

/** Policy check and enforcement runs and their per-check, per-asset results. */
export class PolicyRepository {
  constructor(private readonly db: StoreDatabase) {}

  createRun(row: Pick<PolicyRunRow, 'id' | 'policy' | 'mode' | 'dryRun' | 'requester' | 'startedAt'> & Partial<Pick<PolicyRunRow, 'summary'>>): void {
    this.db.insert(policyRuns).values({ ...row, status: 'running' }).run();
  }

  /** Stores a run's results and marks it finished, in one transaction: a run is never half-written. */
  finishRun(id: string, fields: Pick<PolicyRunRow, 'finishedAt' | 'status' | 'summary'>, results: readonly PolicyResultRow[]): void {
    this.db.transaction((tx) => {
      for (let start = 0; start < results.length; start += INSERT_CHUNK) tx.insert(policyResults).values(results.slice(start, start + INSERT_CHUNK)).run();
      tx.update(policyRuns).set(fields).where(eq(policyRuns.id, id)).run();
    });
  }

  /** Marks a run that could not finish (the results it had are not stored). */
  failRun(id: string, fields: Pick<PolicyRunRow, 'finishedAt' | 'summary'>): void {
    this.db.update(policyRuns).set({ ...fields, status: 'failed' }).where(eq(policyRuns.id, id)).run();
  }

  getRun(id: string): PolicyRunRow | undefined {
    return this.db.select().from(policyRuns).where(eq(policyRuns.id, id)).get();
  }

  /** Newest first. */
  listRuns(filter: { policy?: string; limit?: number } = {}): PolicyRunRow[] {
    const query = this.db.select().from(policyRuns);
    const filtered = filter.policy === undefined ? query : query.where(eq(policyRuns.policy, filter.policy));
    return filtered.orderBy(desc(policyRuns.startedAt), sql`${policyRuns}.rowid desc`).limit(filter.limit ?? 50).all();
  }

  results(runId: string, filter: { policy?: string } = {}): PolicyResultRow[] {
    const where = filter.policy === undefined ? eq(policyResults.runId, runId) : and(eq(policyResults.runId, runId), eq(policyResults.policy, filter.policy));
    return this.db.select().from(policyResults).where(where).orderBy(asc(policyResults.policy), asc(policyResults.checkId), asc(policyResults.assetKey)).all();
  }

  /**
   * The newest finished run started at or before `before` (ISO), other than `excludeId`, that
   * evaluated `policy` (alone or as part of `all`) over the whole inventory, i.e. not limited to
   * one resource. Undefined when none.
   */
  previousRun(policy: string, before: string, excludeId: string): PolicyRunRow | undefined {
    return this.db
      .select()
      .from(policyRuns)
      .where(
        and(
          or(eq(policyRuns.policy, policy), eq(policyRuns.policy, 'all')),
          inArray(policyRuns.status, ['complete', 'partial']),
          lte(policyRuns.startedAt, before),
          ne(policyRuns.id, excludeId),
          sql`json_extract(${policyRuns.summary}, '$.resource') is null`,
        ),
      )
      // rowid breaks ties between runs started in the same millisecond: the later insert is newer.
      .orderBy(desc(policyRuns.startedAt), sql`${policyRuns}.rowid desc`)
      .limit(1)
      .get();
  }
}
