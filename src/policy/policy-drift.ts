import type { CheckStatus, DriftEntry, PolicyAssetResult, PolicyDrift } from './policy-run.js';

/** A result of an earlier run, as stored. */
export type EarlierResult = Pick<PolicyAssetResult, 'policy' | 'checkId' | 'assetKey' | 'hostname' | 'status' | 'severity'>;

export interface DriftInput {
  current: readonly PolicyAssetResult[];
  /** Per policy of the current run: the earlier run compared with and its results (absent: none). */
  earlier: ReadonlyArray<{ policy: string; runId: string; startedAt: string; results: readonly EarlierResult[] }>;
  /** When the run was limited to some assets: earlier results of other assets are not compared. */
  assetKeys?: ReadonlySet<string>;
}

/**
 * What changed since the previous run of each policy, result by result (policy, check, asset):
 * new failures, resolved failures, failures no longer evaluated (asset gone or out of scope),
 * new errors, and how many failures remain. Policies without an earlier run are left out: with
 * nothing to compare, nothing is "new".
 */
export function computeDrift(input: DriftInput): PolicyDrift {
  const drift: PolicyDrift = { previousRuns: [], newFailures: [], resolved: [], noLongerEvaluated: [], stillFailing: 0, newErrors: [] };
  for (const earlier of input.earlier) {
    drift.previousRuns.push({ policy: earlier.policy, runId: earlier.runId, startedAt: earlier.startedAt });
    const before = new Map<string, EarlierResult>();
    for (const result of earlier.results) {
      if (result.policy !== earlier.policy) continue;
      if (input.assetKeys !== undefined && !input.assetKeys.has(result.assetKey)) continue;
      before.set(keyOf(result), result);
    }
    const seen = new Set<string>();
    for (const result of input.current) {
      if (result.policy !== earlier.policy) continue;
      const key = keyOf(result);
      seen.add(key);
      const previous = before.get(key);
      const was: CheckStatus | 'absent' = previous?.status ?? 'absent';
      if (result.status === 'fail' && was === 'fail') drift.stillFailing += 1;
      else if (result.status === 'fail') drift.newFailures.push(entry(result, was, 'fail'));
      else if (result.status === 'pass' && was === 'fail') drift.resolved.push(entry(result, was, 'pass'));
      else if (result.status === 'error' && was !== 'error') drift.newErrors.push(entry(result, was, 'error'));
    }
    for (const [key, previous] of before) {
      if (!seen.has(key) && previous.status === 'fail') drift.noLongerEvaluated.push(entry(previous, 'fail', 'absent'));
    }
  }
  for (const list of [drift.newFailures, drift.resolved, drift.noLongerEvaluated, drift.newErrors]) list.sort(byPlace);
  return drift;
}

function keyOf(result: Pick<EarlierResult, 'policy' | 'checkId' | 'assetKey'>): string {
  return `${result.policy}\u0000${result.checkId}\u0000${result.assetKey}`;
}

function entry(result: Omit<EarlierResult, 'status'>, before: DriftEntry['before'], after: DriftEntry['after']): DriftEntry {
  return { policy: result.policy, checkId: result.checkId, assetKey: result.assetKey, hostname: result.hostname, severity: result.severity, before, after };
}

function byPlace(a: DriftEntry, b: DriftEntry): number {
  return a.policy.localeCompare(b.policy) || a.checkId.localeCompare(b.checkId) || a.hostname.localeCompare(b.hostname);
}
