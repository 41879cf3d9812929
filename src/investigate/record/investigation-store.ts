/**
 * The store the investigation service writes to (implemented by store/InvestigationRepository;
 * only app/ wires the concrete class). Rows are plain data: JSON text and hashes.
 */
export interface InvestigationStepRecord {
  investigationId: string;
  seq: number;
  kind: 'model_turn' | 'tool_call';
  /** Tool id (tool call) or model (model turn). */
  name: string;
  requestHash: string;
  responseHash: string;
  /** JSON, secrets redacted. */
  payload: string;
  time: string;
}

export interface InvestigationRecordRow {
  id: string;
  alertId: string;
  mode: string;
  status: string;
  requester: string;
  startedAt: string;
  finishedAt: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  /** The InvestigationResult as JSON, once finished. */
  result: string | null;
}

export interface InvestigationStore {
  create(row: Pick<InvestigationRecordRow, 'id' | 'alertId' | 'mode' | 'status' | 'requester' | 'startedAt'> & { model?: string | null }): void;
  finish(id: string, fields: Pick<InvestigationRecordRow, 'status' | 'finishedAt' | 'result' | 'mode'> & Partial<Omit<InvestigationRecordRow, 'id' | 'alertId' | 'requester' | 'startedAt'>>): void;
  get(id: string): InvestigationRecordRow | undefined;
  addStep(row: InvestigationStepRecord): void;
  steps(investigationId: string, kind?: 'model_turn' | 'tool_call'): InvestigationStepRecord[];
}
