import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/connectors/catalog/index.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import type { AnyTool } from '../../src/connectors/tool.js';
import { createUmbrellaClient, normalizeDnsActivity, umbrellaConnector, umbrellaInstance } from '../../src/connectors/umbrella/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { UMBRELLA_LAB_BLOCK_LIST_ID, umbrellaSimulator } from '../../src/lab/products/umbrella.js';
import { STORY } from '../../src/lab/scenario/index.js';
import { configFrom, injectFault, journal } from '../helpers/lab-config.js';

const clock = fixedClock('2026-11-23T12:00:00.000Z');
const dependencies = { clock, sleep: async () => {} };
let lab: Lab;

function config(secret: string = LAB_CREDENTIALS.umbrella.apiSecret, blockList = true) {
  return configFrom(`
cisco:
  umbrella:
    api_key: ${LAB_CREDENTIALS.umbrella.apiKey}
    api_secret: ${secret}
    base_url: ${lab.url}/umbrella
${blockList ? `    block_list_id: "${UMBRELLA_LAB_BLOCK_LIST_ID}"` : ''}
`);
}

function tools(pages: { reportPageSize?: number; policyPageSize?: number } = {}, blockListId: number | undefined = UMBRELLA_LAB_BLOCK_LIST_ID): AnyTool[] {
  return umbrellaInstance(createUmbrellaClient(config(), dependencies, pages), blockListId).tools;
}

async function call(id: string, input: Record<string, unknown>, list: AnyTool[] = tools()): Promise<any> {
  const definition = list.find((candidate) => candidate.id === id);
  if (definition === undefined) throw new Error(`no tool ${id}`);
  return definition.handler(definition.input.parse(input), { clock });
}

const umbrellaDnsEvents = () => lab.world.events.filter((event) => event.products.includes('umbrella') && event.kind === 'dns');

beforeEach(async () => {
  lab = await startLab({ products: [umbrellaSimulator], clock });
});
afterEach(async () => {
  await lab.close();
});

