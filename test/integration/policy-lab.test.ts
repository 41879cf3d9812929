/**
 * Issue 7, policy: the built-in policies against the lab's scenario inventory. The oracle is the
 * scenario data itself (src/lab/scenario/inventory.ts): end-of-life systems, hosts missing from one
 * EDR, stale check-ins, and the story's critical Falcon detections on srv-db-01 and workstation-042.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import type { LabHost } from '../../src/lab/scenario/index.js';
import type { PolicyRunResult } from '../../src/policy/index.js';
import { basic, isMutating, labRequests, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';
import { runCli } from '../helpers/cli.js';

const SEVEN_DAYS_MS = 7 * 86_400_000;

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

/** Hosts the inventory can know: those in Secure Endpoint or CrowdStrike (the sources it scans). */
function managedHosts(): LabHost[] {
  return env.lab.world.inventory.current.filter((host) => host.secureEndpoint !== undefined || host.crowdstrike !== undefined);
}

function failing(result: PolicyRunResult, checkId: string): string[] {
  return result.results.filter((item) => item.checkId === checkId && item.status === 'fail').map((item) => item.hostname).sort();
}

function sorted(hosts: readonly LabHost[]): string[] {
  return hosts.map((host) => host.hostname).sort();
}

async function cliJson<T>(args: string[]): Promise<{ code: number; json: T; stderr: string }> {
  const result = await runCli([...args, '--json'], { home: env.home });
  return { code: result.code, json: JSON.parse(result.stdout) as T, stderr: result.stderr };
}

