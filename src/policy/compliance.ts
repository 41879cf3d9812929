import type { CheckEvidence, CheckStatus, PolicyRunResult, RemediationOutcome } from './policy-run.js';
import type { PolicySeverity } from './policy-schema.js';

/** Control frameworks a compliance report can be organised by (the checks' `cis:` mappings). */
export const COMPLIANCE_FRAMEWORKS = ['CIS'] as const;
export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];

/** CIS Controls v8 safeguard titles, for the ones the built-in policies map to (and neighbours). */
export const CIS_CONTROL_TITLES: Readonly<Record<string, string>> = {
  'CIS 1': 'Inventory and Control of Enterprise Assets',
  'CIS 1.1': 'Establish and Maintain Detailed Enterprise Asset Inventory',
  'CIS 1.2': 'Address Unauthorized Assets',
  'CIS 1.3': 'Utilize an Active Discovery Tool',
  'CIS 2.2': 'Ensure Authorized Software is Currently Supported',
  'CIS 4.1': 'Establish and Maintain a Secure Configuration Process',
  'CIS 7.3': 'Perform Automated Operating System Patch Management',
  'CIS 10': 'Malware Defenses',
  'CIS 10.1': 'Deploy and Maintain Anti-Malware Software',
  'CIS 10.2': 'Configure Automatic Anti-Malware Signature Updates',
  'CIS 10.7': 'Use Behavior-Based Anti-Malware Software',
  'CIS 13.2': 'Deploy a Host-Based Intrusion Detection Solution',
  'CIS 17.4': 'Establish and Maintain an Incident Response Process',
  'CIS 17.8': 'Conduct Post-Incident Reviews',
};

export type ControlStatus = 'pass' | 'fail' | 'error' | 'not_applicable';

/** One policy check mapped to a control, with how it fared. */
export interface ControlCheck {
  policy: string;
  checkId: string;
  title: string;
  severity: PolicySeverity;
  rationale: string;
  pass: number;
  fail: number;
  error: number;
  skipped: number;
}

/** One asset under one control: failing when any mapped check fails on it. */
export interface ControlAsset {
  assetKey: string;
  hostname: string;
  status: CheckStatus;
  checks: Array<{ policy: string; checkId: string; status: CheckStatus; evidence: CheckEvidence; remediation?: RemediationOutcome }>;
}

export interface ComplianceControl {
  /** e.g. `CIS 10.1`. */
  id: string;
  /** The safeguard's title when known, else ''. */
  title: string;
  /** fail when any asset fails; error when none fails but some could not be decided; not_applicable when no asset was evaluated. */
  status: ControlStatus;
  assets: Record<CheckStatus, number>;
  checks: ControlCheck[];
  /** Every evaluated asset, failing first, then by host name. */
  assetResults: ControlAsset[];
}

/** The model both compliance renderers (HTML, JSON) draw from. Values from products are untrusted. */
export interface ComplianceReport {
  schema: 'defenseclaw.compliance/v1';
  framework: ComplianceFramework;
  generatedAt: string;
  version?: string;
  run: Pick<PolicyRunResult, 'id' | 'policy' | 'mode' | 'dryRun' | 'requester' | 'startedAt' | 'finishedAt' | 'status' | 'snapshot' | 'assets'>;
  policies: PolicyRunResult['policies'];
  summary: {
    controls: number;
    byStatus: Record<ControlStatus, number>;
    /** Asset × control evaluations by outcome. */
    evaluations: Record<CheckStatus, number>;
  };
  controls: ComplianceControl[];
  /** Checks that map to no control of the framework (evaluated, but outside this report). */
  unmappedChecks: Array<{ policy: string; checkId: string; title: string }>;
}

/**
 * Organises a policy run by framework control: control → the checks mapped to it → each asset's
 * pass/fail with the evidence of every mapped check. Controls sorted by number (CIS 1.1 < CIS 10.1).
 */
