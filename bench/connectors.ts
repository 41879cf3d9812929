/**
 * Connector paging benchmark. Pages 10,000 devices from the lab's Secure Endpoint and
 * CrowdStrike with 20 ms injected latency per request and prints one JSON line: per product the
 * wall time, the requests sent, and the ratio to the lower bound allowed by page size, latency,
 * the connector's concurrency and its rate limit: ceil(requests / concurrency) round trips, or
 * the rate-limit windows those requests need, whichever is longer. Target: ratio <= 1.3.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/connectors/catalog/index.js';
import { CONNECTOR_MODULES, connectorDependencies } from '../src/connectors/registry.js';
import { createSecureEndpointClient } from '../src/connectors/secure_endpoint/index.js';
import { systemClock } from '../src/core/clock.js';
import { labConfigYaml } from '../src/lab/lab-config.js';
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

    const measure = async (product: string, connectorId: string, page: () => Promise<number>): Promise<ProductFigures> => {
      await fetch(`${url}/__lab/faults`, { method: 'DELETE' });
      await fetch(`${url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product, latencyMs: LATENCY_MS }) });
      await page(); // warm-up: tokens, JIT, connections
      await fetch(`${url}/__lab/requests`, { method: 'DELETE' });
      const started = performance.now();
      const devices = await page();
      const wall = performance.now() - started;
      const requests = ((await (await fetch(`${url}/__lab/requests?product=${product}`)).json()) as { requests: unknown[] }).requests.length;
      const rateLimit = catalog.connectors.get(connectorId)!.rate_limit;
      const latencyBound = Math.ceil(requests / rateLimit.concurrency) * LATENCY_MS;
      const rateBound = rateLimit.interval_cap === undefined || requests <= rateLimit.interval_cap ? 0 : Math.floor((requests - 1) / rateLimit.interval_cap) * rateLimit.interval_ms + LATENCY_MS;
      const lowerBound = Math.max(latencyBound, rateBound);
      return { devices, wall_ms: Math.round(wall), requests, concurrency: rateLimit.concurrency, lower_bound_ms: lowerBound, ratio: Number((wall / lowerBound).toFixed(2)) };
    };

    const secureEndpoint = await measure('secure_endpoint', 'secure_endpoint', async () => {
      const client = createSecureEndpointClient(config, dependenciesOf('secure_endpoint'));
      return (await client.listComputers({}, DEVICES)).length;
    });
    const crowdstrike = await measure('crowdstrike', 'crowdstrike', createCrowdStrikePager(config, dependenciesOf('crowdstrike'), DEVICES));
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
