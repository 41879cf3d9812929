import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { incidentToEvent, pagerdutyConnector, PagerDutyClient } from '../../src/connectors/pagerduty/index.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import { loadCatalog } from '../../src/connectors/catalog/index.js';
import type { AnyTool } from '../../src/connectors/tool.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { pagerdutySimulator } from '../../src/lab/products/pagerduty.js';

const clock = fixedClock('2026-03-10T12:00:00Z');
let lab: Lab;

function connectorFor(overrides: { apiToken?: string; routingKey?: string } = {}) {
  const text = `
integrations:
  pagerduty:
    api_token: ${overrides.apiToken ?? LAB_CREDENTIALS.pagerduty.apiToken}
    routing_key: ${overrides.routingKey ?? LAB_CREDENTIALS.pagerduty.routingKey}
    from_email: ${LAB_CREDENTIALS.pagerduty.fromEmail}
    base_url: ${lab.url}/pagerduty/api
    events_url: ${lab.url}/pagerduty/events
`;
  const { config } = parseConfigText(text, { file: 'test.yaml', env: {}, exists: true });
  return pagerdutyConnector.create(config, { clock, sleep: async () => {} });
}

function tool(tools: AnyTool[], id: string): AnyTool {
  const found = tools.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no tool ${id}`);
  return found;
}

async function call(id: string, input: unknown, tools = connectorFor().tools): Promise<any> {
  const definition = tool(tools, id);
  return definition.handler(definition.input.parse(input), { clock });
}

async function journal(path: string, method = 'POST') {
  const response = await fetch(`${lab.url}/__lab/requests?product=pagerduty&method=${method}&path=${encodeURIComponent(path)}`);
  return ((await response.json()) as { requests: Array<{ status: number; faultId?: string }> }).requests;
}

beforeAll(async () => {
  lab = await startLab({ products: [pagerdutySimulator], clock });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(async () => {
  await fetch(`${lab.url}/__lab/faults`, { method: 'DELETE' });
  await fetch(`${lab.url}/__lab/requests`, { method: 'DELETE' });
});

describe('pagerduty catalog', () => {
  it('has exactly one catalog entry per tool, with the same scope', () => {
    const catalog = loadCatalog();
    const tools = connectorFor().tools;
    const entries = [...catalog.tools.values()].filter((entry) => entry.connector === 'pagerduty');
    expect(entries.map((entry) => entry.id).sort()).toEqual(tools.map((definition) => definition.id).sort());
    for (const definition of tools) {
      const entry = catalog.tools.get(definition.id)!;
      expect(entry.scope).toBe(definition.scope);
      expect(entry.requires_approval).toBe(definition.scope !== 'read');
    }
  });
});

describe('pagerduty events and REST against the lab', () => {
  it('create_incident triggers once; a repeat with the same dedup_key does not open a second incident', async () => {
    const input = { summary: 'High severity XDR incident XDR-2026-001234 on workstation-042', source: 'workstation-042', severity: 'critical', dedup_key: 'xdr-XDR-2026-001234', custom_details: { attacker_ip: '185.220.101.5' } };
    const first = await call('pagerduty.create_incident', input);
    expect(first).toEqual({ dedup_key: 'xdr-XDR-2026-001234', status: 'success', message: 'Event processed' });
    const second = await call('pagerduty.create_incident', input);
    expect(second.dedup_key).toBe('xdr-XDR-2026-001234');

    const listed = await call('pagerduty.list_incidents', { dedup_key: 'xdr-XDR-2026-001234' });
    expect(listed.incidents).toHaveLength(1);
    expect(listed.incidents[0]).toMatchObject({ title: input.summary, status: 'triggered', urgency: 'high', dedup_key: 'xdr-XDR-2026-001234' });
    const raw = await new PagerDutyClient({
      restUrl: `${lab.url}/pagerduty/api`, eventsUrl: `${lab.url}/pagerduty/events`, clock,
      apiToken: () => LAB_CREDENTIALS.pagerduty.apiToken, routingKey: () => undefined,
    }).getIncident(listed.incidents[0].id);
    expect((raw as any).alert_counts.all).toBe(2);
  });

  it('derives a stable dedup_key when none is given, so an agent re-run does not page twice', async () => {
    const input = { summary: 'Brute force then login on srv-db-01', source: 'srv-db-01', severity: 'error' };
    const first = await call('pagerduty.create_incident', input);
    const second = await call('pagerduty.create_incident', input);
    expect(first.dedup_key).toMatch(/^defenseclaw-[0-9a-f]{32}$/);
    expect(second.dedup_key).toBe(first.dedup_key);
    const listed = await call('pagerduty.list_incidents', { dedup_key: first.dedup_key });
    expect(listed.incidents).toHaveLength(1);
  });

  it('resolve_incident resolves by dedup_key and by incident id; a later trigger opens a new incident', async () => {
    await call('pagerduty.create_incident', { summary: 'Resolve me', source: 'workstation-042', severity: 'warning', dedup_key: 'resolve-test' });
    const resolved = await call('pagerduty.resolve_incident', { dedup_key: 'resolve-test' });
    expect(resolved).toMatchObject({ dedup_key: 'resolve-test', status: 'success' });
    let listed = await call('pagerduty.list_incidents', { dedup_key: 'resolve-test' });
    expect(listed.incidents.map((incident: any) => incident.status)).toEqual(['resolved']);

    // The key is free again once resolved: PagerDuty opens a new incident for it.
    await call('pagerduty.create_incident', { summary: 'Resolve me', source: 'workstation-042', severity: 'warning', dedup_key: 'resolve-test' });
    listed = await call('pagerduty.list_incidents', { dedup_key: 'resolve-test', statuses: ['triggered'] });
    expect(listed.incidents).toHaveLength(1);
    await call('pagerduty.resolve_incident', { incident_id: listed.incidents[0].id });
    listed = await call('pagerduty.list_incidents', { dedup_key: 'resolve-test' });
    expect(listed.incidents.map((incident: any) => incident.status)).toEqual(['resolved', 'resolved']);
  });

  it('rejects bad events with the invalid-event envelope', async () => {
    const response = await fetch(`${lab.url}/pagerduty/events/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routing_key: LAB_CREDENTIALS.pagerduty.routingKey, event_action: 'trigger', payload: { source: 'x', severity: 'fatal' } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.status).toBe('invalid event');
    expect(body.errors).toEqual(expect.arrayContaining(["'payload.summary' is missing or blank", "'payload.severity' must be one of critical, error, warning, info"]));

    const badKey = connectorFor({ routingKey: 'R0UT1NGKEYWRONG00000000000000000' });
    const error = await tool(badKey.tools, 'pagerduty.create_incident')
      .handler({ summary: 's', source: 'h', severity: 'info' }, { clock })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as Error).message).toContain('Invalid routing key');
    expect((error as Error).message).not.toContain('R0UT1NGKEYWRONG');
  });

  it('walks every page of incidents (>= 3 pages) and returns each exactly once', async () => {
    const client = new PagerDutyClient({
      restUrl: `${lab.url}/pagerduty/api`, eventsUrl: `${lab.url}/pagerduty/events`, clock,
      apiToken: () => LAB_CREDENTIALS.pagerduty.apiToken, routingKey: () => undefined, sleep: async () => {},
    });
    const all = await client.listIncidents({ pageSize: 2 });
    const pages = await journal('/pagerduty/api/incidents', 'GET');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(all.map((incident) => incident.id)).size).toBe(all.length);
    // The world's non-story XDR incidents were paged earlier and show up here.
    const keys = all.map((incident) => incident.incident_key);
    for (const incident of lab.world.incidents.filter((item) => item.id !== lab.world.story.incidentId)) expect(keys).toContain(`xdr-${incident.id}`);
    const single = await client.listIncidents({ pageSize: 100 });
    expect(single.map((incident) => incident.id)).toEqual(all.map((incident) => incident.id));

    const resolved = await client.listIncidents({ pageSize: 2, statuses: ['resolved'] });
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((incident) => incident.status === 'resolved')).toBe(true);
  });

  it('sends the versioned Accept and Token auth; a bad token is a ConnectorAuthError without the secret', async () => {
    const bare = await fetch(`${lab.url}/pagerduty/api/incidents`, { headers: { authorization: `Token token=${LAB_CREDENTIALS.pagerduty.apiToken}` } });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as any).error.code).toBe(2001);

    const health = await connectorFor().healthCheck();
    expect(health.rateLimit).toEqual({ limit: 900, remaining: expect.any(Number) });

    const bad = connectorFor({ apiToken: 'pd-wrong-token-123456' });
    const error = await bad.healthCheck().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain('pd-wrong-token-123456');
    expect((error as Error).message).toContain('Unauthorized');
  });

  it('a 500 on the trigger POST is not re-sent (journal shows exactly one)', async () => {
    await fetch(`${lab.url}/__lab/faults`, { method: 'POST', body: JSON.stringify({ product: 'pagerduty', path: '/events/v2/enqueue', method: 'POST', status: 500, count: 1 }) });
    const error = await call('pagerduty.create_incident', { summary: 'Fault test', source: 'srv-db-01', severity: 'error', dedup_key: 'fault-test' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as ConnectorUpstreamError).status).toBe(500);
    const posts = await journal('/pagerduty/events/v2/enqueue');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.faultId).toBeDefined();
    const listed = await call('pagerduty.list_incidents', { dedup_key: 'fault-test' });
    expect(listed.incidents).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After on a read', async () => {
    await fetch(`${lab.url}/__lab/faults`, { method: 'POST', body: JSON.stringify({ product: 'pagerduty', path: '/api/incidents', method: 'GET', status: 429, retryAfter: 2, count: 1 }) });
    const listed = await call('pagerduty.list_incidents', { statuses: ['triggered'] });
    expect(listed.incidents.length).toBeGreaterThan(0);
    const gets = await journal('/pagerduty/api/incidents', 'GET');
    expect(gets.map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('normalises incidents to Incident Findings', async () => {
    await call('pagerduty.create_incident', { summary: 'Normalise me', source: 'workstation-042', severity: 'critical', dedup_key: 'normalise-test' });
    const client = new PagerDutyClient({
      restUrl: `${lab.url}/pagerduty/api`, eventsUrl: `${lab.url}/pagerduty/events`, clock,
      apiToken: () => LAB_CREDENTIALS.pagerduty.apiToken, routingKey: () => undefined,
    });
    const [incident] = await client.listIncidents({ incidentKey: 'normalise-test' });
    const event = incidentToEvent(incident!);
    expect(event).toMatchObject({
      id: `pagerduty:${incident!.id}`,
      class: 'incident_finding',
      classUid: 2005,
      severity: 'high',
      source: 'pagerduty',
      title: 'Normalise me',
      time: clock.now().toISOString(),
      fields: { status: 'triggered', dedup_key: 'normalise-test', service: 'SOC Alerts' },
    });
    await expect(call('pagerduty.resolve_incident', {})).rejects.toThrow('exactly one');
  });
});
