import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import type { ApprovalRequest } from '../../src/approvals/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { runCli, temporaryHome } from '../helpers/cli.js';

const IDENTITY = 'U0CLIADMIN';
const START = '2026-11-23T10:00:00.000Z';

let home: ReturnType<typeof temporaryHome>;
let clock: ReturnType<typeof fixedClock>;
beforeEach(() => {
  home = temporaryHome();
  clock = fixedClock(START);
});
afterEach(() => home.cleanup());

const cli = (args: string[]) => runCli(args, { home: home.home, clock });

function writeConfig(approvals: string): void {
  writeFileSync(join(home.home, 'config.yaml'), `approvals:\n${approvals}`, { mode: 0o600 });
}

/** Creates approvals through the same runtime the CLI builds (as the gateway will). */
function requestApprovals(...requests: Partial<ApprovalRequest>[]): string[] {
  const runtime = new Runtime({ home: home.home, env: {}, clock, actor: 'agent:phishing-triage' });
  try {
    return requests.map(
      (overrides, index) =>
        runtime.approvals().request({
          tool: 'secure_endpoint.isolate_host',
          args: { host: `workstation-04${index}` },
          argsSummary: { host: `workstation-04${index}` },
          requester: 'U0REQUESTER',
          actor: 'agent:phishing-triage',
          runId: `run_${index}`,
          reason: 'credential dumping',
          ...overrides,
        }).id,
    );
  } finally {
    runtime.close();
  }
}

describe('defenseclaw approvals', () => {
  beforeEach(() => {
    writeConfig(`  approvers: [${IDENTITY}, U0ALICE]\n  cli_identity: ${IDENTITY}\n  critical_tools: [secure_firewall.deploy_policy]\n  expiry: 30m\n`);
  });

  it('has --help on every sub-command', async () => {
    for (const path of [['approvals'], ['approvals', 'list'], ['approvals', 'show'], ['approvals', 'approve'], ['approvals', 'deny']]) {
      const result = await cli([...path, '--help']);
      expect(result.code, path.join(' ')).toBe(0);
      expect(result.stdout).toContain(`Usage: defenseclaw ${path.join(' ')}`);
    }
  });

  it('lists nothing (and creates no database) in a fresh home', async () => {
    expect(await cli(['approvals', 'list', '--json'])).toMatchObject({ code: 0, stdout: '[]\n' });
    expect((await cli(['approvals', 'list'])).stderr).toContain('no approvals');
    expect(existsSync(join(home.home, 'defenseclaw.db'))).toBe(false);
  });

  it('lists approvals as a table and as JSON, pending only with --pending', async () => {
    const [first, critical] = requestApprovals({}, { tool: 'secure_firewall.deploy_policy' });
    clock.advance(1_000);
    const table = await cli(['approvals', 'list']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+TOOL\s+REQUESTER\s+VOTES\s+EXPIRES\s+REASON$/);
    expect(table.stdout).toContain(`${critical}  pending  secure_firewall.deploy_policy`);
    expect(table.stdout).toMatch(new RegExp(`${critical}.*0/2\\s+2026-11-23T10:30:00.000Z\\s+credential dumping`));
    expect(table.stdout).toMatch(new RegExp(`${first}.*0/1`));

    expect((await cli(['approvals', 'deny', first!, '--reason', 'wrong host'])).code).toBe(0);
    const json = await cli(['approvals', 'list', '--pending', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ id: critical, state: 'pending', critical: true, required_approvals: 2, votes: [], args_summary: { host: 'workstation-041' } });
  });

  it('approves as the CLI identity, audited as cli:<user> as <identity>', async () => {
    const [id] = requestApprovals({});
    const result = await cli(['approvals', 'approve', id!, '--reason', 'confirmed', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id, state: 'approved', decided_by: IDENTITY, votes: [{ approver: IDENTITY, decision: 'approve', reason: 'confirmed' }] });
    const audit = JSON.parse((await cli(['audit', 'show', '--action', 'approval.decide', '--json'])).stdout) as { actor: string; outcome: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toMatch(new RegExp(`^cli:.+ as ${IDENTITY}$`));
    expect(audit[0]!.outcome).toBe('approved');
    // Deciding it again: a refusal, exit 1, one line.
    const again = await cli(['approvals', 'deny', id!, '--reason', 'too late']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`defenseclaw: approval ${id} is already approved\n`);
  });

  it('a critical approval needs a second approver: the CLI vote leaves it pending', async () => {
    const [id] = requestApprovals({ tool: 'secure_firewall.deploy_policy' });
    const first = await cli(['approvals', 'approve', id!]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('1/2');
    const duplicate = await cli(['approvals', 'approve', id!]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already voted');
  });

  it('deny requires --reason (exit 2) and then denies', async () => {
    const [id] = requestApprovals({});
    const missing = await cli(['approvals', 'deny', id!]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--reason');
    expect((await cli(['approvals', 'deny', id!, '--reason', '  '])).code).toBe(2);
    const denied = await cli(['approvals', 'deny', id!, '--reason', 'wrong host']);
    expect(denied).toMatchObject({ code: 0, stdout: `denied ${id} (secure_endpoint.isolate_host) as ${IDENTITY}\n` });
  });

  it('refusals exit 1: expired, not an approver, own request', async () => {
    const [expired, own] = requestApprovals({}, { requester: IDENTITY });
    clock.advance(30 * 60_000);
    const late = await cli(['approvals', 'approve', expired!]);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/expired at 2026-11-23T10:30:00.000Z; the call is denied/);
    expect(JSON.parse((await cli(['approvals', 'show', expired!, '--json'])).stdout)).toMatchObject({ state: 'expired' });

    const [fresh] = requestApprovals({ runId: 'run_fresh' });
    expect((await cli(['approvals', 'approve', own!])).code).toBe(1); // expired too, but refused as own request first
    expect((await cli(['approvals', 'approve', own!])).stderr).toContain('cannot decide it');

    writeConfig(`  approvers: [U0ALICE]\n  cli_identity: ${IDENTITY}\n`);
    const notApprover = await cli(['approvals', 'approve', fresh!]);
    expect(notApprover.code).toBe(1);
    expect(notApprover.stderr).toBe(`defenseclaw: ${IDENTITY} is not an approver (approvals.approvers); approval ${fresh} is unchanged\n`);
  });

  it('an unknown id or a missing cli_identity is bad input (exit 2)', async () => {
    const unknown = await cli(['approvals', 'approve', 'apr_0000000000000000']);
    expect(unknown).toMatchObject({ code: 2, stderr: 'defenseclaw: no approval with id apr_0000000000000000\n' });
    expect(existsSync(join(home.home, 'defenseclaw.db'))).toBe(false);
    requestApprovals({});
    expect((await cli(['approvals', 'deny', 'apr_0000000000000000', '--reason', 'x'])).code).toBe(2);
    expect((await cli(['approvals', 'show', 'apr_0000000000000000'])).code).toBe(2);

    writeConfig('  approvers: [U0ALICE]\n');
    const noIdentity = await cli(['approvals', 'approve', 'apr_0000000000000000']);
    expect(noIdentity.code).toBe(2);
    expect(noIdentity.stderr).toContain('defenseclaw config set approvals.cli_identity U');
  });
});
