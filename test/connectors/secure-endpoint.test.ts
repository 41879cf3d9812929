import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker, ConnectorAuthError, ConnectorNotFoundError, ConnectorTimeoutError, ConnectorUnavailableError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import { SecureEndpointClient, createSecureEndpointClient, secureEndpointConnector } from '../../src/connectors/secure_endpoint/index.js';
import type { AnyTool } from '../../src/connectors/tool.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { secureEndpointSimulator } from '../../src/lab/products/secure-endpoint.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { STORY } from '../../src/lab/scenario/index.js';
import { configFrom, injectFault, journal } from '../helpers/lab-config.js';

const clock = fixedClock('2026-11-23T12:00:00.000Z');
let lab: Lab;

function config(apiKey: string = LAB_CREDENTIALS.secureEndpoint.apiKey) {
  return configFrom(`
cisco:
  secure_endpoint:
    base_url: ${lab.url}/secure-endpoint
    client_id: ${LAB_CREDENTIALS.secureEndpoint.clientId}
    api_key: ${apiKey}
`);
}

const dependencies = { clock, sleep: async () => {} };

function tool(id: string): AnyTool {
  const found = secureEndpointConnector.create(config(), dependencies).tools.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no tool ${id}`);
  return found;
}

async function call(id: string, input: Record<string, unknown>): Promise<any> {
  const definition = tool(id);
  return definition.handler(definition.input.parse(input), { clock });
}

beforeEach(async () => {
  lab = await startLab({ products: [secureEndpointSimulator], clock });
});
afterEach(async () => {
  await lab.close();
});

describe('Secure Endpoint connector against the lab', () => {
  it('authenticates with Basic credentials and reports rate-limit headroom', async () => {
    const instance = secureEndpointConnector.create(config(), dependencies);
    const health = await instance.healthCheck();
    expect(health.rateLimit).toMatchObject({ limit: 3000 });
    expect(health.rateLimit!.remaining).toBeLessThan(3000);
  });

  it('refuses bad credentials with ConnectorAuthError that does not leak the key', async () => {
    const instance = secureEndpointConnector.create(config('wrong-api-key-value'), dependencies);
    const error = await instance.healthCheck().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain('wrong-api-key-value');
    expect((error as ConnectorAuthError).status).toBe(401);
  });

  it('pages through every computer exactly once (>= 3 pages)', async () => {
    const client = createSecureEndpointClient(config(), dependencies, 100);
    const computers = await client.listComputers();
    const expected = lab.world.inventory.current.filter((host) => host.secureEndpoint !== undefined);
    expect(computers).toHaveLength(expected.length);
    expect(new Set(computers.map((computer) => computer.connector_guid)).size).toBe(expected.length);
    const pages = await journal(lab.url, { path: '/v1/computers' });
    expect(pages.length).toBeGreaterThanOrEqual(4);
  });

  it('lists and normalises computers as asset records', async () => {
    const result = await call('secure_endpoint.list_computers', { hostname: STORY.victimHost });
    expect(result.count).toBe(1);
    const [asset] = result.computers;
    expect(asset).toMatchObject({ source: 'secure-endpoint', hostname: STORY.victimHost, fqdn: `${STORY.victimHost}.corp.example.com`, ips: [STORY.victimIp], isolation: 'not_isolated', os: { family: 'windows' } });
    expect(asset.macs[0]).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  });

  it('reports the victim endpoint compromised with a high threat score', async () => {
    const status = await call('secure_endpoint.get_computer', { hostname: STORY.victimHost });
    expect(status).toMatchObject({ hostname: STORY.victimHost, is_compromised: true, isolation: 'not_isolated' });
    expect(status.threat_score).toBeGreaterThan(85);
    const quiet = await call('secure_endpoint.get_computer', { hostname: 'srv-app-01' }).catch(() => undefined);
    if (quiet !== undefined) expect(quiet.threat_score).toBe(0);
  });

  it('returns the story events normalised, with IOCs as entities', async () => {
    const result = await call('secure_endpoint.list_events', { hostname: STORY.victimHost, since_hours: 6 });
    const titles = result.events.map((event: { title: string }) => event.title);
    expect(titles.some((title: string) => title.startsWith('Threat Detected'))).toBe(true);
    const network = result.events.find((event: { class: string }) => event.class === 'network_activity');
    expect(network.entities.ips).toContain(STORY.attackerIp);
    expect(network.fields.url).toBe(STORY.payloadUrl);
    const payload = result.events.find((event: { entities: { hashes: string[] } }) => event.entities.hashes.includes(STORY.payloadSha256));
    expect(payload).toBeDefined();
    expect(['high', 'critical']).toContain(payload.severity);
    expect(Date.parse(payload.time)).toBeLessThan(clock.now().getTime());
    const bySha = await call('secure_endpoint.list_events', { sha256: STORY.payloadSha256, since_hours: 24 });
    expect(bySha.count).toBeGreaterThan(0);
  });

  it('shows the trajectory and the fleet-wide sightings of an IOC', async () => {
    const trajectory = await call('secure_endpoint.get_trajectory', { hostname: STORY.victimHost, query: STORY.attackerIp });
    expect(trajectory.events.length).toBeGreaterThan(0);
    const sightings = await call('secure_endpoint.find_computers_by_ioc', { indicator: STORY.payloadSha256 });
    expect(sightings.computers.map((computer: { hostname: string }) => computer.hostname)).toEqual([STORY.victimHost]);
  });

  it('isolates and releases a host, and the lab reports each state', async () => {
    const isolated = await call('secure_endpoint.isolate_host', { hostname: STORY.victimHost, comment: 'XDR-2026-001234 containment' });
    expect(isolated.status).toBe('pending_start');
    expect((await call('secure_endpoint.isolation_status', { hostname: STORY.victimHost })).status).toBe('isolated');
    expect((await call('secure_endpoint.get_computer', { hostname: STORY.victimHost })).isolation).toBe('isolated');
    await expect(call('secure_endpoint.isolate_host', { hostname: STORY.victimHost, comment: 'again' })).rejects.toBeInstanceOf(ConnectorUpstreamError);
    expect((await call('secure_endpoint.release_host', { hostname: STORY.victimHost, comment: 'cleaned' })).status).toBe('pending_stop');
    expect((await call('secure_endpoint.isolation_status', { hostname: STORY.victimHost })).status).toBe('not_isolated');
  });

  it('names an unknown host as not found', async () => {
    await expect(call('secure_endpoint.get_computer', { hostname: 'no-such-host' })).rejects.toBeInstanceOf(ConnectorNotFoundError);
  });

  it('waits out a 429 with Retry-After on a read, and never re-sends an isolation PUT that got a 500', async () => {
    await injectFault(lab.url, { product: 'secure_endpoint', path: '/v1/version', status: 429, retryAfter: 2, count: 1 });
    const waits: number[] = [];
    const instance = secureEndpointConnector.create(config(), { clock, sleep: async (milliseconds: number) => void waits.push(milliseconds) });
    await instance.healthCheck();
    expect(waits).toEqual([2000]);
    expect((await journal(lab.url, { path: '/v1/version' })).map((entry) => entry.status)).toEqual([429, 200]);

    const guid = lab.context.host(STORY.victimHost)!.secureEndpoint!.connectorGuid;
    await injectFault(lab.url, { product: 'secure_endpoint', path: `/v1/computers/${guid}/isolation`, method: 'PUT', status: 500, count: 1 });
    const client: SecureEndpointClient = createSecureEndpointClient(config(), dependencies);
    await expect(client.startIsolation(guid, 'contain')).rejects.toBeInstanceOf(ConnectorUpstreamError);
    expect(await journal(lab.url, { method: 'PUT' })).toHaveLength(1);
  });

  it('turns a hung request into ConnectorTimeoutError', async () => {
    await injectFault(lab.url, { product: 'secure_endpoint', path: '/v1/version', hang: true });
    const instance = secureEndpointConnector.create(config(), { clock, sleep: async () => {}, timeoutMs: 50 });
    await expect(instance.healthCheck()).rejects.toBeInstanceOf(ConnectorTimeoutError);
  });

  it('opens the circuit after repeated outages, fails fast without calling the product, and recovers', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 30_000, clock });
    const instance = secureEndpointConnector.create(config(), { clock, sleep: async () => {}, breaker });
    await injectFault(lab.url, { product: 'secure_endpoint', status: 503 });
    // The GET is retried; the third failure opens the circuit, so the fourth attempt never leaves.
    await expect(instance.healthCheck()).rejects.toBeInstanceOf(ConnectorUnavailableError);
    expect(breaker.state).toBe('open');
    expect(await journal(lab.url)).toHaveLength(3);
    const sent = (await journal(lab.url)).length;
    await expect(instance.healthCheck()).rejects.toBeInstanceOf(ConnectorUnavailableError);
    expect(await journal(lab.url)).toHaveLength(sent);
    await fetch(`${lab.url}/__lab/faults`, { method: 'DELETE' });
    clock.advance(30_001);
    await instance.healthCheck();
    expect(breaker.state).toBe('closed');
  });
});
