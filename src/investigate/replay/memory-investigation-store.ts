import type { InvestigationRecordRow, InvestigationStepRecord, InvestigationStore } from '../record/investigation-store.js';

/** An InvestigationStore in memory: a replay keeps its run out of the database. */
export class MemoryInvestigationStore implements InvestigationStore {
  readonly #rows = new Map<string, InvestigationRecordRow>();
  readonly #steps: InvestigationStepRecord[] = [];

  create(row: Parameters<InvestigationStore['create']>[0]): void {
    this.#rows.set(row.id, { finishedAt: null, model: null, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0, result: null, ...row });
  }

  finish(id: string, fields: Parameters<InvestigationStore['finish']>[1]): void {
    const row = this.#rows.get(id);
    if (row !== undefined) this.#rows.set(id, { ...row, ...fields });
  }

  get(id: string): InvestigationRecordRow | undefined {
    return this.#rows.get(id);
  }

  addStep(row: InvestigationStepRecord): void {
    this.#steps.push(row);
  }

  steps(investigationId: string, kind?: 'model_turn' | 'tool_call'): InvestigationStepRecord[] {
    return this.#steps.filter((step) => step.investigationId === investigationId && (kind === undefined || step.kind === kind));
  }
}
