/**
 * Gateway.call with hand-made collaborators: it decides "not allowed" when deciding fails, and
 * audits it (an approval store that throws, a guard fact that cannot be looked up; the handler,
 * which records every call, never runs); approvers see redacted arguments; the secure runtime caps
 * outputs and the standard one does not.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditRecord, AuditSink } from '../../../src/audit/audit-entry.js';
import { loadCatalog } from '../../../src/connectors/catalog/index.js';
import type { AnyTool } from '../../../src/connectors/tool.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { ApprovalGate } from '../../../src/gateway/approval-gate.js';
import { profile, type Caller } from '../../../src/gateway/caller.js';
import { Gateway } from '../../../src/gateway/gateway.js';
import { ToolRegistry } from '../../../src/gateway/tool-registry.js';

const registry = new ToolRegistry(loadCatalog());

function recordingAudit(): AuditSink & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    append(entry) {
      entries.push(entry);
      return { seq: entries.length } as AuditRecord;
    },
  };
}

function gatewayWith(options: { approvals: ApprovalGate; assetTags?: (host: string) => readonly string[]; redact?: <T>(value: T) => T; output?: unknown; outputCapBytes?: number }) {
  const audit = recordingAudit();
  const handled: unknown[] = [];
  const gateway = new Gateway({
    registry,
    audit,
    approvals: options.approvals,
    guards: { internalCidrs: ['10.0.0.0/8'], assetTags: options.assetTags ?? (() => []) },
    liveTool: (tool): AnyTool => ({
      ...tool.definition,
      handler: async (input) => {
        handled.push(input);
        return options.output ?? { ok: true };
      },
    }),
    clock: fixedClock('2026-03-01T12:00:00Z'),
    runtime: 'secure',
    ...(options.redact === undefined ? {} : { redact: options.redact }),
    ...(options.outputCapBytes === undefined ? {} : { outputCapBytes: options.outputCapBytes }),
  });
  return { gateway, audit, handled };
}

const brokenApprovals: ApprovalGate = {
  request: () => {
    throw new Error('SQLITE_BUSY: database is locked');
  },
  find: () => {
    throw new Error('SQLITE_BUSY: database is locked');
  },
  get: () => undefined,
  consume: () => false,
};

const analyst: Caller = { kind: 'cli', actor: 'cli:alice', requester: 'cli:alice', permissions: profile('*', { read: true, write: true, execute: true }), runtime: 'secure' };

describe('gateway: an error while deciding means not allowed', () => {
  it('an approval store that throws denies the call, audits the denial and runs nothing', async () => {
    const { gateway, audit, handled } = gatewayWith({ approvals: brokenApprovals });
    const result = await gateway.call('secure_endpoint.isolate_host', { hostname: 'workstation-042', comment: 'x' }, analyst);
    expect(result).toEqual({ outcome: 'denied', tool: 'secure_endpoint.isolate_host', reason: 'approval check failed: SQLITE_BUSY: database is locked', auditSeq: 1 });
    expect(audit.entries).toEqual([
      expect.objectContaining({ action: 'tool.call', target: 'secure_endpoint.isolate_host', scope: 'execute', outcome: 'denied', details: expect.objectContaining({ reason: 'approval check failed: SQLITE_BUSY: database is locked' }) }),
    ]);
    expect(handled).toEqual([]);
  });

  it('reads need no approval, so a broken approval store does not stop them', async () => {
    const { gateway, handled } = gatewayWith({ approvals: brokenApprovals });
    expect((await gateway.call('secure_endpoint.get_computer', { hostname: 'workstation-042' }, analyst)).outcome).toBe('succeeded');
    expect(handled).toHaveLength(1);
  });

  it('a tag lookup that throws denies a guarded call before any approval is asked', async () => {
    let asked = 0;
    const approvals: ApprovalGate = { ...brokenApprovals, request: () => { asked += 1; throw new Error('unreachable'); } };
    const { gateway, audit, handled } = gatewayWith({ approvals, assetTags: () => { throw new Error('inventory offline'); } });
    const result = await gateway.call('secure_endpoint.isolate_host', { hostname: 'workstation-042', comment: 'x' }, analyst);
    expect(result).toMatchObject({ outcome: 'denied', reason: 'guard check failed: inventory offline' });
    expect(audit.entries.map((entry) => entry.outcome)).toEqual(['denied']);
    expect(asked).toBe(0);
    expect(handled).toEqual([]);
  });
});

describe('gateway: what approvers are shown', () => {
  it('the arguments of an approval request pass through the redactor; the binding hashes the exact arguments', async () => {
    const requests: Array<{ args: unknown; argsSummary: unknown }> = [];
    const approvals: ApprovalGate = {
      request: (input) => {
        requests.push({ args: input.args, argsSummary: input.argsSummary });
        return { id: 'apr_0000000000000001', state: 'pending', tool: input.tool, argsHash: 'h', requester: input.requester, runId: null, expiresAt: '2026-03-01T13:00:00.000Z', executedAt: null };
      },
      find: () => undefined,
      get: () => undefined,
      consume: () => false,
    };
    const redact = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('hec-token-value', '[REDACTED]')) as T;
    const { gateway } = gatewayWith({ approvals, redact });
    const input = { events: [{ event: 'leaked hec-token-value in a finding' }] };
    expect((await gateway.call('splunk.send_event', input, analyst)).outcome).toBe('awaiting_approval');
    expect(requests).toEqual([{ args: input, argsSummary: { events: [{ event: 'leaked [REDACTED] in a finding' }] } }]);
  });
});

describe('gateway: runtimes and output size', () => {
  const big = { total: 5_000, computers: Array.from({ length: 5_000 }, (_, index) => ({ hostname: `ws-${index}`, ips: ['10.0.0.1'], note: 'x'.repeat(50) })) };

  it('the secure runtime cuts a large output below the cap, says so, and audits it; the standard runtime passes it whole', async () => {
    const { gateway, audit } = gatewayWith({ approvals: brokenApprovals, output: big, outputCapBytes: 16 * 1024 });
    const secure = await gateway.call('secure_endpoint.list_computers', {}, analyst);
    expect(secure).toMatchObject({ outcome: 'succeeded', truncated: true });
    const output = (secure as { output: { total: number; computers: unknown[] } }).output;
    expect(JSON.stringify(output).length).toBeLessThanOrEqual(16 * 1024);
    expect(output.total).toBe(5_000);
    expect(output.computers.at(-1)).toMatchObject({ _truncated: true });
    expect(audit.entries.at(-1)).toMatchObject({ outcome: 'succeeded', details: expect.objectContaining({ truncated: true }) });

    const standard = await gateway.call('secure_endpoint.list_computers', {}, { ...analyst, runtime: 'standard' });
    expect(standard).toMatchObject({ outcome: 'succeeded', truncated: false });
    expect((standard as { output: unknown }).output).toEqual(big);
  });
});

describe('gateway: max_concurrent is a ceiling on handlers running at once', () => {
  it('runs at most maxConcurrentCalls handlers at once across callers, and every call to the end', async () => {
    const audit = recordingAudit();
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const gateway = new Gateway({
      registry,
      audit,
      approvals: brokenApprovals,
      guards: { internalCidrs: [], assetTags: () => [] },
      liveTool: (tool): AnyTool => ({
        ...tool.definition,
        handler: async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise<void>((resolve) => releases.push(resolve));
          running -= 1;
          return { ok: true };
        },
      }),
      clock: fixedClock('2026-03-01T12:00:00Z'),
      runtime: 'secure',
      maxConcurrentCalls: 2,
    });
    const bob: Caller = { ...analyst, actor: 'slack:U0BOB', requester: 'slack:U0BOB' };
    const calls = [analyst, bob, analyst, bob, analyst].map((caller, index) => gateway.call('secure_endpoint.get_computer', { hostname: `host-${index}` }, caller));
    // Let every call reach the gateway's queue, then release the running handlers one by one.
    const settle = async () => {
      for (let turn = 0; turn < 20; turn += 1) await Promise.resolve();
    };
    await settle();
    expect(gateway.load).toEqual({ running: 2, waiting: 3 });
    while (releases.length > 0) {
      releases.shift()!();
      await settle();
      expect(running).toBeLessThanOrEqual(2);
    }
    const results = await Promise.all(calls);
    expect(results.map((result) => result.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(peak).toBe(2);
    expect(gateway.load).toEqual({ running: 0, waiting: 0 });
    expect(audit.entries.filter((entry) => entry.outcome === 'succeeded')).toHaveLength(5);
  });
});
