import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { fixedClock } from '../../src/core/clock.js';
import type { ConnectorInstance } from '../../src/connectors/connector.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import { createSecureFirewallClient, normalizeAccessRule, normalizeNetworkObject, secureFirewallConnector } from '../../src/connectors/secure_firewall/index.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { secureFirewallSimulator } from '../../src/lab/products/secure-firewall.js';

const credentials = LAB_CREDENTIALS.secureFirewall;
const MINUTE = 60_000;

let lab: Lab;
let clock: ReturnType<typeof fixedClock>;
let sleeps: number[];

beforeEach(async () => {
  clock = fixedClock('2026-03-02T12:00:00Z');
  sleeps = [];
  lab = await startLab({ products: [secureFirewallSimulator], clock });
});

afterEach(async () => {
  await lab.close();
});

function config(options: { password?: string; domainUuid?: string } = {}) {
  const text = [
    'cisco:',
    '  secure_firewall:',
    `    base_url: ${lab.url}/fmc`,
    `    username: ${credentials.username}`,
    `    password: ${options.password ?? credentials.password}`,
    ...(options.domainUuid === undefined ? [] : [`    domain_uuid: ${options.domainUuid}`]),
  ].join('\n');
  return parseConfigText(text, { file: 'test.yaml', env: {}, exists: true }).config;
}

function dependencies() {
  return {
    clock,
    sleep: async (milliseconds: number) => {
      sleeps.push(milliseconds);
    },
  };
}

function connector(options?: { password?: string; domainUuid?: string }): ConnectorInstance {
  return secureFirewallConnector.create(config(options), dependencies());
}

async function call(instance: ConnectorInstance, id: string, input: unknown): Promise<any> {
  const tool = instance.tools.find((candidate) => candidate.id === id);
  if (tool === undefined) throw new Error(`no tool ${id}`);
  return tool.handler(tool.input.parse(input), { clock });
}

function journal(method?: string, path?: string) {
  return lab.journal.list({ product: 'secure_firewall', ...(method === undefined ? {} : { method }), ...(path === undefined ? {} : { path }) });
}

async function labPost(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${lab.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.ok).toBe(true);
}

describe('secure_firewall auth', () => {
  it('generates a token once, uses the DOMAIN_UUID header, and refreshes exactly once after 30 minutes', async () => {
    const instance = connector();
    const health = await instance.healthCheck();
    expect(health.detail).toContain(credentials.domainUuid);
    await call(instance, 'secure_firewall.list_access_rules', {});
    expect(journal('POST', '/auth/generatetoken')).toHaveLength(1);
    expect(journal('POST', '/auth/refreshtoken')).toHaveLength(0);
    expect(journal('GET', `/domain/${credentials.domainUuid}/`).every((entry) => entry.status === 200)).toBe(true);

    clock.advance(31 * MINUTE);
    const output = await call(instance, 'secure_firewall.list_network_objects', { kind: 'networks' });
    expect(output.count).toBeGreaterThan(0);
    expect(journal('POST', '/auth/refreshtoken')).toHaveLength(1);
    expect(journal('POST', '/auth/generatetoken')).toHaveLength(1);
    expect(journal().filter((entry) => entry.status === 401)).toHaveLength(0);
  });

  it('generates a new token after three refreshes', async () => {
    const instance = connector();
    await instance.healthCheck();
    for (let round = 0; round < 4; round += 1) {
      clock.advance(31 * MINUTE);
      await instance.healthCheck();
    }
    expect(journal('POST', '/auth/refreshtoken')).toHaveLength(3);
    expect(journal('POST', '/auth/generatetoken')).toHaveLength(2);
  });

  it('re-authenticates once when the lab expires the token early', async () => {
    const instance = connector();
    await instance.healthCheck();
    await labPost('/__lab/tokens/expire', { product: 'secure_firewall' });
    await instance.healthCheck();
    expect(journal().filter((entry) => entry.status === 401)).toHaveLength(1);
    expect(journal('POST', '/auth/generatetoken')).toHaveLength(2);
  });

  it('reports bad credentials as ConnectorAuthError without the password', async () => {
    const instance = connector({ password: 'wrong-password-xyz' });
    const error = await instance.healthCheck().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain('wrong-password-xyz');
    expect((error as Error).message).toContain('generatetoken');
  });
});

