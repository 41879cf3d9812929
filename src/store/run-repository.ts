import { and, asc, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { StoreDatabase } from './open.js';
import { agentRunEvents, agentRuns, agentStepResults, workflowFired, workflows, type AgentRunEventRow, type AgentRunRow, type AgentStepResultRow, type WorkflowRow } from './schema/index.js';

/** Runs, their step results and events, registered workflows and fired triggers. */
export class RunRepository {
  constructor(private readonly db: StoreDatabase) {}

  createRun(row: AgentRunRow): void {
    this.db.insert(agentRuns).values(row).run();
  }

  getRun(id: string): AgentRunRow | undefined {
    return this.db.select().from(agentRuns).where(eq(agentRuns.id, id)).get();
  }

  listRuns(filter: { status?: string; limit?: number } = {}): AgentRunRow[] {
    const query = this.db.select().from(agentRuns);
    const filtered = filter.status === undefined ? query : query.where(eq(agentRuns.status, filter.status));
    return filtered.orderBy(desc(agentRuns.createdAt)).limit(filter.limit ?? 100).all();
  }

  /** Sets fields of a run only while it is still leased by `owner` (compare-and-set). */
  updateRun(id: string, owner: string, fields: Partial<Pick<AgentRunRow, 'status' | 'nextStep' | 'updatedAt' | 'finishedAt' | 'error' | 'leaseUntil'>>): boolean {
    return this.db.update(agentRuns).set(fields).where(and(eq(agentRuns.id, id), eq(agentRuns.leaseOwner, owner))).run().changes === 1;
  }

  /**
   * Takes (or renews) the lease of a run: succeeds when nobody holds it, the holder's lease has
   * run out, or `owner` already holds it. One process runs a run at a time.
   */
  claimLease(id: string, owner: string, now: string, until: string): boolean {
    return (
      this.db
        .update(agentRuns)
        .set({ leaseOwner: owner, leaseUntil: until })
        .where(and(eq(agentRuns.id, id), or(isNull(agentRuns.leaseOwner), lt(agentRuns.leaseUntil, now), eq(agentRuns.leaseOwner, owner))))
        .run().changes === 1
    );
  }

  releaseLease(id: string, owner: string): void {
    this.db.update(agentRuns).set({ leaseOwner: null, leaseUntil: null }).where(and(eq(agentRuns.id, id), eq(agentRuns.leaseOwner, owner))).run();
  }

  saveStepResult(row: AgentStepResultRow): void {
    this.db
      .insert(agentStepResults)
      .values(row)
      .onConflictDoUpdate({
        target: [agentStepResults.runId, agentStepResults.stepIndex],
        set: { status: row.status, output: row.output, approvalId: row.approvalId, auditSeq: row.auditSeq, finishedAt: row.finishedAt },
      })
      .run();
  }

  stepResults(runId: string): AgentStepResultRow[] {
    return this.db.select().from(agentStepResults).where(eq(agentStepResults.runId, runId)).orderBy(asc(agentStepResults.stepIndex)).all();
  }

  appendEvent(event: Omit<AgentRunEventRow, 'id'>): number {
    return Number(this.db.insert(agentRunEvents).values(event).run().lastInsertRowid);
  }

  events(runId: string, afterId = 0): AgentRunEventRow[] {
    return this.db.select().from(agentRunEvents).where(and(eq(agentRunEvents.runId, runId), gt(agentRunEvents.id, afterId))).orderBy(asc(agentRunEvents.id)).all();
  }

  /** Runs waiting for this approval. */
  runsWaitingOn(approvalId: string): AgentRunRow[] {
    return this.db
      .select({ run: agentRuns })
      .from(agentRuns)
      .innerJoin(agentStepResults, and(eq(agentStepResults.runId, agentRuns.id), eq(agentStepResults.stepIndex, agentRuns.nextStep)))
      .where(and(eq(agentRuns.status, 'waiting_approval'), eq(agentStepResults.approvalId, approvalId)))
      .all()
      .map((row) => row.run);
  }

  upsertWorkflow(row: WorkflowRow): void {
    this.db
      .insert(workflows)
      .values(row)
      .onConflictDoUpdate({ target: workflows.name, set: { version: row.version, definition: row.definition, sourceFile: row.sourceFile, updatedAt: row.updatedAt } })
      .run();
  }

  getWorkflow(name: string): WorkflowRow | undefined {
    return this.db.select().from(workflows).where(eq(workflows.name, name)).get();
  }

  listWorkflows(): WorkflowRow[] {
    return this.db.select().from(workflows).orderBy(asc(workflows.name)).all();
  }

  setWorkflowActive(name: string, active: boolean, now: string): boolean {
    return this.db.update(workflows).set({ active, updatedAt: now }).where(eq(workflows.name, name)).run().changes === 1;
  }

  /** Records that a trigger fired on `key`; false when it already had (each match runs once). */
  markFired(workflow: string, key: string, now: string): boolean {
    return this.db.insert(workflowFired).values({ workflow, key, firedAt: now }).onConflictDoNothing().run().changes === 1;
  }

  setFiredRun(workflow: string, key: string, runId: string): void {
    this.db.update(workflowFired).set({ runId }).where(and(eq(workflowFired.workflow, workflow), eq(workflowFired.key, key))).run();
  }

  countRunning(): number {
    return this.db.select({ count: sql<number>`count(*)` }).from(agentRuns).where(eq(agentRuns.status, 'running')).get()?.count ?? 0;
  }
}
