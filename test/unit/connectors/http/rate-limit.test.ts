import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, createConnectorQueue, noAuth } from '../../../../src/connectors/http/index.js';
import { inSequence, recordingSleep, startScriptedServer, type ScriptedServer } from './scripted-server.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('createConnectorQueue', () => {
  it('caps request starts per interval across callers (strict sliding window)', async () => {
    const server = await startScriptedServer(() => ({ status: 200, json: {} }));
    servers.push(server);
    const intervalMs = 40;
    const queue = createConnectorQueue({ concurrency: 10, intervalCap: 2, intervalMs });
    const starts: number[] = [];
    queue.on('active', () => starts.push(performance.now()));
    const first = new HttpClient({ product: 'umbrella', baseUrl: server.url, auth: noAuth(), queue });
    const second = new HttpClient({ product: 'umbrella', baseUrl: server.url, auth: noAuth(), queue });
    const enqueuedAt = performance.now();
    await Promise.all([first.get('/a'), second.get('/b'), first.get('/c'), second.get('/d'), first.get('/e')]);
    expect(starts).toHaveLength(5);
    // Lower bounds from the moment of enqueueing, so a slow start (e.g. loading undici) can only
    // make the assertion easier, never flaky: starts 3-4 wait one window, start 5 two windows.
    // Two milliseconds of slack: p-queue measures with Date.now() (whole milliseconds).
    expect((starts[2] ?? 0) - enqueuedAt).toBeGreaterThanOrEqual(intervalMs - 2);
    expect((starts[3] ?? 0) - enqueuedAt).toBeGreaterThanOrEqual(intervalMs - 2);
    expect((starts[4] ?? 0) - enqueuedAt).toBeGreaterThanOrEqual(2 * intervalMs - 2);
    expect(server.journal).toHaveLength(5);
  });

  it('caps concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await startScriptedServer(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight -= 1;
      return { status: 200, json: {} };
    });
    servers.push(server);
    const queue = createConnectorQueue({ concurrency: 2 });
    const client = new HttpClient({ product: 'fmc', baseUrl: server.url, auth: noAuth(), queue });
    await Promise.all(Array.from({ length: 6 }, (_, index) => client.get(`/${index}`)));
    expect(peak).toBe(2);
  });

  it('sends every attempt, retries included, through the queue', async () => {
    const server = await startScriptedServer(inSequence({ status: 503, json: {} }, { status: 429, json: {}, headers: { 'retry-after': '0' } }, { status: 200, json: {} }));
    servers.push(server);
    const queue = createConnectorQueue({ concurrency: 1, intervalCap: 5, intervalMs: 1000 });
    let added = 0;
    queue.on('add', () => {
      added += 1;
    });
    const client = new HttpClient({ product: 'xdr', baseUrl: server.url, auth: noAuth(), queue, sleep: recordingSleep().sleep });
    await client.get('/a');
    expect(added).toBe(3);
    expect(server.journal).toHaveLength(3);
  });
});
