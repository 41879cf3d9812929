/**
 * Issue 4, properties 1 and 2: the gateway's permission matrix and argument guards, proven against
 * the real code and the embedded lab over loopback. The lab journal (`GET /__lab/requests`) is the
 * oracle for "nothing reached the product"; the audit ledger for "every refusal is recorded".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayResult } from '../../src/gateway/gateway-result.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { auditRecord, basic, caller, journalMark, lastAudit, requestsSince, isMutating, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

type Scope = 'read' | 'write' | 'execute';

interface ToolCase {
  id: string;
  scope: Scope;
  product: string;
  input: Record<string, unknown>;
  /** A tool of the same connector and scope: granted instead of `id` for "scope granted, tool not listed". */
  sibling: string;
}

const TOOLS: readonly ToolCase[] = [
  { id: 'secure_endpoint.get_computer', scope: 'read', product: 'secure_endpoint', input: { hostname: 'workstation-042' }, sibling: 'secure_endpoint.list_computers' },
  { id: 'servicenow.create_incident', scope: 'write', product: 'servicenow', input: { short_description: 'DefenseClaw permission matrix: suspicious logons on workstation-042' }, sibling: 'servicenow.update_incident' },
  { id: 'secure_endpoint.isolate_host', scope: 'execute', product: 'secure_endpoint', input: { hostname: 'workstation-042', comment: 'x' }, sibling: 'secure_endpoint.release_host' },
];

type Mode = { name: string; runtime: 'secure' | 'standard'; requiresApproval: boolean };
const MODES: readonly Mode[] = [
  { name: 'secure runtime, requires_approval false', runtime: 'secure', requiresApproval: false },
  { name: 'secure runtime, requires_approval true', runtime: 'secure', requiresApproval: true },
  { name: 'standard runtime, requires_approval false', runtime: 'standard', requiresApproval: false },
  { name: 'standard runtime, requires_approval true', runtime: 'standard', requiresApproval: true },
];

type Grant = 'granted' | 'scope not granted' | 'tool not listed';
const GRANTS: readonly Grant[] = ['granted', 'scope not granted', 'tool not listed'];

function callerFor(tool: ToolCase, grant: Grant, mode: Mode) {
  const all = { read: true, write: true, execute: true };
  const scopes = grant === 'scope not granted' ? { ...all, [tool.scope]: false } : all;
  const tools = grant === 'tool not listed' ? [tool.sibling] : [tool.id];
  return caller({ tools, scopes, runtime: mode.runtime, requiresApproval: mode.requiresApproval });
}

/** What the matrix says must happen. */
function expected(tool: ToolCase, grant: Grant, mode: Mode): GatewayResult['outcome'] {
  if (grant !== 'granted') return 'denied';
  // A step that says requires_approval waits, a read too; otherwise reads never ask.
  if (tool.scope === 'read') return mode.requiresApproval ? 'awaiting_approval' : 'succeeded';
  if (mode.runtime === 'secure' || mode.requiresApproval) return 'awaiting_approval';
  return 'succeeded';
}

const MATRIX = TOOLS.flatMap((tool) => GRANTS.flatMap((grant) => MODES.map((mode) => ({ tool, grant, mode, outcome: expected(tool, grant, mode) }))));

/** Asserts the product state changed the way the succeeded write/execute call says. */
async function assertLabChanged(tool: ToolCase, result: Extract<GatewayResult, { outcome: 'succeeded' }>, mark: number): Promise<void> {
  const output = result.output as Record<string, unknown>;
  if (tool.id === 'secure_endpoint.isolate_host') {
    const guid = output.connector_guid as string;
    const puts = await requestsSince(env.lab.url, mark, { product: 'secure_endpoint', method: 'PUT' });
    expect(puts.map((entry) => [entry.path, entry.status])).toEqual([[`/secure-endpoint/v1/computers/${guid}/isolation`, 200]]);
    const response = await fetch(`${env.lab.url}/secure-endpoint/v1/computers/${guid}/isolation`, {
      headers: { authorization: basic(LAB_CREDENTIALS.secureEndpoint.clientId, LAB_CREDENTIALS.secureEndpoint.apiKey) },
    });
    const body = (await response.json()) as { data: { status: string } };
    expect(['pending_start', 'isolated']).toContain(body.data.status);
  } else if (tool.id === 'servicenow.create_incident') {
    const sysId = output.sys_id as string;
    expect(sysId).toMatch(/^[0-9a-f]{32}$/);
    const posts = await requestsSince(env.lab.url, mark, { product: 'servicenow', method: 'POST' });
    expect(posts.map((entry) => entry.path)).toEqual(['/servicenow/api/now/table/incident']);
    const response = await fetch(`${env.lab.url}/servicenow/api/now/table/incident/${sysId}`, {
      headers: { authorization: basic(LAB_CREDENTIALS.servicenow.username, LAB_CREDENTIALS.servicenow.password), accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result: { short_description: string } }).result.short_description).toBe(tool.input.short_description);
  }
}

