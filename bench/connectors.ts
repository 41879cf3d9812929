/**
 * Connector paging benchmark. Pages 10,000 devices from the lab's Secure Endpoint and
 * CrowdStrike (the lab runs in its own process) with 20 ms injected latency per request and
 * prints one JSON line: per product the median wall time of 5 runs, the requests sent, and:
 *  - `lower_bound_ms`: what page size, latency and rate limit allow: the fewest requests the
 *    product's largest pages need (Secure Endpoint 500 computers per page; CrowdStrike 5,000 ids
 *    per query page plus 5,000 devices per entity request), one latency each, or the time the
 *    product's rate limit needs for them, whichever is longer. `ratio` = wall / that (target <= 1.3).
 *  - `concurrent_bound_ms`: the requests actually sent spread over the connector's concurrency,
 *    but never fewer round trips than the chain of dependent requests (CrowdStrike: ids, then
 *    devices), and `concurrent_ratio`: how close the scheduler gets to that stricter floor.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/connectors/catalog/index.js';
import { CONNECTOR_MODULES, connectorDependencies } from '../src/connectors/registry.js';
import { createSecureEndpointClient } from '../src/connectors/secure_endpoint/index.js';
import { systemClock } from '../src/core/clock.js';
import { labConfigYaml } from '../src/cli/lab-config.js';
import { parseConfigText } from '../src/config/index.js';
import { createCrowdStrikePager } from './crowdstrike-pager.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);

interface ProductFigures {
  devices: number;
  wall_ms: number;
  requests: number;
  concurrency: number;
  lower_bound_ms: number;
  ratio: number;
  concurrent_bound_ms: number;
  concurrent_ratio: number;
}

export async function run(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./lab-process.ts', import.meta.url)), String(DEVICES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        if (buffer.includes('\n')) resolve((JSON.parse(buffer.split('\n')[0]!) as { url: string }).url);
      });
      child.once('exit', (code) => reject(new Error(`lab exited with ${code}`)));
    });
    const config = parseConfigText(labConfigYaml(url), { file: 'bench.yaml', env: {}, exists: true }).config;
    const catalog = loadCatalog();
    const dependenciesOf = (id: string) => connectorDependencies(CONNECTOR_MODULES.find((module) => module.id === id)!, catalog, { clock: systemClock });

    const measure = async (product: string, connectorId: string, minimumRequests: number, dependentRounds: number, productLimit: { requests: number; windowMs: number }, page: () => Promise<number>): Promise<ProductFigures> => {
      await fetch(`${url}/__lab/faults`, { method: 'DELETE' });
      await fetch(`${url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product, latencyMs: LATENCY_MS }) });
      await page(); // warm-up: tokens, JIT, connections
      const walls: number[] = [];
      let devices = 0;
      let requests = 0;
      for (let run = 0; run < 5; run += 1) {
        await fetch(`${url}/__lab/requests`, { method: 'DELETE' });
        const started = performance.now();
        devices = await page();
        walls.push(performance.now() - started);
        requests = ((await (await fetch(`${url}/__lab/requests?product=${product}`)).json()) as { requests: unknown[] }).requests.length;
      }
      const wall = walls.sort((a, b) => a - b)[2]!;
      const concurrency = catalog.connectors.get(connectorId)!.rate_limit.concurrency;
      const rateBound = minimumRequests <= productLimit.requests ? 0 : Math.floor((minimumRequests - 1) / productLimit.requests) * productLimit.windowMs + LATENCY_MS;
      const lowerBound = Math.max(minimumRequests * LATENCY_MS, rateBound);
      const concurrentBound = Math.max(Math.max(dependentRounds, Math.ceil(requests / concurrency)) * LATENCY_MS, rateBound);
      return {
        devices,
        wall_ms: Math.round(wall),
        requests,
        concurrency,
        lower_bound_ms: lowerBound,
        ratio: Number((wall / lowerBound).toFixed(2)),
        concurrent_bound_ms: concurrentBound,
        concurrent_ratio: Number((wall / concurrentBound).toFixed(2)),
      };
    };

    const secureEndpoint = await measure('secure_endpoint', 'secure_endpoint', Math.ceil(DEVICES / 500), 1, { requests: 3000, windowMs: 3_600_000 }, async () => {
      const client = createSecureEndpointClient(config, dependenciesOf('secure_endpoint'));
      return (await client.listComputers({}, DEVICES)).length;
    });
    const crowdstrike = await measure('crowdstrike', 'crowdstrike', 2 * Math.ceil(DEVICES / 5000), 2, { requests: 6000, windowMs: 60_000 }, createCrowdStrikePager(config, dependenciesOf('crowdstrike'), DEVICES));
    const figures = {
      bench: 'connectors',
      latency_ms: LATENCY_MS,
      secure_endpoint: secureEndpoint,
      crowdstrike,
      target_ratio: 1.3,
      targets_met: secureEndpoint.ratio <= 1.3 && crowdstrike.ratio <= 1.3,
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    child.kill('SIGTERM');
  }
}
