/**
 * Connector paging benchmark. Pages 10,000 devices from the lab's Secure Endpoint and
 * CrowdStrike (the lab runs in its own process) with 20 ms injected latency per request and
 * prints one JSON line; per product, medians of 5 runs:
 *  - `wall_ms`, `requests`, `concurrency` (the connector's queue from tools/<connector>.yaml);
 *  - `lower_bound_ms`: the bound, what page size, latency and the rate limit allow: the
 *    fewest requests the largest page size needs (Secure Endpoint 500 computers; CrowdStrike
 *    5,000 ids per query page plus 5,000 devices per entity request), one latency each, as a
 *    `links.next` walk sends them, or the time the product's published rate limit needs for
 *    them, whichever is longer. `ratio` = wall / that; target <= 1.3. Offset-paged products let
 *    the connector overlap pages, which is why it can come in under 1.
 *  - `overlapped_bound_ms` / `overlapped_ratio`: the stricter floor for a client that overlaps
 *    pages: ceil(requests / concurrency) round trips, never fewer than the chain of dependent
 *    requests (CrowdStrike: ids, then devices), and never faster than the rate limit.
 *  - `processing_ms`: the same paging with no injected latency: moving and parsing 10,000 records
 *    on both sides, which no scheduling can hide; `scheduling_ratio` = wall / max(overlapped
 *    bound, processing): how close the paging comes to overlapping all latency with that work.
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

const RUNS = 5;
const TARGET_RATIO = 1.3;

interface ProductFigures {
  devices: number;
  wall_ms: number;
  requests: number;
  concurrency: number;
  lower_bound_ms: number;
  ratio: number | null;
  overlapped_bound_ms: number;
  overlapped_ratio: number | null;
  processing_ms: number;
  scheduling_ratio: number | null;
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

    const timeRuns = async (product: string, page: () => Promise<number>): Promise<{ wall: number; devices: number; requests: number }> => {
      await page(); // warm-up: tokens, JIT, connections
      const walls: number[] = [];
      let devices = 0;
      let requests = 0;
      for (let run = 0; run < RUNS; run += 1) {
        await fetch(`${url}/__lab/requests`, { method: 'DELETE' });
        const started = performance.now();
        devices = await page();
        walls.push(performance.now() - started);
        requests = ((await (await fetch(`${url}/__lab/requests?product=${product}`)).json()) as { requests: unknown[] }).requests.length;
      }
      return { wall: walls.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!, devices, requests };
    };

    const measure = async (product: string, connectorId: string, minimumRequests: number, dependentRounds: number, productLimit: { requests: number; windowMs: number }, page: () => Promise<number>): Promise<ProductFigures> => {
      await fetch(`${url}/__lab/faults`, { method: 'DELETE' });
      const processing = await timeRuns(product, page);
      await fetch(`${url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product, latencyMs: LATENCY_MS }) });
      const { wall, devices, requests } = await timeRuns(product, page);
      await fetch(`${url}/__lab/faults`, { method: 'DELETE' });
      const concurrency = catalog.connectors.get(connectorId)!.rate_limit.concurrency;
      // Requests past the product's window wait for the next window.
      const rateBound = minimumRequests <= productLimit.requests ? 0 : Math.floor((minimumRequests - 1) / productLimit.requests) * productLimit.windowMs + LATENCY_MS;
      const lowerBound = Math.max(minimumRequests * LATENCY_MS, rateBound);
      const overlappedBound = Math.max(Math.max(dependentRounds, Math.ceil(minimumRequests / concurrency)) * LATENCY_MS, rateBound);
      const ratio = (value: number, bound: number) => (bound === 0 ? null : Number((value / bound).toFixed(2)));
      return {
        devices,
        wall_ms: Math.round(wall),
        requests,
        concurrency,
        lower_bound_ms: lowerBound,
        ratio: ratio(wall, lowerBound),
        overlapped_bound_ms: overlappedBound,
        overlapped_ratio: ratio(wall, overlappedBound),
        processing_ms: Math.round(processing.wall),
        scheduling_ratio: ratio(wall, Math.max(overlappedBound, processing.wall)),
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
      target_ratio: TARGET_RATIO,
      targets_met: [secureEndpoint, crowdstrike].every((product) => product.ratio !== null && product.ratio <= TARGET_RATIO),
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    child.kill('SIGTERM');
  }
}
