/**
 * Issue 4, property 3: approvals through the gateway against the lab. Who may decide, self-approval,
 * two distinct approvers for critical tools, expiry, arguments changed after approval, and an
 * approved call running exactly once. The lab journal shows what reached the products.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { GatewayResult } from '../../src/gateway/gateway-result.js';
import { runCli } from '../helpers/cli.js';
import { auditRecord, caller, journalMark, lastAudit, requestsSince, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';

let env: GatewayLab | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const FULL = { read: true, write: true, execute: true };
const ISOLATE = { hostname: 'workstation-042', comment: 'x' };
/** An analyst who is not an approver, running in the secure runtime (every execute needs approval). */
const analyst = caller({ tools: '*', scopes: FULL, runtime: 'secure', requester: 'U0LABANALYST' });

async function isolationPuts(since: number) {
  return (await requestsSince(env!.lab.url, since, { product: 'secure_endpoint', method: 'PUT' })).filter((entry) => entry.path.endsWith('/isolation'));
}

function approvalIdOf(result: GatewayResult): string {
  expect(result.outcome, JSON.stringify(result)).toBe('awaiting_approval');
  return (result as { approvalId: string }).approvalId;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error('the decision was not refused');
}

describe('approvals through the gateway against the lab', () => {
  it('someone who is not an approver is refused (audited), the approval stays pending and nothing runs', async () => {
    env = await startGatewayLab();
    const { runtime } = env;
    const mark = await journalMark(env.lab.url);
    const id = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst));

    expect(await refusal(runtime.approvals().decide(id, 'U0INTRUDER', 'approve'))).toBe('approval_not_approver');
    expect(lastAudit(runtime)).toMatchObject({ action: 'approval.decide', outcome: 'denied', target: 'secure_endpoint.isolate_host' });
    expect(lastAudit(runtime).parsed).toMatchObject({ approval_id: id, approver: 'U0INTRUDER', refusal: 'approval_not_approver' });

    // The same through the CLI, deciding as a cli_identity that is not an approver.
    expect((await runCli(['config', 'set', 'approvals.cli_identity', 'U0INTRUDER'], { home: env.home })).code).toBe(0);
    const cli = await runCli(['approvals', 'approve', id], { home: env.home });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/U0INTRUDER/);

    expect(runtime.approvals().get(id)).toMatchObject({ state: 'pending', votes: [] });
    const resumed = await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst, { approvalId: id });
    expect(resumed).toMatchObject({ outcome: 'awaiting_approval', approvalId: id });
    // Asking again while pending is an outcome too: audited.
    expect(auditRecord(runtime, resumed.auditSeq)).toMatchObject({ action: 'tool.call', target: 'secure_endpoint.isolate_host', outcome: 'awaiting_approval' });
    expect(auditRecord(runtime, resumed.auditSeq).parsed).toMatchObject({ approval_id: id, still_pending: true });
    expect(await isolationPuts(mark)).toEqual([]);
  });

  it('the requester cannot approve their own request; another approver can, and then it runs', async () => {
    env = await startGatewayLab();
    const { runtime } = env;
    const mark = await journalMark(env.lab.url);
    // The requester is the approver identity the CLI decides as (approvals.cli_identity U0LABAPR01).
    const self = caller({ tools: '*', scopes: FULL, runtime: 'secure', requester: 'U0LABAPR01' });
    const id = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, self));

    const cli = await runCli(['approvals', 'approve', id], { home: env.home });
    expect(cli.code).toBe(1);
    expect(lastAudit(runtime)).toMatchObject({ action: 'approval.decide', outcome: 'denied' });
    expect(lastAudit(runtime).parsed).toMatchObject({ approval_id: id, approver: 'U0LABAPR01', refusal: 'approval_self' });
    expect(await refusal(runtime.approvals().decide(id, 'U0LABAPR01', 'approve'))).toBe('approval_self');
    expect(runtime.approvals().get(id)!.state).toBe('pending');
    expect((await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, self, { approvalId: id })).outcome).toBe('awaiting_approval');
    expect(await isolationPuts(mark)).toEqual([]);

    expect((await runtime.approvals().decide(id, 'U0LABAPR02', 'approve')).state).toBe('approved');
    const ran = await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, self, { approvalId: id });
    expect(ran, JSON.stringify(ran)).toMatchObject({ outcome: 'succeeded', approvalId: id });
    expect(await isolationPuts(mark)).toHaveLength(1);
  });

  it('a critical tool (secure_firewall.deploy) needs two distinct approvers; a second vote by the same person is refused', async () => {
    env = await startGatewayLab();
    const { runtime } = env;
    // Give the FMC a pending change to deploy (standard runtime, no approval).
    const block = await runtime.gateway().call('secure_firewall.block_ip', { ip: '185.220.101.5' }, caller({ tools: '*', scopes: FULL, runtime: 'standard', requiresApproval: false }));
    expect(block.outcome, JSON.stringify(block)).toBe('succeeded');
    const mark = await journalMark(env.lab.url);
    const deployments = async () => (await requestsSince(env!.lab.url, mark, { product: 'secure_firewall', method: 'POST' })).filter((entry) => entry.path.endsWith('/deployment/deploymentrequests'));
    const input = { note: 'issue 4 critical approval test', wait: false };

    // `critical` raises the number of approvers, not whether one is asked: ask in the secure runtime.
    const id = approvalIdOf(await runtime.gateway().call('secure_firewall.deploy', input, analyst));
    expect(runtime.approvals().get(id)).toMatchObject({ critical: true, requiredApprovals: 2, risk: 'critical' });

    expect((await runtime.approvals().decide(id, 'U0LABAPR01', 'approve')).state).toBe('pending');
    expect(await runtime.gateway().call('secure_firewall.deploy', input, analyst, { approvalId: id })).toMatchObject({ outcome: 'awaiting_approval', approvalId: id });
    expect(await deployments()).toEqual([]);

    expect(await refusal(runtime.approvals().decide(id, 'U0LABAPR01', 'approve'))).toBe('approval_duplicate_approver');
    expect(lastAudit(runtime).parsed).toMatchObject({ approval_id: id, refusal: 'approval_duplicate_approver' });
    expect(runtime.approvals().get(id)).toMatchObject({ state: 'pending', votes: [expect.objectContaining({ approver: 'U0LABAPR01', decision: 'approve' })] });
    expect(await deployments()).toEqual([]);

    const approved = await runtime.approvals().decide(id, 'U0LABAPR02', 'approve');
    expect(approved.state).toBe('approved');
    expect(approved.votes.map((vote) => vote.approver).sort()).toEqual(['U0LABAPR01', 'U0LABAPR02']);
    const ran = await runtime.gateway().call('secure_firewall.deploy', input, analyst, { approvalId: id });
    expect(ran, JSON.stringify(ran)).toMatchObject({ outcome: 'succeeded', approvalId: id });
    expect(await deployments()).toHaveLength(1);
    // Used once: the same approval does not deploy again.
    expect((await runtime.gateway().call('secure_firewall.deploy', input, analyst, { approvalId: id })).outcome).toBe('awaiting_approval');
    expect(await deployments()).toHaveLength(1);
  });

  it('a decision after expiry is refused, the approval is expired, and a resumed call with it returns expired and reaches nothing', async () => {
    const clock = fixedClock(Date.now());
    env = await startGatewayLab({ clock });
    const { runtime } = env;
    const mark = await journalMark(env.lab.url);
    const id = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst));
    clock.advance(60 * 60 * 1000 + 1); // approvals.expiry is 1h in the lab config

    const cli = await runCli(['approvals', 'approve', id], { home: env.home, clock });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/expired/);
    expect(await refusal(runtime.approvals().decide(id, 'U0LABAPR02', 'approve'))).toMatch(/^approval_(expired|not_pending)$/);
    expect(runtime.approvals().get(id)).toMatchObject({ state: 'expired', decidedBy: 'system' });
    expect(runtime.ledger().query({ action: 'approval.expire' })).toEqual([expect.objectContaining({ outcome: 'expired', target: 'secure_endpoint.isolate_host' })]);

    const resumed = await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst, { approvalId: id });
    expect(resumed).toMatchObject({ outcome: 'expired', approvalId: id });
    expect(auditRecord(runtime, (resumed as { auditSeq: number }).auditSeq)).toMatchObject({ outcome: 'expired', target: 'secure_endpoint.isolate_host' });
    expect(await requestsSince(env.lab.url, mark, { product: 'secure_endpoint' })).toEqual([]);
  });

  it('a denied approval makes the resumed call rejected and reaches nothing', async () => {
    env = await startGatewayLab();
    const { runtime } = env;
    const mark = await journalMark(env.lab.url);
    const id = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst));
    const deny = await runCli(['approvals', 'deny', id, '--reason', 'not this host'], { home: env.home });
    expect(deny.code, deny.stderr).toBe(0);
    const resumed = await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst, { approvalId: id });
    expect(resumed).toMatchObject({ outcome: 'rejected', approvalId: id, reason: 'not this host' });
    expect(await requestsSince(env.lab.url, mark, { product: 'secure_endpoint' })).toEqual([]);
  });

  it('arguments changed after approval ask a new approval; the old one does not run them, and runs only its own arguments', async () => {
    env = await startGatewayLab();
    const { runtime } = env;
    const mark = await journalMark(env.lab.url);
    const id = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst));
    expect((await runtime.approvals().decide(id, 'U0LABAPR02', 'approve')).state).toBe('approved');

    for (const changed of [{ ...ISOLATE, comment: 'y' }, { hostname: 'workstation-043', comment: 'x' }]) {
      const result = await runtime.gateway().call('secure_endpoint.isolate_host', changed, analyst, { approvalId: id });
      const fresh = approvalIdOf(result);
      expect(fresh).not.toBe(id);
      expect(runtime.approvals().get(fresh)).toMatchObject({ state: 'pending', tool: 'secure_endpoint.isolate_host' });
    }
    // Another requester cannot ride on it either.
    const other = caller({ tools: '*', scopes: FULL, runtime: 'secure', requester: 'U0SOMEONEELSE' });
    expect(approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, other, { approvalId: id }))).not.toBe(id);
    expect(await isolationPuts(mark)).toEqual([]);
    expect(runtime.approvals().get(id)).toMatchObject({ state: 'approved', executedAt: null });

    const ran = await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst, { approvalId: id });
    expect(ran).toMatchObject({ outcome: 'succeeded', approvalId: id });
    expect(await isolationPuts(mark)).toHaveLength(1);
  });

  it('an approved call runs exactly once: concurrent and repeated calls with the same approval make one PUT', async () => {
    env = await startGatewayLab();
    const { runtime } = env;
    const mark = await journalMark(env.lab.url);
    const id = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst));
    expect((await runtime.approvals().decide(id, 'U0LABAPR02', 'approve')).state).toBe('approved');

    const results = await Promise.all([1, 2, 3].map(() => runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst, { approvalId: id })));
    expect(results.filter((result) => result.outcome === 'succeeded')).toHaveLength(1);
    expect(results.filter((result) => result.outcome !== 'succeeded').every((result) => result.outcome === 'awaiting_approval' || result.outcome === 'denied')).toBe(true);
    expect(runtime.approvals().get(id)!.executedAt).not.toBeNull();

    const again = await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst, { approvalId: id });
    expect(again.outcome).not.toBe('succeeded');
    const puts = await isolationPuts(mark);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.status).toBe(200);
    expect(runtime.ledger().query({ target: 'secure_endpoint.isolate_host', outcome: 'succeeded' })).toHaveLength(1);
  });

  it('an approver listed only through a user group (S0LABAPPRV) decides from the CLI: membership is looked up in Slack; others and failed look-ups are refused', async () => {
    env = await startGatewayLab();
    const { runtime } = env;
    const mark = await journalMark(env.lab.url);
    const asIdentity = async (identity: string) => expect((await runCli(['config', 'set', 'approvals.cli_identity', identity], { home: env!.home })).code).toBe(0);

    // U0LABANA01 is in the SOC group, not in the approver group: refused, nothing runs.
    const first = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst));
    await asIdentity('U0LABANA01');
    const outsider = await runCli(['approvals', 'approve', first], { home: env.home });
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toMatch(/U0LABANA01/);

    // U0LABLEAD1 is not listed in approvals.approvers, but is a member of S0LABAPPRV, which is.
    await asIdentity('U0LABLEAD1');
    const member = await runCli(['approvals', 'approve', first, '--json'], { home: env.home });
    expect(member.code, member.stderr).toBe(0);
    expect(JSON.parse(member.stdout)).toMatchObject({ id: first, state: 'approved', decided_by: 'U0LABLEAD1' });
    const decision = runtime.ledger().query({ action: 'approval.decide', outcome: 'approved' });
    expect(decision.map((record) => JSON.parse(record.details) as Record<string, unknown>)).toEqual([expect.objectContaining({ approval_id: first, approver: 'U0LABLEAD1', via: 'group:S0LABAPPRV' })]);
    expect(await isolationPuts(mark)).toEqual([]);
    expect(await runtime.gateway().call('secure_endpoint.isolate_host', ISOLATE, analyst, { approvalId: first })).toMatchObject({ outcome: 'succeeded' });

    // Slack refuses the look-up (a bad bot token): the group grants nothing (fail closed).
    const second = approvalIdOf(await runtime.gateway().call('secure_endpoint.isolate_host', { ...ISOLATE, comment: 'second' }, analyst));
    expect((await runCli(['config', 'set', 'slack.bot_token', 'xoxb-000000000001-lab0000000001-revokedtoken'], { home: env.home })).code).toBe(0);
    const unresolved = await runCli(['approvals', 'approve', second], { home: env.home });
    expect(unresolved.code).toBe(1);
    expect(runtime.approvals().get(second)).toMatchObject({ state: 'pending', votes: [] });
    expect(lastAudit(runtime).parsed).toMatchObject({ approval_id: second, approver: 'U0LABLEAD1', refusal: 'approval_not_approver', group_errors: [expect.objectContaining({ group: 'S0LABAPPRV' })] });
  });
});
