/**
 * Gateway benchmark: a read tool whose handler returns at once, called through the full gateway
 * (lookup, zod validation, authorisation, guards, approval gate, run, audit append) with the
 * ledger on a file database. Prints one JSON line: calls/s, p50/p99 overhead per call, and the raw
 * ledger append rate measured in the same run. Target: p99 overhead < 1 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AuditLedger, createRedactor } from '../src/audit/index.js';
import type { ToolCatalog } from '../src/connectors/catalog/index.js';
import type { ConnectorModule } from '../src/connectors/connector.js';
import { defineTool } from '../src/connectors/tool.js';
import { systemClock } from '../src/core/clock.js';
import type { ApprovalGate } from '../src/gateway/approval-gate.js';
import { profile } from '../src/gateway/caller.js';
import { Gateway } from '../src/gateway/gateway.js';
import { ToolRegistry } from '../src/gateway/tool-registry.js';
import { openStore } from '../src/store/index.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);

const noop = defineTool({
  id: 'splunk.bench_noop',
  connector: 'splunk',
  scope: 'read',
  description: 'returns at once',
  input: z.object({ query: z.string(), limit: z.number().int().positive().default(10) }),
  handler: async (input) => ({ count: input.limit, rows: [] }),
});
const benchModule: ConnectorModule = {
  id: 'splunk',
  integration: 'splunk',
  endpoints: () => [],
  create: () => ({ id: 'splunk', tools: [noop], healthCheck: async () => ({ detail: 'ok' }) }),
};
const catalog: ToolCatalog = {
  connectors: new Map([['splunk', { connector: 'splunk', rate_limit: { concurrency: 64, interval_ms: 0 }, tools: [], file: 'bench' }]]),
  tools: new Map([['splunk.bench_noop', { id: 'splunk.bench_noop', aliases: [], scope: 'read', requires_approval: false, critical: false, description: 'a read tool that returns at once', guards: {}, connector: 'splunk' }]]),
  aliases: new Map(),
};
const noApprovals: ApprovalGate = {
  request: () => {
    throw new Error('a read never asks');
  },
  find: () => undefined,
  get: () => undefined,
  consume: () => false,
};

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

export async function run(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'defenseclaw-gateway-bench-'));
  try {
    const store = openStore({ file: join(directory, 'gateway.db') });
    const ledger = new AuditLedger({ sqlite: store.sqlite, clock: systemClock, redactor: createRedactor({ secretValues: () => ['a-configured-secret'] }) });
    const gateway = new Gateway({
      registry: new ToolRegistry(catalog, [benchModule]),
      audit: ledger,
      approvals: noApprovals,
      guards: { internalCidrs: ['10.0.0.0/8'], assetTags: () => [] },
      liveTool: () => noop,
      clock: systemClock,
      runtime: 'secure',
      // As the runtime builds it: config max_concurrent's default ceiling on handlers at once.
      maxConcurrentCalls: 16,
    });
    const caller = { kind: 'agent' as const, actor: 'agent:bench', requester: 'cli:bench', permissions: profile(['splunk.bench_noop'], { read: true }), runId: 'run-bench' };
    const input = { query: 'index=main sourcetype=WinEventLog:Security EventCode=4625', limit: 25 };
    for (let index = 0; index < 2000; index += 1) await gateway.call('splunk.bench_noop', input, caller);
    const latencies = new Float64Array(CALLS);
    const started = process.hrtime.bigint();
    for (let index = 0; index < CALLS; index += 1) {
      const start = process.hrtime.bigint();
      const result = await gateway.call('splunk.bench_noop', input, caller);
      latencies[index] = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.outcome !== 'succeeded') throw new Error(`unexpected ${result.outcome}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort();
    // Raw ledger appends in the same run, for comparison.
    const appendStart = process.hrtime.bigint();
    for (let index = 0; index < CALLS; index += 1) {
      ledger.append({ actor: 'agent:bench', action: 'tool.call', target: 'splunk.bench_noop', scope: 'read', outcome: 'succeeded', details: { duration_ms: 0 }, args: input });
    }
    const appendSeconds = Number(process.hrtime.bigint() - appendStart) / 1e9;
    store.close();
    const p99 = percentile(latencies, 0.99);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'gateway',
        calls: CALLS,
        calls_per_sec: Math.round(CALLS / seconds),
        overhead_p50_ms: Number(percentile(latencies, 0.5).toFixed(4)),
        overhead_p99_ms: Number(p99.toFixed(4)),
        overhead_max_ms: Number(latencies[latencies.length - 1]!.toFixed(3)),
        ledger_appends_per_sec: Math.round(CALLS / appendSeconds),
        targets_met: { overhead_p99_ms: p99 < 1 },
        node: process.version,
      })}\n`,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
