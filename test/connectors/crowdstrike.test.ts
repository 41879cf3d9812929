import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { loadCatalog } from '../../src/connectors/catalog/index.js';
import type { ConnectorDependencies } from '../../src/connectors/connector.js';
import { CrowdStrikeClient, alertToEvent, crowdStrikeConnector, deviceToAsset } from '../../src/connectors/crowdstrike/index.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import type { AnyTool } from '../../src/connectors/tool.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { crowdStrikeSimulator } from '../../src/lab/products/crowdstrike.js';

const clock = fixedClock('2026-03-02T12:00:00Z');
let lab: Lab;
let sleeps: number[] = [];

function dependencies(): ConnectorDependencies {
  return {
    clock,
    // Retries wait on the shared clock, so X-RateLimit-RetryAfter (epoch seconds) comes due.
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      clock.advance(milliseconds);
    },
  };
}

function config(secret: string = LAB_CREDENTIALS.crowdstrike.clientSecret) {
  return parseConfigText(
    `integrations:\n  crowdstrike:\n    client_id: ${LAB_CREDENTIALS.crowdstrike.clientId}\n    client_secret: ${secret}\n    base_url: ${lab.url}/crowdstrike\n`,
    { file: 'test.yaml', env: {}, exists: true },
  ).config;
}

function tools(secret?: string): Record<string, AnyTool> {
  const instance = crowdStrikeConnector.create(config(secret), dependencies());
  return Object.fromEntries(instance.tools.map((tool) => [tool.id, tool]));
}

async function call(tool: AnyTool, input: Record<string, unknown>): Promise<any> {
  return tool.handler(tool.input.parse(input), { clock });
}

function requests(path?: string, method?: string) {
  return lab.journal.list({ product: 'crowdstrike', ...(path === undefined ? {} : { path }), ...(method === undefined ? {} : { method }) });
}

const falconHosts = () => lab.context.hosts().filter((host) => host.crowdstrike !== undefined);

