/** A stored run, as the policy service reads and writes it (store/policy-repository.ts implements it). */
export interface PolicyRunRecord {
  id: string;
  policy: string;
  mode: string;
  dryRun: boolean;
  requester: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  /** The run without its results (JSON of PolicyRunResult minus `results`). */
  summary: string | null;
}

/** One stored result row. `evidence` is JSON `{ hostname, observed, live?, error? }`. */
export interface PolicyResultRecord {
  runId: string;
  policy: string;
  checkId: string;
  assetKey: string;
  status: string;
  severity: string;
  evidence: string;
  remediation: string | null;
}

/** Where policy runs are kept. */
export interface PolicyRunStore {
  createRun(row: Pick<PolicyRunRecord, 'id' | 'policy' | 'mode' | 'dryRun' | 'requester' | 'startedAt'> & Partial<Pick<PolicyRunRecord, 'summary'>>): void;
  /** Stores the results and finishes the run atomically. */
  finishRun(id: string, fields: { finishedAt: string; status: string; summary: string }, results: readonly PolicyResultRecord[]): void;
  failRun(id: string, fields: { finishedAt: string; summary: string }): void;
  getRun(id: string): PolicyRunRecord | undefined;
  listRuns(filter?: { policy?: string; limit?: number }): PolicyRunRecord[];
  results(runId: string, filter?: { policy?: string }): PolicyResultRecord[];
  previousRun(policy: string, before: string, excludeId: string): PolicyRunRecord | undefined;
}