describe('gateway permission matrix against the lab', () => {
  it.each(MATRIX)('$tool.id ($tool.scope), $grant, $mode.name → $outcome', async ({ tool, grant, mode, outcome }) => {
    const gateway = env.runtime.gateway();
    const mark = await journalMark(env.lab.url);
    const result = await gateway.call(tool.id, tool.input, callerFor(tool, grant, mode));
    expect(result.outcome, JSON.stringify(result)).toBe(outcome);
    const toProduct = await requestsSince(env.lab.url, mark, { product: tool.product });

    switch (result.outcome) {
      case 'denied': {
        expect(result.reason).toMatch(grant === 'scope not granted' ? new RegExp(`^scope ${tool.scope} is not granted`) : new RegExp(`^${tool.id.replace('.', '\\.')} is not among the tools granted`));
        // Nothing reached the product, nothing was asked of an approver.
        expect(toProduct).toEqual([]);
        expect(env.runtime.approvals().list()).toEqual([]);
        const record = auditRecord(env.runtime, result.auditSeq);
        expect(record).toMatchObject({ action: 'tool.call', target: tool.id, scope: tool.scope, outcome: 'denied', actor: 'cli:gateway-test' });
        expect(record.parsed.reason).toBe(result.reason);
        expect(lastAudit(env.runtime).seq).toBe(result.auditSeq);
        break;
      }
      case 'awaiting_approval': {
        // No request at all reached the product: the approval gate stands before the handler.
        expect(toProduct).toEqual([]);
        const approval = env.runtime.approvals().get(result.approvalId)!;
        expect(approval).toMatchObject({ state: 'pending', tool: tool.id, requester: 'cli:gateway-test', executedAt: null });
        expect(auditRecord(env.runtime, result.auditSeq)).toMatchObject({ target: tool.id, outcome: 'awaiting_approval' });
        break;
      }
      case 'succeeded': {
        expect(toProduct.length).toBeGreaterThan(0);
        if (tool.scope === 'read') expect(toProduct.filter(isMutating)).toEqual([]);
        else await assertLabChanged(tool, result, mark);
        expect(auditRecord(env.runtime, result.auditSeq)).toMatchObject({ target: tool.id, scope: tool.scope, outcome: 'succeeded' });
        break;
      }
      default:
        throw new Error(`unexpected ${JSON.stringify(result)}`);
    }
  });

  it('an unknown tool is invalid, audited, and reaches nothing', async () => {
    const mark = await journalMark(env.lab.url);
    const result = await env.runtime.gateway().call('secure_endpoint.wipe_host', { hostname: 'workstation-042' }, caller({ tools: '*', scopes: { read: true, write: true, execute: true }, runtime: 'standard', requiresApproval: false }));
    expect(result).toMatchObject({ outcome: 'invalid', tool: 'secure_endpoint.wipe_host', reason: 'unknown tool secure_endpoint.wipe_host' });
    expect(await requestsSince(env.lab.url, mark)).toEqual([]);
    const record = lastAudit(env.runtime);
    expect(record.seq).toBe(result.auditSeq);
    expect(record).toMatchObject({ action: 'tool.call', target: 'secure_endpoint.wipe_host', outcome: 'invalid', scope: null });
    expect(record.parsed.reason).toBe('unknown tool');
  });

  it('input that does not match the schema is invalid, audited with the issues, and reaches nothing', async () => {
    const mark = await journalMark(env.lab.url);
    const everything = caller({ tools: '*', scopes: { read: true, write: true, execute: true }, runtime: 'standard', requiresApproval: false });
    const result = await env.runtime.gateway().call('secure_endpoint.isolate_host', { hostname: 42, comment: 'x' }, everything);
    expect(result.outcome).toBe('invalid');
    if (result.outcome !== 'invalid') return;
    expect(result.issues.map((issue) => issue.path)).toContain('hostname');
    const missing = await env.runtime.gateway().call('servicenow.create_incident', {}, everything);
    expect(missing.outcome).toBe('invalid');
    expect(await requestsSince(env.lab.url, mark)).toEqual([]);
    expect(auditRecord(env.runtime, result.auditSeq)).toMatchObject({ target: 'secure_endpoint.isolate_host', scope: 'execute', outcome: 'invalid' });
    const last = lastAudit(env.runtime);
    expect(last).toMatchObject({ target: 'servicenow.create_incident', outcome: 'invalid' });
    expect(last.parsed.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'short_description' })]));
  });

  it('a tool whose scope is granted but that the profile does not list is denied (deny beats allow), even in standard runtime', async () => {
    const mark = await journalMark(env.lab.url);
    const onlyReads = caller({ tools: ['secure_endpoint.get_computer', 'secure_endpoint.isolation_status'], scopes: { read: true, write: true, execute: true }, runtime: 'standard', requiresApproval: false });
    const result = await env.runtime.gateway().call('secure_endpoint.isolate_host', { hostname: 'workstation-042', comment: 'x' }, onlyReads);
    expect(result).toMatchObject({ outcome: 'denied', reason: 'secure_endpoint.isolate_host is not among the tools granted to cli:gateway-test' });
    // The same profile still reads.
    expect((await env.runtime.gateway().call('secure_endpoint.get_computer', { hostname: 'workstation-042' }, onlyReads)).outcome).toBe('succeeded');
    expect((await requestsSince(env.lab.url, mark, { product: 'secure_endpoint' })).filter(isMutating)).toEqual([]);
    expect(auditRecord(env.runtime, result.auditSeq)).toMatchObject({ outcome: 'denied', target: 'secure_endpoint.isolate_host' });
  });

  it('aliases resolve to the same tool and the same rules (cisco.secure_endpoint.isolate is isolate_host)', async () => {
    const mark = await journalMark(env.lab.url);
    const result = await env.runtime.gateway().call('cisco.secure_endpoint.isolate', { hostname: 'workstation-042', comment: 'x' }, caller({ tools: ['secure_endpoint.isolate_host'], scopes: { read: true, execute: false } }));
    expect(result).toMatchObject({ outcome: 'denied', tool: 'secure_endpoint.isolate_host' });
    expect(await requestsSince(env.lab.url, mark)).toEqual([]);
  });
});