describe('secure_firewall paging and reads', () => {
  it('walks host objects over many pages with a small limit, each object exactly once', async () => {
    const client = createSecureFirewallClient(config({ domainUuid: credentials.domainUuid }), dependencies());
    const hosts = await client.listHosts({ pageSize: 7 });
    const servers = lab.context.hosts().filter((host) => host.kind === 'server');
    expect(hosts).toHaveLength(servers.length);
    expect(new Set(hosts.map((host) => host.id)).size).toBe(hosts.length);
    expect(new Set(hosts.map((host) => host.value))).toEqual(new Set(servers.map((host) => host.ip)));
    const pages = journal('GET', '/object/hosts');
    expect(pages.length).toBe(Math.ceil(servers.length / 7));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.map((entry) => new URLSearchParams(entry.query).get('offset'))).toEqual(pages.map((_, index) => String(index * 7)));
  });

  it('lists network and host objects including the story target server', async () => {
    const output = await call(connector(), 'secure_firewall.list_network_objects', {});
    const target = output.objects.filter((object: { value: string }) => object.value === lab.world.story.targetIp);
    expect(target).toContainEqual(expect.objectContaining({ kind: 'host', name: `HOST-${lab.world.story.targetHost}` }));
    const subnet = `${lab.world.story.victimIp.replace(/\.\d+$/, '.0')}/24`;
    expect(output.objects.some((object: { kind: string; value: string }) => object.kind === 'network' && object.value === subnet)).toBe(true);
  });

  it('lists access rules with their objects and ports', async () => {
    const output = await call(connector(), 'secure_firewall.list_access_rules', {});
    expect(output.policies).toHaveLength(1);
    const rule = output.rules.find((candidate: { name: string }) => candidate.name === `Allow-${lab.world.story.targetHost}`);
    expect(rule).toMatchObject({ action: 'ALLOW', enabled: true, destinationPorts: ['tcp/1433'] });
    expect(rule.destination.objects[0].name).toBe(`HOST-${lab.world.story.targetHost}`);
    const model = (connector().tools.find((tool) => tool.id === 'secure_firewall.list_access_rules')!.toModelOutput!(output)) as { items: unknown[] };
    expect(model.items.length).toBeLessThanOrEqual(50);
  });

  it('waits out a 429 with Retry-After on a read', async () => {
    const instance = connector();
    await instance.healthCheck();
    await labPost('/__lab/faults', { product: 'secure_firewall', path: '/api/fmc_config', method: 'GET', status: 429, retryAfter: 2, count: 1 });
    const output = await call(instance, 'secure_firewall.list_network_objects', { kind: 'networks' });
    expect(output.count).toBeGreaterThan(0);
    expect(sleeps).toContain(2000);
    expect(journal().filter((entry) => entry.status === 429)).toHaveLength(1);
  });

  it('answers 429 with the FMC envelope past ~120 requests a minute', async () => {
    const headers = new Headers({ authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` });
    const token = (await fetch(`${lab.url}/fmc/api/fmc_platform/v1/auth/generatetoken`, { method: 'POST', headers })).headers.get('x-auth-access-token')!;
    const url = `${lab.url}/fmc/api/fmc_config/v1/domain/${credentials.domainUuid}/object/networks?limit=1`;
    const statuses: number[] = [];
    for (let index = 0; index < 121; index += 1) statuses.push((await fetch(url, { headers: { 'x-auth-access-token': token } })).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(120);
    const limited = await fetch(url, { headers: { 'x-auth-access-token': token } });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: { category: 'FRAMEWORK', messages: [{ description: expect.any(String) }], severity: 'ERROR' } });
  });
});

describe('secure_firewall block and deploy', () => {
  it('blocks an IP with a host object and top BLOCK rules, idempotently, then deploys', async () => {
    const instance = connector();
    const ip = lab.world.story.attackerIp;
    const first = await call(instance, 'secure_firewall.block_ip', { ip, reason: lab.world.story.incidentId });
    expect(first.hostObject.created).toBe(true);
    expect(first.rules.map((rule: { created: boolean }) => rule.created)).toEqual([true, true]);
    expect(first.deploymentNeeded).toBe(true);

    const rules = await call(instance, 'secure_firewall.list_access_rules', { action: 'BLOCK' });
    expect(rules.rules).toHaveLength(2);
    expect(rules.rules.map((rule: { index: number }) => rule.index).sort()).toEqual([1, 2]);
    expect(rules.rules.some((rule: { destination: { objects: Array<{ id: string }> } }) => rule.destination.objects[0]?.id === first.hostObject.id)).toBe(true);
    expect(rules.rules.some((rule: { source: { objects: Array<{ id: string }> } }) => rule.source.objects[0]?.id === first.hostObject.id)).toBe(true);
    const objects = await call(instance, 'secure_firewall.list_network_objects', { kind: 'hosts', search: ip });
    expect(objects.objects).toEqual([expect.objectContaining({ value: ip, kind: 'host' })]);

    const posts = journal('POST', '/api/fmc_config').length;
    const second = await call(instance, 'secure_firewall.block_ip', { ip });
    expect(second.hostObject).toMatchObject({ id: first.hostObject.id, created: false });
    expect(second.rules.every((rule: { created: boolean }) => !rule.created)).toBe(true);
    expect(second.deploymentNeeded).toBe(false);
    expect(journal('POST', '/api/fmc_config')).toHaveLength(posts);

    const deployed = await call(instance, 'secure_firewall.deploy', {});
    expect(deployed).toMatchObject({ deployed: true, status: 'Deployed' });
    expect(deployed.devices.map((device: { name: string }) => device.name).sort()).toEqual(['ftd-dc-1', 'ftd-edge-1']);
    expect(journal('GET', '/job/taskstatuses/').length).toBe(2);
    const again = await call(instance, 'secure_firewall.deploy', {});
    expect(again).toMatchObject({ deployed: false, devices: [] });
  });

  it('does not re-send a host object POST that failed with 500', async () => {
    const instance = connector();
    await labPost('/__lab/faults', { product: 'secure_firewall', path: `/api/fmc_config/v1/domain/${credentials.domainUuid}/object/hosts`, method: 'POST', status: 500 });
    const error = await call(instance, 'secure_firewall.block_ip', { ip: '198.51.100.99' }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as ConnectorUpstreamError).status).toBe(500);
    expect(journal('POST', '/object/hosts')).toHaveLength(1);
    expect(journal('POST', '/accessrules')).toHaveLength(0);
  });

  it('answers bad bodies with the FMC 400 envelope', async () => {
    const client = createSecureFirewallClient(config(), dependencies());
    const error = await client.createHost({ name: 'bad', value: 'not-an-ip' }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as ConnectorUpstreamError).status).toBe(400);
    expect((error as ConnectorUpstreamError).summary).toContain('Invalid host value');
  });

  it('declares the blocked IP as the subject for the internal_cidrs guard', () => {
    const tool = connector().tools.find((candidate) => candidate.id === 'secure_firewall.block_ip')!;
    expect(tool.scope).toBe('execute');
    expect(tool.subjects!(tool.input.parse({ ip: '10.10.4.42' }))).toEqual({ ips: ['10.10.4.42'] });
    expect(() => tool.input.parse({ ip: '10.10.4.0/24' })).toThrow();
  });
});

describe('secure_firewall normalisation', () => {
  it('turns FMC objects and rules into plain records', () => {
    expect(
      normalizeNetworkObject({ id: 'o1', type: 'Network', name: 'NET', value: '10.0.0.0/8', description: ' ', metadata: { timestamp: Date.UTC(2026, 0, 1) } }),
    ).toEqual({ id: 'o1', kind: 'network', name: 'NET', value: '10.0.0.0/8', updatedAt: '2026-01-01T00:00:00.000Z' });
    const rule = normalizeAccessRule(
      {
        id: 'r1',
        name: 'Block',
        action: 'BLOCK',
        enabled: true,
        sourceNetworks: { literals: [{ type: 'Host', value: '1.2.3.4' }] },
        destinationNetworks: { objects: [{ id: 'o1', type: 'Host', name: 'H' }] },
        destinationPorts: { literals: [{ type: 'PortLiteral', protocol: '17', port: '53' }] },
        metadata: { ruleIndex: 3, section: 'Mandatory' },
      },
      { id: 'p1', name: 'Policy' },
    );
    expect(rule).toEqual({
      id: 'r1',
      name: 'Block',
      policyId: 'p1',
      policyName: 'Policy',
      action: 'BLOCK',
      enabled: true,
      index: 3,
      section: 'Mandatory',
      source: { objects: [], literals: ['1.2.3.4'] },
      destination: { objects: [{ id: 'o1', name: 'H', type: 'Host' }], literals: [] },
      destinationPorts: ['udp/53'],
    });
  });
});
