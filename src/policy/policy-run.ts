import type { GatewayOutcome } from '../gateway/gateway-result.js';
import type { PolicySeverity } from './policy-schema.js';

/** What one check came to on one asset. Not-applicable assets are counted, not listed. */
export type CheckStatus = 'pass' | 'fail' | 'error';

/** What a check saw on an asset: the values its condition read, and the live read if any. */
export interface CheckEvidence {
  /** Each path the condition reads (`os.name`, `days_since_seen`, `live.returned`) → its value (mappings shortened). */
  observed: Record<string, unknown>;
  /** The live read: tool, input and gateway outcome. */
  live?: { tool: string; input: unknown; outcome: GatewayOutcome | 'error'; error?: string };
  /** Why the check could not be decided (status `error`). */
  error?: string;
}

/**
 * What `enforce` did about a failing asset. `outcome` is the gateway's (`succeeded`,
 * `awaiting_approval`, `denied`, `dry_run`, …), or `error` when the call could not be made.
 */
export interface RemediationOutcome {
  tool: string;
  input: Record<string, unknown>;
  outcome: GatewayOutcome | 'error';
  approvalId?: string;
  expiresAt?: string;
  /** Denial or failure reason. */
  reason?: string;
  auditSeq?: number;
  /** Dry run: whether the call would wait for an approval. */
  wouldRequireApproval?: boolean;
}

/** One check on one asset in a run. */
export interface PolicyAssetResult {
  policy: string;
  checkId: string;
  assetKey: string;
  hostname: string;
  status: CheckStatus;
  severity: PolicySeverity;
  evidence: CheckEvidence;
  remediation?: RemediationOutcome;
}

/** Per check: what it is and how the assets fared. */
export interface PolicyCheckSummary {
  policy: string;
  checkId: string;
  title: string;
  severity: PolicySeverity;
  rationale: string;
  cis: string[];
  /** The remediation tool, when the check has one. */
  remediationTool?: string;
  pass: number;
  fail: number;
  error: number;
  /** Assets the check does not apply to. */
  skipped: number;
}

export interface PolicyTotals {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
}

/** How results moved since the previous run of the same policy (by policy, check and asset). */
export interface PolicyDrift {
  /** The run compared with, per policy (absent: no earlier run of that policy). */
  previousRuns: Array<{ policy: string; runId: string; startedAt: string }>;
  /** Failing now; passing, erroring or not evaluated before. */
  newFailures: DriftEntry[];
  /** Failing before; passing now. */
  resolved: DriftEntry[];
  /** Failing before; not evaluated now (asset gone from the inventory or no longer in scope). */
  noLongerEvaluated: DriftEntry[];
  /** Failing before and now. */
  stillFailing: number;
  /** Erroring now, not before. */
  newErrors: DriftEntry[];
}

export interface DriftEntry {
  policy: string;
  checkId: string;
  assetKey: string;
  hostname: string;
  severity: PolicySeverity;
  before: CheckStatus | 'absent';
  after: CheckStatus | 'absent';
}

export type PolicyRunMode = 'check' | 'enforce';
export type PolicyRunStatus = 'complete' | 'partial' | 'failed';

/** A stored policy run: what was evaluated, on which snapshot, with what outcome. */
export interface PolicyRunResult {
  id: string;
  /** A policy name, or `all`. */
  policy: string;
  mode: PolicyRunMode;
  dryRun: boolean;
  autoRemediate: boolean;
  requester: string;
  /** The host name or asset key the run was limited to. */
  resource?: string;
  startedAt: string;
  finishedAt: string;
  /** complete; partial when some checks could not be decided (live read failed); failed when none could. */
  status: PolicyRunStatus;
  policies: Array<{ name: string; version: string; description: string }>;
  snapshot: { id: string; takenAt: string; scannedForThisRun: boolean };
  /** Assets evaluated. */
  assets: number;
  totals: PolicyTotals;
  checks: PolicyCheckSummary[];
  /** Every pass, fail and error, by policy, check, host name. */
  results: PolicyAssetResult[];
  /** Remediation outcomes by gateway outcome (enforce only). */
  remediations: Partial<Record<RemediationOutcome['outcome'], number>>;
  drift?: PolicyDrift;
  notes: string[];
}
