import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/connectors/catalog/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { UsageError } from '../../../src/core/errors/index.js';
import type { Caller } from '../../../src/gateway/caller.js';
import type { GatewayResult } from '../../../src/gateway/gateway-result.js';
import { ToolRegistry } from '../../../src/gateway/tool-registry.js';
import type { InventoryAsset } from '../../../src/inventory/inventory-asset.js';
import {
  AssetNotFoundError,
  PolicyLibrary,
  PolicyService,
  assetScope,
  compileCheck,
  evaluateCheck,
  policyDriftReport,
  policyRunSummary,
  validatePolicyText,
  type PolicyInventory,
  type PolicySnapshot,
} from '../../../src/policy/index.js';
import { PolicyRepository, openStore, type Store } from '../../../src/store/index.js';

const tools = new ToolRegistry(loadCatalog());
const NOW = '2026-03-02T12:00:00.000Z';
const DAY_MS = 86_400_000;

function asset(hostname: string, overrides: Partial<InventoryAsset> = {}): InventoryAsset {
  return {
    key: `asset:${hostname}`,
    hostname,
    ips: ['10.0.0.1'],
    macs: ['00:11:22:33:44:55'],
    os: { family: 'windows', name: 'Windows 11', version: '10.0.22631' },
    users: [],
    lastSeen: new Date(Date.parse(NOW) - DAY_MS).toISOString(),
    isolation: 'not_isolated',
    sources: { 'secure-endpoint': { sourceId: `se-${hostname}`, hostname }, crowdstrike: { sourceId: `cs-${hostname}`, hostname } },
    tags: [],
    ...overrides,
  };
}

/** A policy with a static check, a live-read check and remediations of both kinds. */
const POLICY = `name: test-hardening
description: Test policy.
version: 1.0.0
vars:
  eol: [Windows 10]
checks:
  - id: falcon
    title: Falcon present
    severity: high
    rationale: r
    cis: ["CIS 10.1"]
    applies_to: "hostname contains 'srv-'"
    condition: "'crowdstrike' in sources"
    remediation:
      tool: servicenow.create_incident
      requires_approval: false
      params:
        short_description: "Deploy Falcon on {{ hostname }}"
        correlation_id: "t:{{ hostname }}"
  - id: os
    title: Supported OS
    severity: medium
    rationale: r
    cis: ["CIS 2.2"]
    condition: os.name not in vars.eol
  - id: detections
    title: No critical detection
    severity: critical
    rationale: r
    cis: ["CIS 10.1"]
    applies_to: "'crowdstrike' in sources"
    live:
      tool: crowdstrike.list_alerts
      params: { hostname: "{{ hostname }}", min_severity: 90 }
    condition: live.returned == 0
    remediation:
      tool: crowdstrike.contain_host
      requires_approval: true
      params: { hostname: "{{ hostname }}", reason: "{{ live.returned }} detection(s)" }
`;

/** A gateway shaped like the real one's results, recording every call with its caller. */
class FakeGateway {
  readonly calls: Array<{ tool: string; input: Record<string, unknown>; caller: Caller }> = [];
  /** Host name → critical alerts it has. */
  alerts = new Map<string, number>();
  /** Host names whose alert read fails. */
  failing = new Set<string>();

  async call(name: string, input: unknown, caller: Caller): Promise<GatewayResult> {
    const args = input as Record<string, unknown>;
    this.calls.push({ tool: name, input: args, caller });
    const tool = tools.resolve(name)!;
    if (tool.scope === 'read') {
      if (this.failing.has(String(args.hostname))) return { outcome: 'failed', tool: tool.id, error: { code: 'connector_unavailable', message: 'HTTP 503' }, auditSeq: 1 };
      return { outcome: 'succeeded', tool: tool.id, output: { returned: this.alerts.get(String(args.hostname)) ?? 0, events: [] }, truncated: false, auditSeq: 1 };
    }
    if (!caller.permissions.scopes[tool.scope]) return { outcome: 'denied', tool: tool.id, reason: `scope ${tool.scope} is not granted`, auditSeq: 2 };
    if (args.hostname === 'srv-crown') return { outcome: 'denied', tool: tool.id, reason: 'host srv-crown is tagged crown-jewel', auditSeq: 3 };
    if (caller.dryRun === true) return { outcome: 'dry_run', tool: tool.id, preview: { tool: tool.id, scope: tool.scope, input: args, wouldRequireApproval: caller.requiresApproval ?? true }, auditSeq: 4 };
    if (caller.requiresApproval !== false) return { outcome: 'awaiting_approval', tool: tool.id, approvalId: `apr_${this.calls.length}`, expiresAt: NOW, auditSeq: 5 };
    return { outcome: 'succeeded', tool: tool.id, output: { created: true }, truncated: false, auditSeq: 6 };
  }