beforeAll(async () => {
  lab = await startLab({ products: [crowdStrikeSimulator], clock });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(() => {
  lab.journal.clear();
  lab.faults.clear();
  sleeps = [];
});

describe('crowdstrike auth', () => {
  it('gets a 201 token once, refreshes exactly once after expiry, and keeps the secret out of auth errors', async () => {
    const { 'crowdstrike.get_device': getDevice } = tools();
    const first = await call(getDevice!, { device: 'workstation-042' });
    expect(first.device.hostname).toBe('WORKSTATION-042');
    await call(getDevice!, { device: 'srv-db-01' });
    const tokenCalls = requests('/oauth2/token');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.status).toBe(201);

    // Past the 1799 s lifetime: the data call is refused (401), one new token, one re-send.
    lab.journal.clear();
    clock.advance(1800 * 1000);
    const again = await call(getDevice!, { device: 'workstation-042' });
    expect(again.device.device_id).toBe(first.device.device_id);
    expect(requests('/oauth2/token')).toHaveLength(1);

    // Expired server-side while the client still trusts its cache: 401, refresh, re-send.
    lab.journal.clear();
    const response = await fetch(`${lab.url}/__lab/tokens/expire`, { method: 'POST', body: JSON.stringify({ product: 'crowdstrike' }) });
    expect(response.status).toBe(200);
    await call(getDevice!, { device: 'workstation-042' });
    expect(requests('/oauth2/token')).toHaveLength(1);
    expect(requests('/devices/').filter((entry) => entry.status === 401).length).toBeGreaterThanOrEqual(1);

    const wrongSecret = 'not-the-falcon-secret-123';
    const { 'crowdstrike.query_devices': queryDevices } = tools(wrongSecret);
    const error = await call(queryDevices!, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain(wrongSecret);
    expect((error as Error).message).toContain('401');
  });

  it('sends X-Cs-Traceid, X-Cs-Region and rate-limit headers, and healthCheck reports them', async () => {
    const instance = crowdStrikeConnector.create(config(), dependencies());
    const health = await instance.healthCheck();
    expect(health.detail).toBe(`${falconHosts().length} Falcon devices`);
    expect(health.rateLimit?.limit).toBe(6000);
    expect(health.rateLimit?.remaining).toBeLessThan(6000);
    const token = await fetch(`${lab.url}/crowdstrike/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: LAB_CREDENTIALS.crowdstrike.clientId, client_secret: LAB_CREDENTIALS.crowdstrike.clientSecret }),
    });
    expect(token.status).toBe(201);
    expect(token.headers.get('x-cs-region')).toBe('us-1');
    expect(token.headers.get('x-cs-traceid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await token.json()) as { expires_in: number }).expires_in).toBe(1799);
    const refused = await fetch(`${lab.url}/crowdstrike/devices/queries/devices/v1`, { headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ errors: [{ code: 401, message: 'access denied, invalid bearer token' }], resources: [] });
  });
});

describe('crowdstrike devices', () => {
  it('walks >= 3 pages and returns every Falcon device exactly once', async () => {
    const { 'crowdstrike.query_devices': queryDevices } = tools();
    const expected = falconHosts();
    expect(expected.length).toBeGreaterThan(200);
    const result = await call(queryDevices!, { page_size: 100, limit: 10_000 });
    const ids = result.devices.map((device: { device_id: string }) => device.device_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((host) => host.crowdstrike!.deviceId)));
    expect(result.total).toBe(expected.length);
    expect(result.truncated).toBe(false);
    const pages = requests('/devices/queries/devices/v1', 'GET');
    expect(pages.length).toBe(Math.ceil(expected.length / 100));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // Pages are requested in parallel, so they may arrive in any order; each offset exactly once.
    expect(pages.map((entry) => Number(new URLSearchParams(entry.query).get('offset'))).sort((a, b) => a - b)).toEqual(pages.map((_, index) => index * 100));
  });

  it('filters with FQL (hostname, platform, last_seen) and caps results', async () => {
    const { 'crowdstrike.query_devices': queryDevices } = tools();
    const byName = await call(queryDevices!, { hostname: 'srv-db-01' });
    expect(byName.devices).toHaveLength(1);
    expect(byName.assets[0].tags).toContain('crown-jewel');

    const windows = await call(queryDevices!, { filter: "platform_name:'Windows'" });
    const expectedWindows = falconHosts().filter((host) => host.os.family === 'windows');
    expect(windows.devices).toHaveLength(expectedWindows.length);

    const cutoff = new Date(clock.now().getTime() - 60 * 60_000).toISOString();
    const recent = await call(queryDevices!, { filter: `last_seen:>'${cutoff}'` });
    expect(recent.devices.length).toBe(falconHosts().filter((host) => host.lastSeen.getTime() > Date.parse(cutoff)).length);
    expect(recent.devices.length).toBeGreaterThan(0);

    const capped = await call(queryDevices!, { limit: 7, page_size: 3 });
    expect(capped.devices).toHaveLength(7);
    expect(capped.truncated).toBe(true);

    const bad = await fetch(`${lab.url}/crowdstrike/devices/queries/devices/v1?filter=${encodeURIComponent("nosuchfield:'x'")}`, {
      headers: { authorization: `Bearer ${lab.context.tokens('crowdstrike', 1799).issue('test').token}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toContain('unknown field');
  });

  it('normalises a device into an AssetRecord', async () => {
    const { 'crowdstrike.get_device': getDevice } = tools();
    const host = lab.context.host('workstation-042')!;
    const byId = await call(getDevice!, { device: host.crowdstrike!.deviceId });
    const asset = deviceToAsset(byId.device);
    expect(asset).toMatchObject({
      source: 'crowdstrike',
      sourceId: host.crowdstrike!.deviceId,
      hostname: 'workstation-042',
      fqdn: 'workstation-042.corp.example.com',
      ips: [host.ip],
      macs: [host.mac.toLowerCase()],
      agentVersion: host.crowdstrike!.agentVersion,
      isolation: 'not_isolated',
      lastSeen: host.lastSeen.toISOString(),
      os: { family: 'windows', name: host.os.name },
    });
    expect(byId.device.mac_address).toBe(host.mac.toLowerCase().replaceAll(':', '-'));
    expect(asset.tags).toEqual(host.tags);
  });
});

describe('crowdstrike alerts', () => {
  it('lists every crowdstrike alert of the world across pages, normalised to detection findings', async () => {
    const { 'crowdstrike.list_alerts': listAlerts } = tools();
    const expected = lab.world.events.filter((event) => event.products.includes('crowdstrike') && event.host !== undefined && lab.context.host(event.host)?.crowdstrike !== undefined);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const result = await call(listAlerts!, { page_size: 2 });
    expect(requests('/alerts/queries/alerts/v2').length).toBeGreaterThanOrEqual(3);
    expect(result.events).toHaveLength(expected.length);
    expect(new Set(result.events.map((event: { id: string }) => event.id)).size).toBe(expected.length);
    expect(result.events.map((event: { time: string }) => event.time)).toEqual(
      // Falcon timestamps have whole seconds.
      [...expected].sort((a, b) => b.time.getTime() - a.time.getTime()).map((event) => new Date(Math.floor(event.time.getTime() / 1000) * 1000).toISOString()),
    );

    const story = lab.world.story;
    const mimikatz = result.events.find((event: any) => event.fields.sha256 === story.dumpToolSha256 && event.entities.hosts.includes(story.targetHost));
    expect(mimikatz).toMatchObject({
      class: 'detection_finding',
      classUid: 2004,
      severity: 'critical',
      source: 'crowdstrike',
      entities: { hosts: [story.targetHost], users: [story.serviceAccount], hashes: [story.dumpToolSha256] },
      fields: { technique: 'T1003.001', tactic: 'Credential Access', tactic_id: 'TA0006', host: story.targetHost },
    });

    const high = await call(listAlerts!, { min_severity: 60, hostname: story.victimHost, since: '4h' });
    expect(high.events.length).toBe(expected.filter((event) => event.host === story.victimHost && ['high', 'critical'].includes(event.severity)).length);
    expect(high.events.every((event: { severity: string }) => event.severity === 'high' || event.severity === 'critical')).toBe(true);
    const noise = result.events.find((event: { severity: string }) => event.severity === 'low');
    expect(noise).toBeDefined();
    expect(alertToEvent(noise.raw).severity).toBe('low');
  });
});

describe('crowdstrike containment', () => {
  it('contains a host (pending, then contained) and lifts it again, read back through the API', async () => {
    const { 'crowdstrike.contain_host': contain, 'crowdstrike.lift_containment': lift, 'crowdstrike.get_device': getDevice } = tools();
    const contained = await call(contain!, { hostname: 'workstation-042' });
    expect(contained).toMatchObject({ action: 'contain', hostname: 'workstation-042', accepted: true, previous_status: 'normal', status: 'containment_pending' });
    expect(requests('/devices/entities/devices-actions/v2', 'POST')).toHaveLength(1);
    expect(requests('/devices/entities/devices-actions/v2', 'POST')[0]!.query).toBe('action_name=contain');
    clock.advance(10_000);
    const after = await call(getDevice!, { device: 'workstation-042' });
    expect(after.device.status).toBe('contained');
    expect(after.asset.isolation).toBe('isolated');

    const lifted = await call(lift!, { hostname: 'WORKSTATION-042' });
    expect(lifted.status).toBe('lift_containment_pending');
    clock.advance(10_000);
    expect((await call(getDevice!, { device: 'workstation-042' })).device.status).toBe('normal');
  });

  it('declares the host as subject for the crown-jewel guard, and the catalog matches the tools', () => {
    const instance = crowdStrikeConnector.create(config(), dependencies());
    const contain = instance.tools.find((tool) => tool.id === 'crowdstrike.contain_host')!;
    expect(contain.subjects?.(contain.input.parse({ hostname: 'srv-db-01' }))).toEqual({ hosts: ['srv-db-01'] });
    const catalog = loadCatalog();
    const entries = [...catalog.tools.values()].filter((entry) => entry.connector === 'crowdstrike');
    expect(entries.map((entry) => entry.id).sort()).toEqual(instance.tools.map((tool) => tool.id).sort());
    for (const tool of instance.tools) {
      const entry = catalog.tools.get(tool.id)!;
      expect(entry.scope).toBe(tool.scope);
      expect(entry.requires_approval).toBe(tool.scope !== 'read');
    }
    expect(catalog.tools.get('crowdstrike.contain_host')!.guards.deny_if_asset_tag).toEqual(['crown-jewel']);
  });

  it('rejects a bad action body with the Falcon 400 envelope', async () => {
    const token = lab.context.tokens('crowdstrike', 1799).issue('test').token;
    const response = await fetch(`${lab.url}/crowdstrike/devices/entities/devices-actions/v2?action_name=explode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['x'] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ code: 400 }], resources: [], meta: { trace_id: expect.any(String) } });
  });
});

describe('crowdstrike faults', () => {
  it('waits out an injected 429 (Retry-After) on a read and succeeds', async () => {
    const { 'crowdstrike.get_device': getDevice } = tools();
    await call(getDevice!, { device: 'srv-db-01' }); // token first
    lab.journal.clear();
    lab.faults.add({ product: 'crowdstrike', path: '/devices/queries/devices/v1', status: 429, retryAfter: 2, count: 1 });
    const result = await call(getDevice!, { device: 'srv-db-01' });
    expect(result.device.hostname).toBe('SRV-DB-01');
    expect(sleeps).toContain(2000);
    expect(requests('/devices/queries/devices/v1').map((entry) => entry.status)).toEqual([429, 200]);
  });

  it("honours the simulator's own limit: 429 with X-RateLimit-RetryAfter (epoch seconds)", async () => {
    const { 'crowdstrike.get_device': getDevice } = tools();
    await call(getDevice!, { device: 'srv-db-01' });
    const limiter = lab.context.limiter('crowdstrike', 6000, 60_000);
    const original = { limit: limiter.limit, windowMs: limiter.windowMs };
    try {
      clock.advance(60_000); // fresh window
      // One request per 5 s window: each call of the tool after the first must wait for the next window.
      limiter.limit = 1;
      limiter.windowMs = 5_000;
      lab.journal.clear();
      const result = await call(getDevice!, { device: 'srv-db-01' });
      expect(result.device.hostname).toBe('SRV-DB-01');
      expect(requests('/devices/').some((entry) => entry.status === 429)).toBe(true);
      expect(sleeps.length).toBeGreaterThan(0);
      expect(sleeps.every((milliseconds) => milliseconds > 0 && milliseconds <= 5_000)).toBe(true);
    } finally {
      limiter.limit = original.limit;
      limiter.windowMs = original.windowMs;
    }
  });

  it('does not re-send a contain POST that got a 500', async () => {
    const { 'crowdstrike.contain_host': contain, 'crowdstrike.get_device': getDevice } = tools();
    lab.faults.add({ product: 'crowdstrike', path: '/devices/entities/devices-actions/v2', method: 'POST', status: 500, count: 1 });
    const host = falconHosts().find((candidate) => candidate.kind === 'workstation' && candidate.hostname !== 'workstation-042')!;
    const error = await call(contain!, { hostname: host.hostname }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect(requests('/devices/entities/devices-actions/v2', 'POST')).toHaveLength(1);
    expect((await call(getDevice!, { device: host.hostname })).device.status).toBe('normal');
  });
});

describe('crowdstrike client', () => {
  it('sends member_cid with the token request when configured', async () => {
    const client = new CrowdStrikeClient({
      baseUrl: `${lab.url}/crowdstrike`,
      clientId: LAB_CREDENTIALS.crowdstrike.clientId,
      clientSecret: LAB_CREDENTIALS.crowdstrike.clientSecret,
      memberCid: 'abcdef0123456789abcdef0123456789',
      dependencies: dependencies(),
    });
    const ids = await client.queryDeviceIds({ pageSize: 5, maxResults: 5 });
    expect(ids.records).toHaveLength(5);
  });
});