export function buildComplianceReport(run: PolicyRunResult, options: { framework: ComplianceFramework; generatedAt: string; version?: string }): ComplianceReport {
  const controls = new Map<string, ComplianceControl>();
  const checkControls = new Map<string, string[]>();
  const unmapped: ComplianceReport['unmappedChecks'] = [];
  for (const check of run.checks) {
    const key = `${check.policy}\u0000${check.checkId}`;
    checkControls.set(key, check.cis);
    if (check.cis.length === 0) unmapped.push({ policy: check.policy, checkId: check.checkId, title: check.title });
    for (const id of check.cis) {
      const control = controls.get(id) ?? { id, title: CIS_CONTROL_TITLES[id] ?? '', status: 'not_applicable', assets: { pass: 0, fail: 0, error: 0 }, checks: [], assetResults: [] };
      control.checks.push({ policy: check.policy, checkId: check.checkId, title: check.title, severity: check.severity, rationale: check.rationale, pass: check.pass, fail: check.fail, error: check.error, skipped: check.skipped });
      controls.set(id, control);
    }
  }
  const perControlAsset = new Map<string, Map<string, ControlAsset>>();
  for (const result of run.results) {
    for (const id of checkControls.get(`${result.policy}\u0000${result.checkId}`) ?? []) {
      const assets = perControlAsset.get(id) ?? new Map<string, ControlAsset>();
      const asset = assets.get(result.assetKey) ?? { assetKey: result.assetKey, hostname: result.hostname, status: 'pass', checks: [] };
      asset.checks.push({ policy: result.policy, checkId: result.checkId, status: result.status, evidence: result.evidence, ...(result.remediation === undefined ? {} : { remediation: result.remediation }) });
      asset.status = worse(asset.status, result.status);
      assets.set(result.assetKey, asset);
      perControlAsset.set(id, assets);
    }
  }
  const evaluations: Record<CheckStatus, number> = { pass: 0, fail: 0, error: 0 };
  const byStatus: Record<ControlStatus, number> = { pass: 0, fail: 0, error: 0, not_applicable: 0 };
  for (const control of controls.values()) {
    control.assetResults = [...(perControlAsset.get(control.id)?.values() ?? [])].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.hostname.localeCompare(b.hostname));
    for (const asset of control.assetResults) {
      control.assets[asset.status] += 1;
      evaluations[asset.status] += 1;
    }
    control.status = control.assets.fail > 0 ? 'fail' : control.assets.error > 0 ? 'error' : control.assets.pass > 0 ? 'pass' : 'not_applicable';
    byStatus[control.status] += 1;
  }
  const { id, policy, mode, dryRun, requester, startedAt, finishedAt, status, snapshot, assets } = run;
  return {
    schema: 'defenseclaw.compliance/v1',
    framework: options.framework,
    generatedAt: options.generatedAt,
    ...(options.version === undefined ? {} : { version: options.version }),
    run: { id, policy, mode, dryRun, requester, startedAt, finishedAt, status, snapshot, assets },
    policies: run.policies,
    summary: { controls: controls.size, byStatus, evaluations },
    controls: [...controls.values()].sort((a, b) => compareControlIds(a.id, b.id)),
    unmappedChecks: unmapped,
  };
}

const STATUS_ORDER: Readonly<Record<CheckStatus, number>> = { fail: 0, error: 1, pass: 2 };

function worse(a: CheckStatus, b: CheckStatus): CheckStatus {
  return STATUS_ORDER[a] <= STATUS_ORDER[b] ? a : b;
}

/** `CIS 2.2` before `CIS 10.1`: by each number, not as text. */
export function compareControlIds(a: string, b: string): number {
  const numbers = (id: string) => (id.match(/\d+/g) ?? []).map(Number);
  const left = numbers(a);
  const right = numbers(b);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? -1) - (right[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return a.localeCompare(b);
}
