/**
 * Issue 7, "Prove it" — enforcement: a dry run changes nothing (the lab journal is the oracle);
 * auto-remediation on the crown-jewel asset is stopped by the guard (denied, audited); an
 * approval-gated remediation waits for an approver, and runs once after the approval.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyRunResult } from '../../src/policy/index.js';
import { isMutating, journalMark, labRequests, requestsSince, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';
import { runCli } from '../helpers/cli.js';

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

async function enforce(args: string[]): Promise<{ code: number; result: PolicyRunResult }> {
  const cli = await runCli(['policy', 'enforce', ...args, '--json'], { home: env.home });
  expect(cli.stderr).toBe('');
  return { code: cli.code, result: JSON.parse(cli.stdout) as PolicyRunResult };
}

function toolCalls(tool: string) {
  return env.runtime.ledger().query({ action: 'tool.call' }).filter((record) => record.target === tool);
}

describe('policy enforce against the lab', () => {
  it('--dry-run lists every remediation it would make and changes nothing', async () => {
    const mark = await journalMark(env.lab.url);
    const { code, result } = await enforce(['--policy', 'endpoint-hardening', '--dry-run', '--auto-remediate']);
    expect(code).toBe(0);
    expect(result).toMatchObject({ mode: 'enforce', dryRun: true, autoRemediate: true, status: 'complete' });
    const remediated = result.results.filter((item) => item.remediation !== undefined);
    // Every failure with a remediation was sent as a dry run (the crown jewel is refused even then).
    expect(remediated).toHaveLength(result.results.filter((item) => item.status === 'fail' && ['crowdstrike-present', 'seen-in-last-7-days', 'no-unresolved-critical-detection'].includes(item.checkId)).length);
    expect(remediated.length).toBeGreaterThan(20);
    for (const item of remediated) {
      if (item.hostname === 'srv-db-01') expect(item.remediation).toMatchObject({ outcome: 'denied', reason: 'host srv-db-01 is tagged crown-jewel' });
      else expect(item.remediation).toMatchObject({ outcome: 'dry_run', wouldRequireApproval: true });
    }
    expect(result.results.find((item) => item.hostname === 'workstation-042' && item.checkId === 'no-unresolved-critical-detection')?.remediation).toMatchObject({
      tool: 'crowdstrike.contain_host',
      outcome: 'dry_run',
      input: { hostname: 'workstation-042', reason: expect.stringContaining('unresolved critical Falcon detection') },
    });
    // The oracle: the lab received no request that changes anything, and no approval was asked for.
    expect((await requestsSince(env.lab.url, mark)).filter(isMutating)).toEqual([]);
    expect(env.runtime.approvals().list({ pending: true })).toEqual([]);
    // Each dry run is audited as one.
    expect(toolCalls('crowdstrike.contain_host').map((record) => record.outcome)).toEqual(['denied', 'dry_run']);
    expect(toolCalls('servicenow.create_incident').every((record) => record.outcome === 'dry_run')).toBe(true);

    const text = await runCli(['policy', 'enforce', '--policy', 'endpoint-hardening', '--resource', 'workstation-042', '--dry-run'], { home: env.home });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Remediations (dry run, nothing changed): 1 dry run.');
    expect(text.stdout).toMatch(/workstation-042\s+endpoint-hardening\/no-unresolved-critical-detection\s+crowdstrike\.contain_host\s+dry_run\s+would wait for approval/);
    expect((await labRequests(env.lab.url)).filter(isMutating)).toEqual([]);
  });

  it('--auto-remediate on the crown-jewel asset is stopped by the guard: denied, audited, nothing sent', async () => {
    const mark = await journalMark(env.lab.url);
    const { code, result } = await enforce(['--policy', 'endpoint-hardening', '--resource', 'srv-db-01', '--auto-remediate']);
    expect(code).toBe(0);
    const [failure] = result.results.filter((item) => item.status === 'fail');
    expect(failure).toMatchObject({ hostname: 'srv-db-01', checkId: 'no-unresolved-critical-detection', remediation: { tool: 'crowdstrike.contain_host', outcome: 'denied', reason: 'host srv-db-01 is tagged crown-jewel' } });
    const [record] = toolCalls('crowdstrike.contain_host');
    expect(record).toMatchObject({ outcome: 'denied', actor: 'policy:endpoint-hardening', scope: 'execute', seq: failure!.remediation!.auditSeq });
    expect(JSON.parse(record!.details)).toMatchObject({ reason: 'host srv-db-01 is tagged crown-jewel', requester: expect.stringMatching(/^cli:/) });
    expect(env.runtime.approvals().list()).toEqual([]);
    expect((await requestsSince(env.lab.url, mark)).filter(isMutating)).toEqual([]);
  });

  it('an approval-gated remediation waits for an approver; after the approval the next enforcement runs it once', async () => {
    const mark = await journalMark(env.lab.url);
    const { result } = await enforce(['--policy', 'endpoint-hardening', '--resource', 'workstation-042', '--auto-remediate']);
    const remediation = result.results.find((item) => item.status === 'fail')!.remediation!;
    expect(remediation).toMatchObject({ tool: 'crowdstrike.contain_host', outcome: 'awaiting_approval', approvalId: expect.stringMatching(/^apr_/) });
    const [approval] = env.runtime.approvals().list({ pending: true });
    expect(approval).toMatchObject({ id: remediation.approvalId, tool: 'crowdstrike.contain_host', state: 'pending', actor: 'policy:endpoint-hardening' });
    expect(approval!.reason).toContain('no-unresolved-critical-detection (critical) fails on workstation-042');
    expect(toolCalls('crowdstrike.contain_host').map((call) => call.outcome)).toEqual(['awaiting_approval']);
    // Nothing was executed: no containment request reached Falcon.
    expect((await requestsSince(env.lab.url, mark)).filter(isMutating)).toEqual([]);

    // Enforcing again while it waits asks no second time.
    const again = await enforce(['--policy', 'endpoint-hardening', '--resource', 'workstation-042', '--auto-remediate']);
    expect(again.result.results.find((item) => item.status === 'fail')!.remediation).toMatchObject({ outcome: 'awaiting_approval', approvalId: remediation.approvalId });
    expect(env.runtime.approvals().list()).toHaveLength(1);

    expect((await env.runtime.approvals().decide(remediation.approvalId!, 'U0LABAPR02', 'approve')).state).toBe('approved');
    const approved = await enforce(['--policy', 'endpoint-hardening', '--resource', 'workstation-042', '--auto-remediate']);
    expect(approved.result.results.find((item) => item.status === 'fail')!.remediation).toMatchObject({ outcome: 'succeeded', approvalId: remediation.approvalId });
    const contained = (await requestsSince(env.lab.url, mark)).filter(isMutating);
    expect(contained.map((entry) => `${entry.method} ${entry.path}`)).toEqual(['POST /crowdstrike/devices/entities/devices-actions/v2']);
    // The approval was used once: a further enforcement asks again instead of re-running it.
    const after = await enforce(['--policy', 'endpoint-hardening', '--resource', 'workstation-042', '--auto-remediate']);
    expect(after.result.results.find((item) => item.status === 'fail')!.remediation!.approvalId).not.toBe(remediation.approvalId);
  });

  it('without --auto-remediate even a remediation the policy allows to run waits for an approver', async () => {
    const host = env.lab.world.inventory.current.find((candidate) => candidate.kind === 'server' && candidate.crowdstrike === undefined && candidate.secureEndpoint !== undefined)!;
    const { result } = await enforce(['--policy', 'endpoint-hardening', '--resource', host.hostname]);
    const ticket = result.results.find((item) => item.checkId === 'crowdstrike-present')!;
    expect(ticket.remediation).toMatchObject({ tool: 'servicenow.create_incident', outcome: 'awaiting_approval', input: { correlation_id: `dc-policy:crowdstrike-present:${host.hostname}` } });
    expect(result.notes).toContain('Without --auto-remediate every remediation waits for an approver.');
    expect((await labRequests(env.lab.url)).filter(isMutating)).toEqual([]);
  });
});