describe('built-in policies against the lab', () => {
  it('endpoint-hardening finds exactly the scenario known violations', async () => {
    const { code, json: result } = await cliJson<PolicyRunResult>(['policy', 'check', '--policy', 'endpoint-hardening']);
    expect(code).toBe(1);
    expect(result.status).toBe('complete');
    expect(result.snapshot.scannedForThisRun).toBe(true);
    const hosts = managedHosts();
    expect(result.assets).toBe(hosts.length);
    const now = Date.now();
    // End-of-life systems (Windows 10, Windows Server 2012 R2, macOS 12 in the scenario).
    expect(failing(result, 'os-supported')).toEqual(sorted(hosts.filter((host) => host.os.endOfLife)));
    expect(failing(result, 'os-supported').length).toBeGreaterThan(10);
    // Hosts only CrowdStrike knows lack Secure Endpoint; servers and workstations only Secure Endpoint knows lack Falcon.
    expect(failing(result, 'secure-endpoint-present')).toEqual(sorted(hosts.filter((host) => host.secureEndpoint === undefined)));
    expect(failing(result, 'crowdstrike-present')).toEqual(sorted(hosts.filter((host) => host.crowdstrike === undefined && host.kind !== 'laptop')));
    // Laptops are exempt from the Falcon requirement: not applicable, not passing.
    const laptops = hosts.filter((host) => host.kind === 'laptop').length;
    expect(result.checks.find((check) => check.checkId === 'crowdstrike-present')?.skipped).toBe(laptops);
    // Stale check-ins (the scenario leaves ~5 % of hosts silent for up to 20 days).
    expect(failing(result, 'seen-in-last-7-days')).toEqual(sorted(hosts.filter((host) => now - host.lastSeen.getTime() > SEVEN_DAYS_MS)));
    // The story: critical Falcon detections on the victim workstation and the crown-jewel database.
    expect(failing(result, 'no-unresolved-critical-detection')).toEqual(['srv-db-01', 'workstation-042']);
    // Nobody is isolated in the scenario: the ticket check applies to no host.
    expect(result.checks.find((check) => check.checkId === 'isolated-with-ticket')).toMatchObject({ pass: 0, fail: 0, skipped: hosts.length });
    // A check run only reads.
    expect((await labRequests(env.lab.url)).filter(isMutating)).toEqual([]);
    expect(env.runtime.ledger().query({ action: 'tool.call' }).every((record) => record.scope === 'read')).toBe(true);
  });

  it('cis-controls finds the outdated agent builds and long-silent assets', async () => {
    const { json: result } = await cliJson<PolicyRunResult>(['policy', 'check', '--policy', 'cis-controls']);
    const hosts = managedHosts();
    const outdatedSe = ['8.1.0.29900', '8.2.3.30119'];
    expect(failing(result, 'secure-endpoint-current')).toEqual(sorted(hosts.filter((host) => host.secureEndpoint !== undefined && outdatedSe.includes(host.secureEndpoint.connectorVersion))));
    expect(failing(result, 'falcon-sensor-current')).toEqual(sorted(hosts.filter((host) => host.crowdstrike?.agentVersion === '7.16.18005.0')));
    expect(failing(result, 'asset-accounted-for')).toEqual(sorted(hosts.filter((host) => Date.now() - host.lastSeen.getTime() > 14 * 86_400_000)));
    expect(failing(result, 'asset-details-recorded')).toEqual([]);
    expect(result.checks.every((check) => check.cis.length > 0)).toBe(true);
  });

  it('policy check <resource> shows every check of one asset with its evidence', async () => {
    const text = await runCli(['policy', 'check', 'srv-db-01', '--policy', 'endpoint-hardening'], { home: env.home });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Policy check endpoint-hardening on srv-db-01 .*: 1 failure\(s\) on 1 asset\(s\); 4 passed\./);
    expect(text.stdout).toMatch(/endpoint-hardening\/no-unresolved-critical-detection\s+critical\s+FAIL\s+live\.returned=2/);
    expect(text.stdout).toMatch(/endpoint-hardening\/os-supported\s+high\s+PASS\s+os\.name="Windows Server 2022"/);
    expect(text.stdout).toContain('Not applicable: endpoint-hardening/isolated-with-ticket');

    const { code, json } = await cliJson<PolicyRunResult>(['policy', 'check', 'ws-0002.corp.example.com', '--all']);
    expect(code).toBeLessThanOrEqual(1);
    expect(json.resource).toBe('ws-0002.corp.example.com');
    expect(new Set(json.results.map((item) => item.hostname))).toEqual(new Set(['ws-0002']));
    expect(json.policies.map((policy) => policy.name)).toEqual(['cis-controls', 'endpoint-hardening']);
  });

  it('an isolated host without a ticket fails the live ServiceNow read; with a ticket it passes', async () => {
    const host = env.lab.world.inventory.current.find((candidate) => candidate.hostname.startsWith('ws-') && candidate.secureEndpoint !== undefined)!;
    host.secureEndpoint!.isolated = true;
    const before = await cliJson<PolicyRunResult>(['policy', 'check', host.hostname, '--policy', 'endpoint-hardening']);
    const ticketCheck = before.json.results.find((item) => item.checkId === 'isolated-with-ticket');
    expect(ticketCheck).toMatchObject({
      status: 'fail',
      evidence: { observed: { 'live.incidents.count': 0 }, live: { tool: 'servicenow.list_incidents', input: { text: host.hostname, active: true, limit: 5 }, outcome: 'succeeded' } },
    });
    // An isolated host is no longer asked about detections (containment is the answer to those).
    expect(before.json.results.some((item) => item.checkId === 'no-unresolved-critical-detection')).toBe(false);

    const created = await fetch(`${env.lab.url}/servicenow/api/now/table/incident`, {
      method: 'POST',
      headers: { authorization: basic(LAB_CREDENTIALS.servicenow.username, LAB_CREDENTIALS.servicenow.password), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ short_description: `Isolated ${host.hostname} for forensics`, urgency: '2', impact: '2' }),
    });
    expect(created.status).toBe(201);
    const after = await cliJson<PolicyRunResult>(['policy', 'check', host.hostname, '--policy', 'endpoint-hardening']);
    expect(after.json.results.find((item) => item.checkId === 'isolated-with-ticket')).toMatchObject({ status: 'pass', evidence: { observed: { 'live.incidents.count': 1 } } });
  });

  it('check --all --output writes the drift report: what changed between two scans of the lab', async () => {
    // Baseline state (24 h earlier), first run; then the current state, a new scan, a second run.
    env.lab.context.inventoryPhase = 'baseline';
    const first = await runCli(['policy', 'check', '--all', '--output', 'first.json'], { home: env.home });
    expect(first.code).toBe(1);
    const firstReport = JSON.parse(readFileSync(join(env.home, 'first.json'), 'utf8')) as { schema: string; drift: PolicyRunResult['drift'] };
    expect(firstReport).toMatchObject({ schema: 'defenseclaw.policy-drift/v1', drift: { previousRuns: [] } });

    env.lab.context.inventoryPhase = 'current';
    expect((await runCli(['inventory', 'scan'], { home: env.home })).code).toBe(0);
    const second = await runCli(['policy', 'check', '--all', '--output', 'drift.md'], { home: env.home });
    expect(second.code).toBe(1);
    const markdown = readFileSync(join(env.home, 'drift.md'), 'utf8');
    const { json } = await cliJson<PolicyRunResult>(['policy', 'check', '--all']);
    // The third run compares with the second: same snapshot, nothing moved.
    expect(json.drift).toMatchObject({ newFailures: [], resolved: [], noLongerEvaluated: [], newErrors: [] });

    const changes = env.lab.world.inventory.changes;
    const runs = env.runtime.policies().runs({ policy: 'all' });
    const secondRun = env.runtime.policies().run(runs[1]!.id)!;
    const drift = secondRun.drift!;
    expect(drift.previousRuns.map((run) => run.policy)).toEqual(['cis-controls', 'endpoint-hardening']);
    // New failures come only from hosts that arrived or changed; failures that vanished only from hosts that left or changed.
    const managed = new Set(managedHosts().map((host) => host.hostname));
    const arrivedOrChanged = new Set([...changes.added, ...changes.changed]);
    expect(drift.newFailures.length).toBeGreaterThan(0);
    for (const entry of drift.newFailures) expect(arrivedOrChanged.has(entry.hostname), entry.hostname).toBe(true);
    const leftOrChanged = new Set([...changes.removed, ...changes.changed]);
    expect(drift.noLongerEvaluated.length).toBeGreaterThan(0);
    for (const entry of [...drift.noLongerEvaluated, ...drift.resolved]) expect(leftOrChanged.has(entry.hostname), entry.hostname).toBe(true);
    // Every failing check of every added, managed host is a new failure.
    for (const hostname of changes.added.filter((name) => managed.has(name))) {
      const failures = secondRun.results.filter((item) => item.hostname === hostname && item.status === 'fail').length;
      expect(drift.newFailures.filter((entry) => entry.hostname === hostname)).toHaveLength(failures);
    }
    expect(markdown).toContain('# Policy drift: all');
    expect(markdown).toContain(`## New failures (${drift.newFailures.length})`);
    expect(markdown).toContain(`## No longer evaluated (${drift.noLongerEvaluated.length})`);
  });
});