describe('gateway argument guards against the lab', () => {
  const full = { read: true, write: true, execute: true };

  it.each([
    { tool: 'secure_endpoint.isolate_host', product: 'secure_endpoint', input: { hostname: 'srv-db-01', comment: 'x' } },
    { tool: 'crowdstrike.contain_host', product: 'crowdstrike', input: { hostname: 'srv-db-01', reason: 'x' } },
    { tool: 'secure_endpoint.isolate_host', product: 'secure_endpoint', input: { hostname: 'SRV-DB-01.corp.example.com', comment: 'x' } },
  ])('$tool on $input.hostname is denied as crown-jewel in every runtime and with an approved approval', async ({ tool, product, input }) => {
    const gateway = env.runtime.gateway();
    const mark = await journalMark(env.lab.url);
    const callers = [
      caller({ tools: [tool], scopes: full, runtime: 'standard', requiresApproval: false }),
      caller({ tools: [tool], scopes: full, runtime: 'secure' }),
      caller({ tools: '*', scopes: full, runtime: 'standard', requiresApproval: true }),
    ];
    for (const who of callers) {
      const result = await gateway.call(tool, input, who);
      expect(result).toMatchObject({ outcome: 'denied', reason: 'host srv-db-01 is tagged crown-jewel' });
      expect(auditRecord(env.runtime, result.auditSeq)).toMatchObject({ outcome: 'denied', target: tool });
      expect(lastAudit(env.runtime).seq).toBe((result as { auditSeq: number }).auditSeq);
    }
    // An approver's approval for exactly this call changes nothing: guards run before the approval gate.
    const approvals = env.runtime.approvals();
    const approval = approvals.request({ tool, args: input, argsSummary: input, requester: 'cli:gateway-test', actor: 'cli:gateway-test' });
    expect((await approvals.decide(approval.id, 'U0LABAPR01', 'approve')).state).toBe('approved');
    const withApproval = await gateway.call(tool, input, caller({ tools: [tool], scopes: full, runtime: 'secure' }), { approvalId: approval.id });
    expect(withApproval).toMatchObject({ outcome: 'denied', reason: 'host srv-db-01 is tagged crown-jewel' });
    expect(approvals.get(approval.id)!.executedAt).toBeNull();
    expect(await requestsSince(env.lab.url, mark, { product })).toEqual([]);
  });

  it.each(['10.1.2.3', '192.168.0.10', '127.0.0.1', '172.16.5.4', 'fd00::1'])('secure_firewall.block_ip %s is denied as inside internal_cidrs', async (ip) => {
    const mark = await journalMark(env.lab.url);
    const result = await env.runtime.gateway().call('secure_firewall.block_ip', { ip }, caller({ tools: ['secure_firewall.block_ip'], scopes: full, runtime: 'standard', requiresApproval: false }));
    expect(result.outcome).toBe('denied');
    expect((result as { reason: string }).reason).toMatch(new RegExp(`^${ip.replaceAll('.', '\\.')} is inside a protected range \\(10\\.0\\.0\\.0/8, `));
    expect(await requestsSince(env.lab.url, mark, { product: 'secure_firewall' })).toEqual([]);
    const record = lastAudit(env.runtime);
    expect(record).toMatchObject({ seq: (result as { auditSeq: number }).auditSeq, outcome: 'denied', target: 'secure_firewall.block_ip', scope: 'execute' });
  });

  it('secure_firewall.block_ip of a public address passes the guard: awaiting approval in secure runtime, blocked in standard', async () => {
    const gateway = env.runtime.gateway();
    const mark = await journalMark(env.lab.url);
    const secure = await gateway.call('secure_firewall.block_ip', { ip: '185.220.101.5' }, caller({ tools: ['secure_firewall.block_ip'], scopes: full, runtime: 'secure', requiresApproval: false }));
    expect(secure.outcome).toBe('awaiting_approval');
    expect(await requestsSince(env.lab.url, mark, { product: 'secure_firewall' })).toEqual([]);
    const standard = await gateway.call('secure_firewall.block_ip', { ip: '185.220.101.5' }, caller({ tools: ['secure_firewall.block_ip'], scopes: full, runtime: 'standard', requiresApproval: false }));
    expect(standard.outcome, JSON.stringify(standard)).toBe('succeeded');
    const writes = (await requestsSince(env.lab.url, mark, { product: 'secure_firewall' })).filter(isMutating);
    expect(writes.map((entry) => entry.path)).toEqual(expect.arrayContaining([expect.stringMatching(/\/object\/hosts$/), expect.stringMatching(/\/accessrules$/)]));
  });

  it.each(['intranet.corp.example.com', 'corp.example.com', 'VPN.Corp.Example.com.'])('umbrella.block_domain %s is denied as inside corp.example.com', async (domain) => {
    const mark = await journalMark(env.lab.url);
    const result = await env.runtime.gateway().call('umbrella.block_domain', { domain }, caller({ tools: ['umbrella.block_domain'], scopes: full, runtime: 'standard', requiresApproval: false }));
    expect(result.outcome, JSON.stringify(result)).toBe('denied');
    expect((result as { reason: string }).reason).toMatch(/is inside the protected domain corp\.example\.com$/);
    expect(await requestsSince(env.lab.url, mark, { product: 'umbrella' })).toEqual([]);
    expect(lastAudit(env.runtime)).toMatchObject({ seq: (result as { auditSeq: number }).auditSeq, outcome: 'denied', target: 'umbrella.block_domain' });
  });

  it('umbrella.block_domain of a look-alike outside corp.example.com is not refused by the guard', async () => {
    const result = await env.runtime.gateway().call('umbrella.block_domain', { domain: 'corp.example.com.evil.net' }, caller({ tools: ['umbrella.block_domain'], scopes: full, runtime: 'secure' }));
    expect(result.outcome).toBe('awaiting_approval');
  });
});
