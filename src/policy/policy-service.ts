import { randomBytes } from 'node:crypto';
import type { ToolLookup } from '../agents/definition/index.js';
import { renderParams } from '../agents/template/index.js';
import { canonicalJson } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import { UsageError } from '../core/errors/index.js';
import type { Logger } from '../core/logger.js';
import { profile, type Caller } from '../gateway/caller.js';
import type { GatewayResult } from '../gateway/gateway-result.js';
import type { InventoryAsset } from '../inventory/inventory-asset.js';
import { AssetNotFoundError } from './asset-not-found-error.js';
import { compileCheck, evaluateCheck, type CompiledCheck, type LiveReadResult } from './evaluate-check.js';
import { computeDrift, type EarlierResult } from './policy-drift.js';
import type { PolicyInventory, PolicySnapshot } from './policy-inventory.js';
import type { PolicyLibrary } from './policy-library.js';
import type {
  CheckEvidence,
  CheckStatus,
  PolicyAssetResult,
  PolicyCheckSummary,
  PolicyRunMode,
  PolicyRunResult,
  PolicyRunStatus,
  PolicyTotals,
  RemediationOutcome,
} from './policy-run.js';
import type { PolicyResultRecord, PolicyRunStore } from './policy-run-store.js';
import type { PolicyDefinition, PolicySeverity } from './policy-schema.js';

/** The gateway as the policy service uses it: every live read and remediation goes through it. */
export interface PolicyGateway {
  call(name: string, input: unknown, caller: Caller): Promise<GatewayResult>;
}

export interface PolicyServiceOptions {
  library: PolicyLibrary;
  inventory: PolicyInventory;
  gateway: PolicyGateway;
  tools: ToolLookup;
  store: PolicyRunStore;
  clock: Clock;
  logger?: Logger;
  /** Checks evaluated at once (bounds the live reads in flight; each connector's queue bounds them too). */
  concurrency?: number;
}

/** What a run reports while it goes (the CLI prints it on stderr). */
export type PolicyProgress =
  | { kind: 'scanning' }
  | { kind: 'evaluating'; runId: string; policies: string[]; assets: number; checks: number }
  | { kind: 'remediating'; runId: string; count: number };

export interface PolicyCheckInput {
  /** A policy name, or `all`. */
  policy: string;
  /** Limit the run to one asset: host name, FQDN or asset key. */
  resource?: string;
  /** Who the run acts for (approvals bind to it): `cli:<user>`, `slack:<user>`, `scheduler:<job>`. */
  requester: string;
  onProgress?: (event: PolicyProgress) => void;
}

export interface PolicyEnforceInput extends PolicyCheckInput {
  /**
   * Run each remediation as its policy says (`requires_approval`, the catalog default and the
   * runtime decide). Without it every remediation waits for an approver.
   */
  autoRemediate: boolean;
  /** Send every remediation to the gateway as a dry run: listed and audited, nothing changes. */
  dryRun: boolean;
}

const RESOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/**
 * Evaluates policies over the newest inventory snapshot (scanning first when there is none),
 * stores every run with its per-check, per-asset results and evidence, and compares each run with
 * the previous run of the same policy (drift). `enforce` sends the remediation of every failing
 * asset to the gateway, where guards, approvals, dry-run and audit apply.
 */
export class PolicyService {
  readonly #options: PolicyServiceOptions;

  constructor(options: PolicyServiceOptions) {
    this.#options = options;
  }

  get library(): PolicyLibrary {
    return this.#options.library;
  }

  check(input: PolicyCheckInput): Promise<PolicyRunResult> {
    return this.#run('check', { ...input, autoRemediate: false, dryRun: false });
  }

  enforce(input: PolicyEnforceInput): Promise<PolicyRunResult> {
    return this.#run('enforce', input);
  }