  writes(): Array<{ tool: string; input: Record<string, unknown>; caller: Caller }> {
    return this.calls.filter((call) => tools.resolve(call.tool)!.scope !== 'read');
  }
}

class FakeInventory implements PolicyInventory {
  snapshot: PolicySnapshot | undefined;
  scans = 0;
  constructor(private assets: InventoryAsset[]) {}
  set(assets: InventoryAsset[], id: string): void {
    this.assets = assets;
    this.snapshot = { id, takenAt: NOW, assets };
  }
  async latest(): Promise<PolicySnapshot | undefined> {
    return this.snapshot;
  }
  async scan(): Promise<PolicySnapshot> {
    this.scans += 1;
    this.snapshot = { id: `snap-${this.scans}`, takenAt: NOW, assets: this.assets };
    return this.snapshot;
  }
}

let directory: string;
let store: Store;
let gateway: FakeGateway;
let inventory: FakeInventory;
let service: PolicyService;
const clock = fixedClock(NOW);

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'policy-service-'));
  writeFileSync(join(directory, 'test-hardening.yaml'), POLICY);
  store = openStore({ file: ':memory:' });
  gateway = new FakeGateway();
  inventory = new FakeInventory([
    asset('srv-db-01', { tags: ['crown-jewel'] }),
    asset('srv-app-01', { sources: { 'secure-endpoint': { sourceId: 'se-1', hostname: 'srv-app-01' } } }),
    asset('ws-0001', { os: { name: 'Windows 10' } }),
    asset('srv-crown'),
  ]);
  gateway.alerts.set('srv-crown', 2);
  gateway.alerts.set('ws-0001', 1);
  service = new PolicyService({
    library: new PolicyLibrary({ tools, userDirectory: directory, builtInDirectory: join(directory, 'none') }),
    inventory,
    gateway,
    tools,
    store: new PolicyRepository(store.db),
    clock,
  });
});
afterEach(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('asset scope and one check', () => {
  const definition = validatePolicyText(POLICY, 'p.yaml', tools).definition!;

  it('exposes the asset fields, days_since_seen, vars and a null prototype', () => {
    const scope = assetScope({ asset: asset('ws-1'), now: new Date(NOW), vars: { a: 1 }, policy: { name: 'p', version: '1' }, check: { id: 'c', title: 't', severity: 'low' } });
    expect(scope).toMatchObject({ hostname: 'ws-1', days_since_seen: 1, vars: { a: 1 }, now: NOW });
    expect(Object.getPrototypeOf(scope)).toBeNull();
    const unseen = assetScope({ asset: asset('ws-2', { lastSeen: undefined }), now: new Date(NOW), vars: {}, policy: { name: 'p', version: '1' }, check: { id: 'c', title: 't', severity: 'low' } });
    expect('days_since_seen' in unseen).toBe(false);
  });

  it('is not applicable when applies_to is false, and records what the condition read', async () => {
    const falcon = compileCheck(definition, definition.checks[0]!);
    const context = { now: new Date(NOW), readLive: async () => ({ ok: true as const, output: {} }) };
    expect(await evaluateCheck(falcon, asset('ws-1'), context)).toEqual({ applies: false });
    const outcome = await evaluateCheck(falcon, asset('srv-1', { sources: {} }), context);
    expect(outcome).toMatchObject({ applies: true, status: 'fail', evidence: { observed: { sources: {} } } });
    const os = await evaluateCheck(compileCheck(definition, definition.checks[1]!), asset('ws-1', { os: { name: 'Windows 10' } }), context);
    expect(os).toMatchObject({ status: 'fail', evidence: { observed: { 'os.name': 'Windows 10' } } });
  });

  it('never passes when the live read fails: the result is an error with the reason', async () => {
    const detections = compileCheck(definition, definition.checks[2]!);
    const outcome = await evaluateCheck(detections, asset('srv-1'), { now: new Date(NOW), readLive: async () => ({ ok: false, outcome: 'failed', error: 'HTTP 503' }) });
    expect(outcome).toMatchObject({ applies: true, status: 'error', evidence: { live: { tool: 'crowdstrike.list_alerts', outcome: 'failed' }, error: expect.stringContaining('HTTP 503') } });
  });

  it('treats product text in asset fields as data: a condition cannot be widened by it', async () => {
    const os = compileCheck(definition, definition.checks[1]!);
    const hostile = asset("x' or true or '", { os: { name: "Windows 10' or 'a' == 'a" } });
    const outcome = await evaluateCheck(os, hostile, { now: new Date(NOW), readLive: async () => ({ ok: true, output: {} }) });
    // Not in the EOL list as a value: passes on its own merits, and the value is recorded verbatim.
    expect(outcome).toMatchObject({ status: 'pass', evidence: { observed: { 'os.name': "Windows 10' or 'a' == 'a" } } });
  });
});

describe('PolicyService.check', () => {
  it('scans first when there is no snapshot, evaluates every applicable check and stores the run', async () => {
    const result = await service.check({ policy: 'test-hardening', requester: 'cli:alice' });
    expect(inventory.scans).toBe(1);
    expect(result).toMatchObject({ policy: 'test-hardening', mode: 'check', status: 'complete', assets: 4, snapshot: { id: 'snap-1', scannedForThisRun: true } });
    const failing = result.results.filter((item) => item.status === 'fail').map((item) => `${item.checkId}:${item.hostname}`);
    expect(failing).toEqual(['detections:srv-crown', 'detections:ws-0001', 'falcon:srv-app-01', 'os:ws-0001']);
    expect(result.checks.find((check) => check.checkId === 'falcon')).toMatchObject({ pass: 2, fail: 1, skipped: 1 });
    expect(result.totals).toEqual({ pass: 6, fail: 4, error: 0, skipped: 2 });
    // Stored: the run and its results read back the same.
    expect(service.run(result.id)).toEqual(result);
    expect(service.runs()[0]).toMatchObject({ id: result.id, status: 'complete', requester: 'cli:alice' });
  });

  it('only reads: the caller grants the live tool with read scope, no remediation is called', async () => {
    await service.check({ policy: 'test-hardening', requester: 'cli:alice' });
    expect(gateway.writes()).toEqual([]);
    const caller = gateway.calls[0]!.caller;
    expect(caller).toMatchObject({ actor: 'policy:test-hardening', requester: 'cli:alice', kind: 'cli' });
    expect(caller.permissions.scopes).toEqual({ read: true, write: false, execute: false });
    expect([...(caller.permissions.tools as Set<string>)]).toEqual(['crowdstrike.list_alerts']);
  });

  it('limits a run to one resource (host name, FQDN or key), and refuses an unknown one with exit 2', async () => {
    const result = await service.check({ policy: 'all', resource: 'WS-0001', requester: 'cli:alice' });
    expect(new Set(result.results.map((item) => item.hostname))).toEqual(new Set(['ws-0001']));
    expect((await service.check({ policy: 'all', resource: 'asset:srv-db-01', requester: 'cli:alice' })).assets).toBe(1);
    const missing = service.check({ policy: 'all', resource: 'nope-01', requester: 'cli:alice' });
    await expect(missing).rejects.toBeInstanceOf(AssetNotFoundError);
    await expect(service.check({ policy: 'all', resource: 'nope-01', requester: 'cli:alice' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(service.check({ policy: 'all', resource: '../../etc', requester: 'cli:alice' })).rejects.toBeInstanceOf(UsageError);
    await expect(service.check({ policy: 'no-such-policy', requester: 'cli:alice' })).rejects.toBeInstanceOf(UsageError);
  });

  it('marks a run partial when a live read fails, with the reason in the evidence', async () => {
    gateway.failing.add('srv-db-01');
    const result = await service.check({ policy: 'test-hardening', requester: 'cli:alice' });
    expect(result.status).toBe('partial');
    expect(result.results.find((item) => item.status === 'error')).toMatchObject({ hostname: 'srv-db-01', checkId: 'detections', evidence: { error: expect.stringContaining('HTTP 503') } });
  });

  it('reports drift against the previous full run: new failures, resolved, no longer evaluated', async () => {
    const first = await service.check({ policy: 'test-hardening', requester: 'cli:alice' });
    expect(first.drift?.previousRuns).toEqual([]);
    // A resource-limited run in between is never the baseline of a full run.
    await service.check({ policy: 'test-hardening', resource: 'ws-0001', requester: 'cli:alice' });
    inventory.set(
      [
        asset('srv-db-01', { os: { name: 'Windows 10' } }), // new failure (os)
        asset('srv-app-01'), // resolved (falcon)
        asset('srv-crown'), // still failing (detections)
        // ws-0001 gone: its two failures are no longer evaluated
      ],
      'snap-2',
    );
    const second = await service.check({ policy: 'test-hardening', requester: 'cli:alice' });
    expect(second.drift?.previousRuns).toEqual([{ policy: 'test-hardening', runId: first.id, startedAt: first.startedAt }]);
    expect(second.drift?.newFailures.map((entry) => `${entry.checkId}:${entry.hostname}:${entry.before}`)).toEqual(['os:srv-db-01:pass']);
    expect(second.drift?.resolved.map((entry) => `${entry.checkId}:${entry.hostname}`)).toEqual(['falcon:srv-app-01']);
    expect(second.drift?.noLongerEvaluated.map((entry) => `${entry.checkId}:${entry.hostname}`)).toEqual(['detections:ws-0001', 'os:ws-0001']);
    expect(second.drift?.stillFailing).toBe(1);
    const text = policyRunSummary(second);
    expect(text).toContain('Since the previous run: 1 new failure(s), 1 resolved, 2 no longer evaluated, 1 still failing.');
    expect(text).toContain('• new: [medium] test-hardening/os on srv-db-01 (pass → fail)');
    const report = policyDriftReport(second);
    expect(report).toContain('## New failures (1)');
    expect(report).toContain('`os.name="Windows 10"`');
  });
});

describe('PolicyService.enforce', () => {
  it('without --auto-remediate asks an approver for every remediation', async () => {
    const result = await service.enforce({ policy: 'test-hardening', autoRemediate: false, dryRun: false, requester: 'cli:alice' });
    expect(gateway.writes().map((call) => [call.tool, call.input.hostname ?? call.input.correlation_id, call.caller.requiresApproval])).toEqual([
      ['crowdstrike.contain_host', 'srv-crown', true],
      ['crowdstrike.contain_host', 'ws-0001', true],
      ['servicenow.create_incident', 't:srv-app-01', true],
    ]);
    expect(result.remediations).toEqual({ denied: 1, awaiting_approval: 2 });
    expect(result.notes).toContain('Without --auto-remediate every remediation waits for an approver.');
  });

  it('with --auto-remediate follows requires_approval; the remediation caller holds exactly the policy tools and scopes', async () => {
    const result = await service.enforce({ policy: 'test-hardening', autoRemediate: true, dryRun: false, requester: 'cli:alice' });
    const ticket = result.results.find((item) => item.checkId === 'falcon' && item.status === 'fail')!;
    expect(ticket.remediation).toMatchObject({ tool: 'servicenow.create_incident', outcome: 'succeeded', input: { short_description: 'Deploy Falcon on srv-app-01' } });
    const contain = result.results.find((item) => item.hostname === 'ws-0001' && item.checkId === 'detections')!;
    expect(contain.remediation).toMatchObject({ outcome: 'awaiting_approval', approvalId: expect.stringMatching(/^apr_/), input: { hostname: 'ws-0001', reason: '1 detection(s)' } });
    const crown = result.results.find((item) => item.hostname === 'srv-crown')!;
    expect(crown.remediation).toMatchObject({ outcome: 'denied', reason: 'host srv-crown is tagged crown-jewel' });
    const caller = gateway.writes()[0]!.caller;
    expect(caller.permissions.scopes).toEqual({ read: true, write: true, execute: true });
    expect([...(caller.permissions.tools as Set<string>)].sort()).toEqual(['crowdstrike.contain_host', 'crowdstrike.list_alerts', 'servicenow.create_incident']);
    expect(caller.reason).toContain('policy test-hardening');
    // Passing and remediation-less failures are left alone.
    expect(result.results.filter((item) => item.remediation !== undefined)).toHaveLength(3);
    expect(policyRunSummary(result)).toMatch(/Remediations: 1 denied, 1 awaiting approval, 1 succeeded\./);
  });

  it('--dry-run sends every remediation as a dry run (reads still read)', async () => {
    const result = await service.enforce({ policy: 'test-hardening', autoRemediate: true, dryRun: true, requester: 'cli:alice' });
    expect(gateway.writes().every((call) => call.caller.dryRun === true)).toBe(true);
    expect(gateway.calls.filter((call) => call.tool === 'crowdstrike.list_alerts').every((call) => call.caller.dryRun === undefined)).toBe(true);
    expect(result.remediations).toEqual({ denied: 1, dry_run: 2 });
    expect(result.dryRun).toBe(true);
    expect(policyRunSummary(result)).toContain('Remediations (dry run, nothing changed)');
  });
});
