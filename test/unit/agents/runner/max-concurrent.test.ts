import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentRunner } from '../../../../src/agents/runner/agent-runner.js';
import type { Runnable } from '../../../../src/agents/runner/runnable.js';
import { AuditLedger, createRedactor } from '../../../../src/audit/index.js';
import type { ToolCatalog } from '../../../../src/connectors/catalog/index.js';
import type { ConnectorModule } from '../../../../src/connectors/connector.js';
import { defineTool } from '../../../../src/connectors/tool.js';
import { systemClock } from '../../../../src/core/clock.js';
import { Gateway } from '../../../../src/gateway/gateway.js';
import { ToolRegistry } from '../../../../src/gateway/tool-registry.js';
import { RunRepository, openStore, type Store } from '../../../../src/store/index.js';

let directory: string;
let store: Store;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'runner-'));
  store = openStore({ file: join(directory, 'runs.db') });
});
afterEach(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('AgentRunner', () => {
  it('runs at most agent.max_concurrent runs at once, and all of them to the end', async () => {
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const slow = defineTool({
      id: 'splunk.slow_read',
      connector: 'splunk',
      scope: 'read',
      description: 'waits until released',
      input: z.object({}),
      handler: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return { ok: true };
      },
    });
    const module: ConnectorModule = { id: 'splunk', integration: 'splunk', endpoints: () => [], create: () => ({ id: 'splunk', tools: [slow], healthCheck: async () => ({ detail: 'ok' }) }) };
    const catalog: ToolCatalog = {
      connectors: new Map([['splunk', { connector: 'splunk', rate_limit: { concurrency: 16, interval_ms: 0 }, tools: [], file: 'test' }]]),
      tools: new Map([['splunk.slow_read', { id: 'splunk.slow_read', aliases: [], scope: 'read', requires_approval: false, critical: false, description: 'a read that waits until released', guards: {}, connector: 'splunk' }]]),
      aliases: new Map(),
    };
    const registry = new ToolRegistry(catalog, [module]);
    const gateway = new Gateway({
      registry,
      audit: new AuditLedger({ sqlite: store.sqlite, clock: systemClock, redactor: createRedactor() }),
      approvals: { request: () => { throw new Error('no approvals'); }, find: () => undefined, get: () => undefined, consume: () => false },
      guards: { internalCidrs: [], assetTags: () => [] },
      liveTool: () => slow,
      clock: systemClock,
      runtime: 'secure',
    });
    const runner = new AgentRunner({ gateway, registry, store: new RunRepository(store.db), clock: systemClock, maxConcurrent: 2 });
    const runnable: Runnable = { kind: 'agent', name: 'slow', version: '1.0.0', runtime: 'secure', tools: ['splunk.slow_read'], permissions: { read: true, write: false, execute: false }, steps: [{ name: 'wait', tool: 'splunk.slow_read', params: {} }] };
    const outcomes = Array.from({ length: 5 }, () => runner.start(runnable, { params: {}, requester: 'cli:test', dryRun: false }));
    // Release handlers as they arrive, until every run has finished.
    let released = 0;
    while (released < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(running).toBeLessThanOrEqual(2);
      const next = releases.shift();
      if (next !== undefined) {
        next();
        released += 1;
      }
    }
    const results = await Promise.all(outcomes);
    expect(results.map((result) => result.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(peak).toBe(2);
  });
});
