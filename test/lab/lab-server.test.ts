import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { secureEndpointSimulator } from '../../src/lab/products/secure-endpoint.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { createWorld, STORY } from '../../src/lab/scenario/index.js';

const basic = `Basic ${Buffer.from(`${LAB_CREDENTIALS.secureEndpoint.clientId}:${LAB_CREDENTIALS.secureEndpoint.apiKey}`).toString('base64')}`;
let lab: Lab;
const clock = fixedClock('2026-11-23T12:00:00.000Z');

beforeEach(async () => {
  lab = await startLab({ products: [secureEndpointSimulator], clock });
});
afterEach(async () => {
  await lab.close();
});

const get = (path: string, headers: Record<string, string> = { authorization: basic }, signal?: AbortSignal) => fetch(`${lab.url}${path}`, { headers, ...(signal === undefined ? {} : { signal }) });
const post = (path: string, body: unknown) => fetch(`${lab.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('lab server', () => {
  it('describes itself at /__lab', async () => {
    const info = (await (await get('/__lab')).json()) as any;
    expect(info).toMatchObject({ url: lab.url, seed: 2026, startedAt: '2026-11-23T12:00:00.000Z', inventoryPhase: 'current', products: { secure_endpoint: `${lab.url}/secure-endpoint` } });
  });

  it('names each API family base URL and serves the lab credentials, which open its simulators', async () => {
    const all = await startLab({ products: ALL_SIMULATORS, clock });
    try {
      const info = (await (await fetch(`${all.url}/__lab`)).json()) as { endpoints: Record<string, Record<string, string>>; credentials: string };
      expect(info.endpoints.pagerduty).toEqual({ events: `${all.url}/pagerduty/events`, rest: `${all.url}/pagerduty/api` });
      expect(info.endpoints.sentinel).toMatchObject({ entra_login: `${all.url}/sentinel/login`, log_analytics: `${all.url}/sentinel/loganalytics` });
      expect(info.endpoints.slack).toEqual({ web_api: `${all.url}/slack/api/` });
      const credentials = (await (await fetch(info.credentials)).json()) as typeof LAB_CREDENTIALS;
      expect(credentials).toEqual(JSON.parse(JSON.stringify(LAB_CREDENTIALS)));
      const { clientId, apiKey } = credentials.secureEndpoint;
      const opened = await fetch(`${all.url}/secure-endpoint/v1/version`, { headers: { authorization: `Basic ${Buffer.from(`${clientId}:${apiKey}`).toString('base64')}` } });
      expect(opened.status).toBe(200);
    } finally {
      await all.close();
    }
  });

  it('journals every request with product, method, path, status and a body digest', async () => {
    await get('/secure-endpoint/v1/version');
    await fetch(`${lab.url}/secure-endpoint/v1/computers/x/isolation`, { method: 'PUT', headers: { authorization: basic, 'content-type': 'application/json' }, body: '{"comment":"c"}' });
    const { requests } = (await (await get('/__lab/requests?product=secure_endpoint')).json()) as any;
    expect(requests).toEqual([
      expect.objectContaining({ product: 'secure_endpoint', method: 'GET', path: '/secure-endpoint/v1/version', status: 200, bodyDigest: null, time: '2026-11-23T12:00:00.000Z' }),
      expect.objectContaining({ method: 'PUT', status: 404, bodyDigest: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    await fetch(`${lab.url}/__lab/requests`, { method: 'DELETE' });
    expect(((await (await get('/__lab/requests')).json()) as any).requests).toEqual([]);
  });

  it('injects a status with Retry-After in the product’s own envelope, for `count` requests', async () => {
    const created = await post('/__lab/faults', { product: 'secure_endpoint', path: '/v1/version', status: 429, retryAfter: 7, count: 2 });
    expect(created.status).toBe(201);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await get('/secure-endpoint/v1/version');
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect((await response.json()) as any).toMatchObject({ errors: [{ error_code: 429 }] });
    }
    expect((await get('/secure-endpoint/v1/version')).status).toBe(200);
    const { requests } = (await (await get('/__lab/requests')).json()) as any;
    expect(requests.filter((entry: { faultId?: string }) => entry.faultId !== undefined)).toHaveLength(2);
  });

  it('injects latency and hangs', async () => {
    await post('/__lab/faults', { product: 'secure_endpoint', path: '/v1/event_types', latencyMs: 60, count: 1 });
    const started = performance.now();
    expect((await get('/secure-endpoint/v1/event_types')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    await post('/__lab/faults', { product: 'secure_endpoint', hang: true, count: 1 });
    await expect(get('/secure-endpoint/v1/version', { authorization: basic }, AbortSignal.timeout(100))).rejects.toThrow();
  });

  it('rejects malformed or unknown faults with 400', async () => {
    expect((await post('/__lab/faults', { product: 'nope', status: 500 })).status).toBe(400);
    const bad = await post('/__lab/faults', { product: 'secure_endpoint', status: 'lots' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).message).toContain('status');
    expect((await post('/__lab/faults', { product: 'secure_endpoint', surprise: true })).status).toBe(400);
  });

  it('answers unknown paths in the product’s envelope and unknown prefixes with a list of products', async () => {
    const unknownPath = await get('/secure-endpoint/v9/nothing');
    expect(unknownPath.status).toBe(404);
    expect((await unknownPath.json()) as any).toMatchObject({ errors: [{ error_code: 404 }] });
    const unknownProduct = await get('/nothing/here');
    expect(unknownProduct.status).toBe(404);
    expect(((await unknownProduct.json()) as any).message).toContain('/secure-endpoint');
  });

  it('switches the inventory between baseline and current', async () => {
    const count = async () => ((await (await get('/secure-endpoint/v1/computers?limit=1')).json()) as any).metadata.results.total;
    const current = await count();
    expect((await post('/__lab/inventory', { phase: 'baseline' })).status).toBe(200);
    const baseline = await count();
    expect(current).toBe(lab.world.inventory.current.filter((host) => host.secureEndpoint).length);
    expect(baseline).toBe(lab.world.inventory.baseline.filter((host) => host.secureEndpoint).length);
    expect(baseline).not.toBe(current);
    expect((await post('/__lab/inventory', { phase: 'yesterday' })).status).toBe(400);
  });
});

describe('scenario world', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');

  it('is deterministic for a seed and different for another', () => {
    const first = createWorld({ seed: 7, now });
    const second = createWorld({ seed: 7, now });
    const other = createWorld({ seed: 8, now });
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    expect(JSON.stringify(first.inventory)).not.toBe(JSON.stringify(other.inventory));
  });

  it('keeps the story the same under every seed; only the noise and the inventory vary', () => {
    const storyOf = (seed: number) => {
      const world = createWorld({ seed, now });
      return {
        world,
        story: world.events.filter((event) => event.tag === 'story').map((event) => ({ ...event, id: undefined })),
      };
    };
    const [first, second] = [storyOf(7), storyOf(8)];
    expect(second.story).toEqual(first.story);
    expect(second.world.incidents.find((incident) => incident.id === 'XDR-2026-001234')).toMatchObject({ severity: 'High' });
    expect(second.world.inventory.current.filter((host) => host.tags.includes('crown-jewel')).map((host) => host.hostname)).toEqual([STORY.targetHost]);
    const noise = (world: ReturnType<typeof createWorld>) => JSON.stringify(world.events.filter((event) => event.tag === 'noise'));
    expect(noise(second.world)).not.toBe(noise(first.world));
  });

  it('holds the XDR-2026-001234 story in the hours before the lab started', () => {
    const world = createWorld({ now });
    const story = world.events.filter((event) => event.tag === 'story');
    expect(story.every((event) => event.time < now && now.getTime() - event.time.getTime() < 4 * 3_600_000)).toBe(true);
    const failed = story.filter((event) => event.kind === 'logon' && event.outcome === 'failure' && event.host === STORY.targetHost && event.sourceIp === STORY.victimIp);
    expect(failed).toHaveLength(40);
    const success = story.find((event) => event.kind === 'logon' && event.outcome === 'success');
    expect(success!.time.getTime()).toBeGreaterThan(Math.max(...failed.map((event) => event.time.getTime())));
    const sawAttacker = new Set(story.filter((event) => event.destinationIp === STORY.attackerIp || event.sourceIp === STORY.attackerIp).flatMap((event) => event.products));
    expect([...sawAttacker].sort()).toEqual(['secure_endpoint', 'secure_firewall', 'sentinel', 'splunk', 'umbrella', 'xdr']);
    expect(world.incidents[0]).toMatchObject({ id: 'XDR-2026-001234', severity: 'High' });
    expect(world.domains.find((domain) => domain.domain === STORY.attackerDomain)).toMatchObject({ status: -1 });
  });

  it('has several hundred assets across sources with overlaps, one crown jewel, and a baseline with changes', () => {
    const world = createWorld({ now });
    const hosts = world.inventory.current;
    expect(hosts.length).toBeGreaterThan(300);
    const only = (predicate: (host: (typeof hosts)[number]) => boolean) => hosts.filter(predicate).length;
    expect(only((host) => host.secureEndpoint !== undefined && host.crowdstrike !== undefined && host.xdr !== undefined)).toBeGreaterThan(50);
    expect(only((host) => host.secureEndpoint !== undefined && host.crowdstrike === undefined && host.xdr === undefined)).toBeGreaterThan(5);
    expect(only((host) => host.secureEndpoint === undefined && host.crowdstrike !== undefined)).toBeGreaterThan(5);
    expect(hosts.filter((host) => host.tags.includes('crown-jewel')).map((host) => host.hostname)).toEqual([STORY.targetHost]);
    expect(only((host) => host.tags.includes('production'))).toBeGreaterThan(10);
    const { added, removed, changed } = world.inventory.changes;
    expect(added.length).toBeGreaterThan(0);
    expect(removed.length).toBeGreaterThan(0);
    expect(changed.length).toBeGreaterThan(0);
    const baselineNames = new Set(world.inventory.baseline.map((host) => host.hostname));
    expect(added.every((name) => !baselineNames.has(name))).toBe(true);
    expect(removed.every((name) => baselineNames.has(name) && !hosts.some((host) => host.hostname === name))).toBe(true);
    expect(world.events.filter((event) => event.tag === 'noise').length).toBeGreaterThan(200);
    // Every host has its own address (IP lookups must name the right host).
    expect(new Set(hosts.map((host) => host.ip)).size).toBe(hosts.length);
    const withBulk = createWorld({ now, extraHosts: 1000 }).inventory.current;
    expect(new Set(withBulk.map((host) => host.ip)).size).toBe(withBulk.length);
  });
});
