/** Persistence the runner needs (implemented by store/RunRepository; only app/ wires it). */
export interface RunRecord {
  id: string;
  kind: string;
  name: string;
  version: string;
  definition: string;
  params: string;
  requester: string;
  dryRun: boolean;
  status: string;
  nextStep: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  error: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
}

export interface StepRecord {
  runId: string;
  stepIndex: number;
  name: string;
  status: string;
  output: string | null;
  approvalId: string | null;
  auditSeq: number | null;
  finishedAt: string;
}

export interface RunEventRecord {
  id: number;
  runId: string;
  time: string;
  type: string;
  step: string | null;
  message: string;
  data: string | null;
}

export interface RunStore {
  createRun(row: RunRecord): void;
  getRun(id: string): RunRecord | undefined;
  updateRun(id: string, owner: string, fields: Partial<Pick<RunRecord, 'status' | 'nextStep' | 'updatedAt' | 'finishedAt' | 'error' | 'leaseUntil'>>): boolean;
  claimLease(id: string, owner: string, now: string, until: string): boolean;
  releaseLease(id: string, owner: string): void;
  saveStepResult(row: StepRecord): void;
  stepResults(runId: string): StepRecord[];
  appendEvent(event: Omit<RunEventRecord, 'id'>): number;
  events(runId: string, afterId?: number): RunEventRecord[];
}
