import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { StoreDatabase } from './open.js';
import { investigationSteps, investigations, type InvestigationRow, type InvestigationStepRow } from './schema/index.js';

/** Totals over investigations, for `status`. */
export interface InvestigationTotals {
  count: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
}

/** Investigations, their recorded steps (model turns, tool calls) and usage totals. */
export class InvestigationRepository {
  constructor(private readonly db: StoreDatabase) {}

  create(row: Pick<InvestigationRow, 'id' | 'alertId' | 'mode' | 'status' | 'requester' | 'startedAt'> & Partial<Pick<InvestigationRow, 'model'>>): void {
    this.db.insert(investigations).values(row).run();
  }

  finish(id: string, fields: Pick<InvestigationRow, 'status' | 'finishedAt' | 'result' | 'mode'> & Partial<Omit<InvestigationRow, 'id' | 'alertId' | 'requester' | 'startedAt'>>): void {
    this.db.update(investigations).set(fields).where(eq(investigations.id, id)).run();
  }

  get(id: string): InvestigationRow | undefined {
    return this.db.select().from(investigations).where(eq(investigations.id, id)).get();
  }

  list(filter: { alertId?: string; limit?: number } = {}): InvestigationRow[] {
    const query = this.db.select().from(investigations);
    const filtered = filter.alertId === undefined ? query : query.where(eq(investigations.alertId, filter.alertId));
    return filtered.orderBy(desc(investigations.startedAt), desc(investigations.id)).limit(filter.limit ?? 50).all();
  }

  addStep(row: InvestigationStepRow): void {
    this.db.insert(investigationSteps).values(row).run();
  }

  steps(investigationId: string, kind?: 'model_turn' | 'tool_call'): InvestigationStepRow[] {
    const where = kind === undefined ? eq(investigationSteps.investigationId, investigationId) : and(eq(investigationSteps.investigationId, investigationId), eq(investigationSteps.kind, kind));
    return this.db.select().from(investigationSteps).where(where).orderBy(asc(investigationSteps.seq)).all();
  }

  /** Count and usage of the investigations started at or after `since` (ISO-8601). */
  totals(since: string): InvestigationTotals {
    const row = this.db
      .select({
        count: sql<number>`count(*)`,
        inputTokens: sql<number>`coalesce(sum(${investigations.inputTokens}), 0)`,
        outputTokens: sql<number>`coalesce(sum(${investigations.outputTokens}), 0)`,
        cacheCreationTokens: sql<number>`coalesce(sum(${investigations.cacheCreationTokens}), 0)`,
        cacheReadTokens: sql<number>`coalesce(sum(${investigations.cacheReadTokens}), 0)`,
        costUsd: sql<number>`coalesce(sum(${investigations.costUsd}), 0)`,
      })
      .from(investigations)
      .where(gte(investigations.startedAt, since))
      .get();
    return row ?? { count: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0 };
  }
}
