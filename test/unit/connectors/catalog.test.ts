import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCatalog, resolveToolId } from '../../../src/connectors/catalog/index.js';
import { CONNECTOR_MODULES, connectorDependencies, createConnector } from '../../../src/connectors/registry.js';
import { CONNECTOR_IDS } from '../../../src/connectors/tool.js';
import { fixedClock } from '../../../src/core/clock.js';
import { InputError } from '../../../src/core/errors/index.js';
import { labConfigYaml } from '../../../src/cli/lab-config.js';
import { configFrom } from '../../helpers/lab-config.js';

const catalog = loadCatalog();
const config = configFrom(labConfigYaml('http://127.0.0.1:9'));
const tools = CONNECTOR_MODULES.flatMap((module) => module.create(config, connectorDependencies(module, catalog, { clock: fixedClock(0) })).tools);

describe('tool catalog (tools/*.yaml)', () => {
  it('has an entry for every tool, and a tool for every entry, with the same scope', () => {
    const toolIds = tools.map((tool) => tool.id).sort();
    const catalogIds = [...catalog.tools.keys()].sort();
    expect(toolIds).toEqual(catalogIds);
    for (const tool of tools) expect(catalog.tools.get(tool.id)?.scope, tool.id).toBe(tool.scope);
    expect(new Set(toolIds).size).toBe(toolIds.length);
  });

  it('covers all nine connectors', () => {
    expect([...catalog.connectors.keys()].sort()).toEqual([...CONNECTOR_IDS].sort());
    expect(CONNECTOR_MODULES.map((module) => module.id).sort()).toEqual([...CONNECTOR_IDS].sort());
  });

  it('describes only connectors that exist, each with a module', () => {
    for (const id of catalog.connectors.keys()) {
      expect(CONNECTOR_IDS).toContain(id);
      expect(CONNECTOR_MODULES.map((module) => module.id), `tools/${id}.yaml has no connector module`).toContain(id);
    }
  });

  it('asks for approval on every write and execute tool and guards host containment', () => {
    for (const entry of catalog.tools.values()) {
      if (entry.scope !== 'read') expect(entry.requires_approval, entry.id).toBe(true);
    }
    expect(catalog.tools.get('secure_endpoint.isolate_host')?.guards.deny_if_asset_tag).toContain('crown-jewel');
  });

  it('resolves the seed’s dotted names as aliases', () => {
    expect(resolveToolId(catalog, 'cisco.secure_endpoint.isolate')).toBe('secure_endpoint.isolate_host');
    expect(resolveToolId(catalog, 'cisco.secure_endpoint.status')).toBe('secure_endpoint.get_computer');
    expect(resolveToolId(catalog, 'cisco.secure_endpoint.processes')).toBe('secure_endpoint.get_trajectory');
    expect(resolveToolId(catalog, 'secure_endpoint.isolate_host')).toBe('secure_endpoint.isolate_host');
    expect(resolveToolId(catalog, 'nothing.here')).toBeUndefined();
  });

  it('gives every tool a description the LLM can use', () => {
    for (const entry of catalog.tools.values()) expect(entry.description.length, entry.id).toBeGreaterThan(40);
  });

  it('rejects a bad catalog with file:line:col', () => {
    const directory = mkdtempSync(join(tmpdir(), 'catalog-'));
    try {
      writeFileSync(
        join(directory, 'secure_endpoint.yaml'),
        'connector: secure_endpoint\nrate_limit: { concurrency: 2 }\ntools:\n  - id: secure_endpoint.x\n    scope: destroy\n    requires_approval: false\n    description: a tool with a long enough description\n',
      );
      let thrown: unknown;
      try {
        loadCatalog(directory);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as InputError).lines()[0]).toMatch(/secure_endpoint\.yaml:5:12: tools\.0\.scope: /);
      writeFileSync(join(directory, 'secure_endpoint.yaml'), 'connector: secure_endpoint\nrate_limit: { concurrency: 2 }\ntools:\n  - id: splunk.search\n    scope: read\n    requires_approval: false\n    description: a tool with a long enough description\n');
      expect(() => loadCatalog(directory)).toThrow(/must start with "secure_endpoint\."/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('tool rate limits', () => {
  it('gives every tool a limit: its connector queue, and its own where the product documents one', () => {
    for (const entry of catalog.tools.values()) expect(catalog.connectors.get(entry.connector)?.rate_limit.concurrency, entry.id).toBeGreaterThan(0);
    expect(catalog.tools.get('sentinel.query')?.rate_limit).toEqual({ concurrency: 5, interval_ms: 30_000, interval_cap: 150 });
  });

  it("runs a tool with its own rate_limit through that tool's queue", async () => {
    let running = 0;
    let most = 0;
    const release: Array<() => void> = [];
    const handler = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running -= 1;
      return 'done';
    };
    const module = CONNECTOR_MODULES.find((candidate) => candidate.id === 'sentinel')!;
    const fake = { ...module, create: () => ({ id: 'sentinel' as const, tools: [{ id: 'sentinel.query', connector: 'sentinel' as const, description: 'query', input: z.object({}), scope: 'read' as const, handler }], healthCheck: async () => ({ detail: 'ok' }) }) };
    const [tool] = createConnector(fake, config, catalog, { clock: fixedClock(0) }).tools;
    const calls = Array.from({ length: 7 }, () => tool!.handler({}, { clock: fixedClock(0) }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(most).toBe(5);
    while (release.length > 0 || running > 0) {
      release.splice(0).forEach((resolve) => resolve());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await Promise.all(calls)).toEqual(Array(7).fill('done'));
    expect(most).toBe(5);
  });
});