  /** Stored runs, newest first. */
  runs(filter: { policy?: string; limit?: number } = {}): Array<Pick<PolicyRunResult, 'id' | 'policy' | 'mode' | 'dryRun' | 'requester' | 'startedAt'> & { status: string; finishedAt: string | null }> {
    return this.#options.store.listRuns(filter).map((row) => ({ id: row.id, policy: row.policy, mode: row.mode as PolicyRunMode, dryRun: row.dryRun, requester: row.requester, startedAt: row.startedAt, finishedAt: row.finishedAt, status: row.status }));
  }

  /** A stored run with its results, or undefined (also for a run that never finished). */
  run(id: string): PolicyRunResult | undefined {
    const row = this.#options.store.getRun(id);
    if (row === undefined || row.summary === null || row.status === 'running' || row.status === 'failed') return undefined;
    const summary = JSON.parse(row.summary) as Omit<PolicyRunResult, 'results'>;
    return { ...summary, results: this.#options.store.results(id).map(fromRecord) };
  }

  /** The newest finished run of `policy` (a name or `all`) over the whole inventory, with its results. */
  latestRun(policy: string): PolicyRunResult | undefined {
    for (const row of this.#options.store.listRuns({ policy, limit: 20 })) {
      const run = this.run(row.id);
      if (run !== undefined && run.resource === undefined) return run;
    }
    return undefined;
  }

  async #run(mode: PolicyRunMode, input: PolicyEnforceInput): Promise<PolicyRunResult> {
    const { clock, store } = this.#options;
    if (input.resource !== undefined && !RESOURCE_PATTERN.test(input.resource)) {
      throw new UsageError(`resource ${JSON.stringify(input.resource.slice(0, 80))} is not a host name, FQDN or asset key`);
    }
    // Bad policies and unknown names fail here, before anything is read or stored.
    const policies = this.#options.library.resolve(input.policy);
    const compiled = policies.flatMap((policy) => policy.checks.map((check) => compileCheck(policy, check)));
    const { snapshot, scanned } = await this.#snapshot(input);
    const assets = selectAssets(snapshot, input.resource);

    const id = newPolicyRunId(clock);
    const startedAt = clock.now().toISOString();
    const now = clock.now();
    store.createRun({ id, policy: input.policy, mode, dryRun: input.dryRun, requester: input.requester, startedAt });
    input.onProgress?.({ kind: 'evaluating', runId: id, policies: policies.map((policy) => policy.name), assets: assets.length, checks: compiled.length });
    try {
      const readCallers = new Map(policies.map((policy) => [policy.name, this.#caller(policy, input, { remediate: false })]));
      const liveCache = new Map<string, Promise<LiveReadResult>>();
      const skipped = new Map<string, number>();
      const evaluated: Array<{ result: PolicyAssetResult; compiled: CompiledCheck; scope: Record<string, unknown> }> = [];
      const pairs = assets.flatMap((asset) => compiled.map((entry) => ({ asset, entry })));
      await mapPool(pairs, this.#options.concurrency ?? 8, async ({ asset, entry }) => {
        const caller = readCallers.get(entry.policy.name)!;
        const outcome = await evaluateCheck(entry, asset, { now, readLive: (tool, toolInput) => this.#readLive(liveCache, tool, toolInput, caller) });
        if (!outcome.applies) {
          const key = checkKey(entry.policy.name, entry.check.id);
          skipped.set(key, (skipped.get(key) ?? 0) + 1);
          return;
        }
        evaluated.push({
          compiled: entry,
          scope: outcome.scope as Record<string, unknown>,
          result: { policy: entry.policy.name, checkId: entry.check.id, assetKey: asset.key, hostname: asset.hostname, status: outcome.status, severity: entry.check.severity, evidence: outcome.evidence },
        });
      });
      evaluated.sort((a, b) => byPlace(a.result, b.result));

      const remediations: PolicyRunResult['remediations'] = {};
      if (mode === 'enforce') {
        const failing = evaluated.filter((item) => item.result.status === 'fail' && item.compiled.check.remediation !== undefined);
        if (failing.length > 0) input.onProgress?.({ kind: 'remediating', runId: id, count: failing.length });
        const remediationCallers = new Map(policies.map((policy) => [policy.name, this.#caller(policy, input, { remediate: true })]));
        const done = new Map<string, RemediationOutcome>();
        // One at a time, in a stable order: approvals and audit records read in the order of the report.
        for (const item of failing) {
          const outcome = await this.#remediate(item.compiled, item.result, item.scope, remediationCallers.get(item.compiled.policy.name)!, input, done);
          item.result.remediation = outcome;
          remediations[outcome.outcome] = (remediations[outcome.outcome] ?? 0) + 1;
        }
      }

      const results = evaluated.map((item) => item.result);
      const checks = summariseChecks(compiled, results, skipped);
      const totals = sumTotals(checks);
      const status: PolicyRunStatus = totals.error === 0 ? 'complete' : totals.error === totals.pass + totals.fail + totals.error ? 'failed' : 'partial';
      const drift = computeDrift({
        current: results,
        earlier: policies.flatMap((policy) => {
          const previous = store.previousRun(policy.name, startedAt, id);
          if (previous === undefined) return [];
          return [{ policy: policy.name, runId: previous.id, startedAt: previous.startedAt, results: store.results(previous.id, { policy: policy.name }).map(fromRecord) as EarlierResult[] }];
        }),
        ...(input.resource === undefined ? {} : { assetKeys: new Set(assets.map((asset) => asset.key)) }),
      });
      const notes: string[] = [];
      if (scanned) notes.push('No inventory snapshot existed: scanned the inventory first.');
      if (mode === 'enforce' && input.dryRun) notes.push('Dry run: remediations were sent to the gateway as dry runs; nothing was changed.');
      else if (mode === 'enforce' && !input.autoRemediate) notes.push('Without --auto-remediate every remediation waits for an approver.');
      const result: PolicyRunResult = {
        id,
        policy: input.policy,
        mode,
        dryRun: input.dryRun,
        autoRemediate: input.autoRemediate,
        requester: input.requester,
        ...(input.resource === undefined ? {} : { resource: input.resource }),
        startedAt,
        finishedAt: clock.now().toISOString(),
        status,
        policies: policies.map((policy) => ({ name: policy.name, version: policy.version, description: policy.description })),
        snapshot: { id: snapshot.id, takenAt: snapshot.takenAt, scannedForThisRun: scanned },
        assets: assets.length,
        totals,
        checks,
        results,
        remediations,
        drift,
        notes,
      };
      const { results: _results, ...summary } = result;
      store.finishRun(id, { finishedAt: result.finishedAt, status, summary: JSON.stringify(summary) }, results.map((item) => toRecord(id, item)));
      this.#options.logger?.info({ runId: id, policy: input.policy, mode, status, ...totals }, 'policy run finished');
      return result;
    } catch (error) {
      store.failRun(id, { finishedAt: clock.now().toISOString(), summary: JSON.stringify({ error: (error as Error).message, ...(input.resource === undefined ? {} : { resource: input.resource }) }) });
      throw error;
    }
  }

  async #snapshot(input: PolicyCheckInput): Promise<{ snapshot: PolicySnapshot; scanned: boolean }> {
    const latest = await this.#options.inventory.latest();
    if (latest !== undefined) return { snapshot: latest, scanned: false };
    input.onProgress?.({ kind: 'scanning' });
    return { snapshot: await this.#options.inventory.scan(input.requester), scanned: true };
  }

  /**
   * The caller a policy's gateway calls run as: actor `policy:<name>`, the run's requester, and
   * exactly the tools the policy names — its live reads (read scope) and, when remediating, its
   * remediation tools with their scopes. A check run can never call a write tool.
   */
  #caller(policy: PolicyDefinition, input: PolicyEnforceInput, options: { remediate: boolean }): Caller {
    const tools = new Set<string>();
    const scopes = { read: true, write: false, execute: false };
    for (const check of policy.checks) {
      const live = check.live === undefined ? undefined : this.#options.tools.resolve(check.live.tool);
      if (live !== undefined) tools.add(live.id);
      const remediation = !options.remediate || check.remediation === undefined ? undefined : this.#options.tools.resolve(check.remediation.tool);
      if (remediation !== undefined) {
        tools.add(remediation.id);
        scopes[remediation.scope] = true;
      }
    }
    return {
      kind: input.requester.startsWith('slack:') ? 'slack' : 'cli',
      actor: `policy:${policy.name}`,
      requester: input.requester,
      permissions: profile(tools, scopes),
      ...(options.remediate && input.dryRun ? { dryRun: true } : {}),
    };
  }

  /** One live read per distinct (tool, input) in a run: two checks reading the same thing share it. */
  #readLive(cache: Map<string, Promise<LiveReadResult>>, tool: string, input: Record<string, unknown>, caller: Caller): Promise<LiveReadResult> {
    const key = `${caller.actor}\u0000${tool}\u0000${canonicalJson(input)}`;
    let read = cache.get(key);
    if (read === undefined) {
      read = this.#options.gateway.call(tool, input, { ...caller, reason: `policy live read for ${caller.actor}` }).then(
        (result): LiveReadResult => (result.outcome === 'succeeded' ? { ok: true, output: result.output } : { ok: false, outcome: result.outcome, error: gatewayReason(result) }),
        (error: unknown): LiveReadResult => ({ ok: false, outcome: 'error', error: (error as Error).message }),
      );
      cache.set(key, read);
    }
    return read;
  }

  async #remediate(
    compiled: CompiledCheck,
    result: PolicyAssetResult,
    scope: Record<string, unknown>,
    caller: Caller,
    input: PolicyEnforceInput,
    done: Map<string, RemediationOutcome>,
  ): Promise<RemediationOutcome> {
    const remediation = compiled.check.remediation!;
    let args: Record<string, unknown>;
    try {
      args = renderParams(remediation.params, scope);
    } catch (error) {
      return { tool: remediation.tool, input: {}, outcome: 'error', reason: `params: ${(error as Error).message}` };
    }
    // The same call for two checks (one ticket for a host) is made once.
    const key = `${remediation.tool}\u0000${canonicalJson(args)}`;
    const earlier = done.get(key);
    if (earlier !== undefined) return earlier;
    const requiresApproval = input.autoRemediate ? remediation.requires_approval : true;
    const remediationCaller: Caller = {
      ...caller,
      ...(requiresApproval === undefined ? {} : { requiresApproval }),
      reason: `policy ${compiled.policy.name}: ${compiled.check.id} (${compiled.check.severity}) fails on ${result.hostname}`,
    };
    let outcome: RemediationOutcome;
    try {
      outcome = remediationOutcome(remediation.tool, args, await this.#options.gateway.call(remediation.tool, args, remediationCaller));
    } catch (error) {
      outcome = { tool: remediation.tool, input: args, outcome: 'error', reason: (error as Error).message };
    }
    done.set(key, outcome);
    return outcome;
  }
}

/** `pol-20261124T101500Z-3fa9c1`: sortable by start time, safe in file names. */
export function newPolicyRunId(clock: Clock): string {
  const stamp = clock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `pol-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The snapshot's assets, or the one `resource` names (host name, FQDN or key, case-insensitive). */
function selectAssets(snapshot: PolicySnapshot, resource: string | undefined): InventoryAsset[] {
  const assets = [...snapshot.assets].sort((a, b) => a.hostname.localeCompare(b.hostname) || a.key.localeCompare(b.key));
  if (resource === undefined) return assets;
  const wanted = resource.toLowerCase();
  const short = wanted.split('.')[0];
  const byKey = assets.filter((asset) => asset.key.toLowerCase() === wanted);
  const chosen = byKey.length > 0 ? byKey : assets.filter((asset) => asset.fqdn?.toLowerCase() === wanted || asset.hostname === wanted || (!wanted.includes(':') && asset.hostname === short));
  if (chosen.length === 0) throw new AssetNotFoundError(resource, snapshot.takenAt);
  return chosen;
}

function remediationOutcome(tool: string, input: Record<string, unknown>, result: GatewayResult): RemediationOutcome {
  const base = { tool: result.tool || tool, input, outcome: result.outcome, ...(result.auditSeq === undefined ? {} : { auditSeq: result.auditSeq }) };
  switch (result.outcome) {
    case 'awaiting_approval':
      return { ...base, approvalId: result.approvalId, expiresAt: result.expiresAt };
    case 'dry_run':
      return { ...base, wouldRequireApproval: result.preview.wouldRequireApproval };
    case 'succeeded':
      return { ...base, ...(result.approvalId === undefined ? {} : { approvalId: result.approvalId }) };
    case 'rejected':
    case 'expired':
      return { ...base, approvalId: result.approvalId, reason: gatewayReason(result) };
    default:
      return { ...base, reason: gatewayReason(result) };
  }
}

function gatewayReason(result: GatewayResult): string {
  switch (result.outcome) {
    case 'failed':
      return result.error.message;
    case 'denied':
    case 'invalid':
    case 'rejected':
      return result.reason;
    case 'awaiting_approval':
      return `waiting for approval ${result.approvalId}`;
    case 'expired':
      return `approval ${result.approvalId} expired`;
    default:
      return result.outcome;
  }
}

function checkKey(policy: string, checkId: string): string {
  return `${policy}\u0000${checkId}`;
}

function summariseChecks(compiled: readonly CompiledCheck[], results: readonly PolicyAssetResult[], skipped: ReadonlyMap<string, number>): PolicyCheckSummary[] {
  const counts = new Map<string, Record<CheckStatus, number>>();
  for (const result of results) {
    const key = checkKey(result.policy, result.checkId);
    const count = counts.get(key) ?? { pass: 0, fail: 0, error: 0 };
    count[result.status] += 1;
    counts.set(key, count);
  }
  return compiled.map(({ policy, check }) => {
    const key = checkKey(policy.name, check.id);
    const count = counts.get(key) ?? { pass: 0, fail: 0, error: 0 };
    return {
      policy: policy.name,
      checkId: check.id,
      title: check.title,
      severity: check.severity,
      rationale: check.rationale,
      cis: [...check.cis],
      ...(check.remediation === undefined ? {} : { remediationTool: check.remediation.tool }),
      ...count,
      skipped: skipped.get(key) ?? 0,
    };
  });
}

function sumTotals(checks: readonly PolicyCheckSummary[]): PolicyTotals {
  return checks.reduce((sum, check) => ({ pass: sum.pass + check.pass, fail: sum.fail + check.fail, error: sum.error + check.error, skipped: sum.skipped + check.skipped }), { pass: 0, fail: 0, error: 0, skipped: 0 });
}

function byPlace(a: PolicyAssetResult, b: PolicyAssetResult): number {
  return a.policy.localeCompare(b.policy) || a.checkId.localeCompare(b.checkId) || a.hostname.localeCompare(b.hostname) || a.assetKey.localeCompare(b.assetKey);
}

function toRecord(runId: string, result: PolicyAssetResult): PolicyResultRecord {
  return {
    runId,
    policy: result.policy,
    checkId: result.checkId,
    assetKey: result.assetKey,
    status: result.status,
    severity: result.severity,
    evidence: JSON.stringify({ hostname: result.hostname, ...result.evidence }),
    remediation: result.remediation === undefined ? null : JSON.stringify(result.remediation),
  };
}

function fromRecord(record: PolicyResultRecord): PolicyAssetResult {
  const { hostname, ...evidence } = JSON.parse(record.evidence) as CheckEvidence & { hostname?: string };
  return {
    policy: record.policy,
    checkId: record.checkId,
    assetKey: record.assetKey,
    hostname: hostname ?? record.assetKey.replace(/^asset:/, ''),
    status: record.status as CheckStatus,
    severity: record.severity as PolicySeverity,
    evidence,
    ...(record.remediation === null ? {} : { remediation: JSON.parse(record.remediation) as RemediationOutcome }),
  };
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function mapPool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