describe('Cisco Umbrella connector against the lab', () => {
  it('gets one token and refreshes exactly once after expiry', async () => {
    const instance = umbrellaConnector.create(config(), dependencies);
    await instance.healthCheck();
    await instance.healthCheck();
    expect(await journal(lab.url, { path: '/auth/v2/token' })).toHaveLength(1);

    clock.advance(3_601_000);
    await instance.healthCheck();
    expect(await journal(lab.url, { path: '/auth/v2/token' })).toHaveLength(2);

    await fetch(`${lab.url}/__lab/tokens/expire`, { method: 'POST', body: JSON.stringify({ product: 'umbrella' }) });
    await instance.healthCheck();
    expect(await journal(lab.url, { path: '/auth/v2/token' })).toHaveLength(3);
    const reads = (await journal(lab.url, { path: '/policies/v2/destinationlists' })).map((entry) => entry.status);
    expect(reads.slice(-2)).toEqual([401, 200]);
  });

  it('refuses bad credentials with ConnectorAuthError that does not leak the secret', async () => {
    const instance = umbrellaConnector.create(config('a-wrong-umbrella-secret'), dependencies);
    const error = await instance.healthCheck().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain('a-wrong-umbrella-secret');
  });

  it('investigates the story domain as malicious and an unknown domain as unclassified, low risk', async () => {
    const bad = await call('umbrella.investigate_domain', { domain: STORY.attackerDomain });
    expect(bad).toMatchObject({ verdict: 'malicious', status: -1, security_categories: expect.arrayContaining(['Malware']) });
    expect(bad.risk_score).toBeGreaterThanOrEqual(90);
    expect(bad.security.found).toBe(true);
    const unknown = await call('umbrella.investigate_domain', { domain: 'never-seen.example.org' });
    expect(unknown).toMatchObject({ verdict: 'unclassified', status: 0, security_categories: [] });
    expect(unknown.risk_score).toBeLessThan(30);
    const benign = await call('umbrella.investigate_domain', { domain: 'github.com' });
    expect(benign.verdict).toBe('benign');
  });

  it('investigates a domain or an IP through the seed name cisco.umbrella.investigate', async () => {
    expect(loadCatalog().aliases.get('cisco.umbrella.investigate')).toBe('umbrella.investigate');
    expect(await call('umbrella.investigate', { domain: STORY.attackerDomain })).toMatchObject({ kind: 'domain', verdict: 'malicious' });
    expect(await call('umbrella.investigate', { ip: STORY.attackerIp })).toMatchObject({ kind: 'ip', domains: [expect.objectContaining({ domain: STORY.attackerDomain })] });
    expect(await call('umbrella.investigate', { indicator: STORY.attackerIp })).toMatchObject({ kind: 'ip' });
    expect(await call('umbrella.investigate', { indicator: STORY.attackerDomain })).toMatchObject({ kind: 'domain' });
    await expect(call('umbrella.investigate', { domain: STORY.attackerDomain, ip: STORY.attackerIp })).rejects.toThrow(/exactly one/);
  });

  it('maps the attacker IP to the malicious domain', async () => {
    const output = await call('umbrella.investigate_ip', { ip: STORY.attackerIp });
    expect(output.domains).toEqual([expect.objectContaining({ domain: STORY.attackerDomain, verdict: 'malicious' })]);
    expect((await call('umbrella.investigate_ip', { ip: '192.0.2.200' })).domains).toEqual([]);
  });

  it('walks every activity page (offset/limit) and returns each DNS row once, normalised', async () => {
    const output = await call('umbrella.activity', { since_hours: 48 }, tools({ reportPageSize: 50 }));
    const expected = umbrellaDnsEvents();
    expect(expected.length).toBeGreaterThan(100);
    expect(output.events).toHaveLength(expected.length);
    expect(new Set(output.events.map((event: any) => event.id)).size).toBe(expected.length);
    expect((await journal(lab.url, { path: '/reports/v2/activity' })).length).toBeGreaterThanOrEqual(3);

    const story = output.events.find((event: any) => event.fields.domain === STORY.attackerDomain);
    expect(story).toMatchObject({ class: 'dns_activity', classUid: 4003, severity: 'high', source: 'umbrella' });
    expect(story.fields).toMatchObject({ host: STORY.victimHost, user: STORY.victimUser, src_ip: STORY.victimIp, outcome: 'allowed', action_id: 1 });
    expect(story.entities).toMatchObject({ hosts: [STORY.victimHost], users: [STORY.victimUser], domains: [STORY.attackerDomain] });
    const storyEvent = expected.find((event) => event.domain === STORY.attackerDomain)!;
    expect(story.time).toBe(storyEvent.time.toISOString());
    expect(normalizeDnsActivity(story.raw).id).toBe(story.id);
  });

  it('filters activity by domain in the last 4 hours', async () => {
    const output = await call('umbrella.activity', { since_hours: 4, domain: STORY.attackerDomain });
    expect(output.events).toHaveLength(1);
  });

  it('blocks a domain on the destination list and reads it back across destination pages', async () => {
    const list = tools({ policyPageSize: 2 });
    for (const domain of ['bad-one.example.net', 'bad-two.example.net', 'bad-three.example.net', 'bad-four.example.net']) {
      await call('umbrella.block_domain', { domain, comment: 'test' }, list);
    }
    const blocked = await call('umbrella.block_domain', { domain: STORY.attackerDomain, comment: STORY.incidentId }, list);
    expect(blocked).toMatchObject({ list_id: UMBRELLA_LAB_BLOCK_LIST_ID, access: 'block', destination_count: 5 });

    const destinations = await call('umbrella.list_destinations', {}, list);
    expect(destinations.destinations.map((entry: any) => entry.destination)).toEqual([
      'bad-one.example.net', 'bad-two.example.net', 'bad-three.example.net', 'bad-four.example.net', STORY.attackerDomain,
    ]);
    expect(destinations.destinations.at(-1)).toMatchObject({ type: 'domain', comment: STORY.incidentId });
    expect((await journal(lab.url, { path: `/destinationlists/${UMBRELLA_LAB_BLOCK_LIST_ID}/destinations`, method: 'GET' })).length).toBe(3);

    const lists = await call('umbrella.list_destination_lists', {});
    expect(lists.lists.find((entry: any) => entry.id === UMBRELLA_LAB_BLOCK_LIST_ID)).toMatchObject({ access: 'block', destination_count: 5 });
  });

  it('finds the block list itself when none is configured', async () => {
    const output = await call('umbrella.block_domain', { domain: 'bad.example.net' }, tools({}, undefined));
    expect(output.list_id).toBe(UMBRELLA_LAB_BLOCK_LIST_ID);
  });

  it('declares the blocked domain as a subject for guards, and rejects non-domains', () => {
    const block = tools().find((candidate) => candidate.id === 'umbrella.block_domain')!;
    expect(block.subjects!(block.input.parse({ domain: 'Evil.Example.com.' }))).toEqual({ domains: ['evil.example.com'] });
    expect(block.input.safeParse({ domain: 'not a domain' }).success).toBe(false);
  });

  it('waits out a 429 on a read', async () => {
    await injectFault(lab.url, { product: 'umbrella', path: '/investigate/v2/domains/risk-score', status: 429, retryAfter: 1, count: 1 });
    const output = await call('umbrella.investigate_domain', { domain: STORY.attackerDomain });
    expect(output.risk_score).toBeGreaterThan(90);
    expect((await journal(lab.url, { path: '/risk-score' })).map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('never re-sends a block that failed with a 500', async () => {
    await injectFault(lab.url, { product: 'umbrella', path: '/policies/v2/destinationlists', method: 'POST', status: 500 });
    const error = await call('umbrella.block_domain', { domain: STORY.attackerDomain }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect(await journal(lab.url, { path: '/destinations', method: 'POST' })).toHaveLength(1);
  });

  it('answers bad block bodies with the policies 400 envelope', async () => {
    const token = await (await fetch(`${lab.url}/umbrella/auth/v2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${LAB_CREDENTIALS.umbrella.apiKey}:${LAB_CREDENTIALS.umbrella.apiSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })).json() as { access_token: string };
    const response = await fetch(`${lab.url}/umbrella/policies/v2/destinationlists/${UMBRELLA_LAB_BLOCK_LIST_ID}/destinations`, {
      method: 'POST', headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ destination: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Validation Error' });
  });

  it('has exactly one catalog entry per tool, with the seed alias', () => {
    const catalog = loadCatalog();
    const ids = tools().map((definition) => definition.id).sort();
    const entries = [...catalog.tools.values()].filter((entry) => entry.connector === 'umbrella');
    expect(entries.map((entry) => entry.id).sort()).toEqual(ids);
    for (const definition of tools()) expect(catalog.tools.get(definition.id)!.scope).toBe(definition.scope);
    expect(catalog.aliases.get('cisco.umbrella.investigate')).toBe('umbrella.investigate');
  });
});
