import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/index.js';
import { loadCatalog } from '../../src/connectors/catalog/index.js';
import { ConnectorAuthError, ConnectorNotFoundError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import { incidentToEvent, servicenowConnector, ServiceNowClient } from '../../src/connectors/servicenow/index.js';
import type { AnyTool } from '../../src/connectors/tool.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { parseEncodedQuery, servicenowSimulator } from '../../src/lab/products/servicenow.js';

const clock = fixedClock('2026-03-10T12:00:00Z');
let lab: Lab;

function connectorFor(password: string = LAB_CREDENTIALS.servicenow.password) {
  const text = `
integrations:
  servicenow:
    instance_url: ${lab.url}/servicenow
    username: ${LAB_CREDENTIALS.servicenow.username}
    password: ${password}
`;
  const { config } = parseConfigText(text, { file: 'test.yaml', env: {}, exists: true });
  return servicenowConnector.create(config, { clock, sleep: async () => {} });
}

function clientFor() {
  return new ServiceNowClient({
    instanceUrl: `${lab.url}/servicenow`,
    username: LAB_CREDENTIALS.servicenow.username,
    password: LAB_CREDENTIALS.servicenow.password,
    clock,
    sleep: async () => {},
  });
}

async function call(id: string, input: unknown): Promise<any> {
  const definition = connectorFor().tools.find((candidate: AnyTool) => candidate.id === id)!;
  return definition.handler(definition.input.parse(input), { clock });
}

const basic = `Basic ${Buffer.from(`${LAB_CREDENTIALS.servicenow.username}:${LAB_CREDENTIALS.servicenow.password}`).toString('base64')}`;

async function journal(path: string, method: string) {
  const response = await fetch(`${lab.url}/__lab/requests?product=servicenow&method=${method}&path=${encodeURIComponent(path)}`);
  return ((await response.json()) as { requests: Array<{ status: number; faultId?: string; query: string }> }).requests;
}

beforeAll(async () => {
  lab = await startLab({ products: [servicenowSimulator], clock });
});
afterAll(async () => {
  await lab.close();
});
beforeEach(async () => {
  await fetch(`${lab.url}/__lab/faults`, { method: 'DELETE' });
  await fetch(`${lab.url}/__lab/requests`, { method: 'DELETE' });
});

describe('servicenow catalog', () => {
  it('has exactly one catalog entry per tool, with the same scope', () => {
    const catalog = loadCatalog();
    const tools = connectorFor().tools;
    const entries = [...catalog.tools.values()].filter((entry) => entry.connector === 'servicenow');
    expect(entries.map((entry) => entry.id).sort()).toEqual(tools.map((definition) => definition.id).sort());
    for (const definition of tools) expect(catalog.tools.get(definition.id)!.scope).toBe(definition.scope);
  });
});

describe('servicenow table API simulator', () => {
  it('wraps results, sends strings and {link, value} references, 201 + Location on create', async () => {
    const response = await fetch(`${lab.url}/servicenow/api/now/table/incident`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ short_description: 'Wire test', urgency: 1, impact: 2, caller_id: '' }),
    });
    expect(response.status).toBe(201);
    const { result } = (await response.json()) as { result: Record<string, any> };
    expect(response.headers.get('location')).toBe(`${lab.url}/servicenow/api/now/table/incident/${result.sys_id}`);
    expect(result.sys_id).toMatch(/^[0-9a-f]{32}$/);
    expect(result.number).toMatch(/^INC\d{7}$/);
    expect(result).toMatchObject({ urgency: '1', impact: '2', priority: '2', state: '1', active: 'true', sys_mod_count: '0' });
    expect(Object.values(result).every((value) => typeof value === 'string')).toBe(true);
    expect(response.headers.get('x-ratelimit-limit')).toBe('10000');

    const listed = await fetch(`${lab.url}/servicenow/api/now/table/incident?sysparm_query=correlation_idISNOTEMPTY&sysparm_fields=number,caller_id,assignment_group`, {
      headers: { authorization: basic },
    });
    const body = (await listed.json()) as { result: Array<Record<string, any>> };
    expect(body.result[0]!.assignment_group).toEqual({ link: expect.stringMatching(/\/api\/now\/table\/sys_user_group\/[0-9a-f]{32}$/), value: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(Object.keys(body.result[0]!)).toEqual(['number', 'caller_id', 'assignment_group']);
  });

  it('parses encoded queries: AND, OR, NQ, LIKE, IN, ORDERBYDESC, escaped carets, dot-walks', async () => {
    expect(parseEncodedQuery('active=true^short_descriptionLIKEvpn^ORcategory=network^NQnumber=INC1^ORDERBYDESCsys_created_on')).toMatchObject({
      queries: [
        [[{ field: 'active', operator: '=', value: 'true' }], [{ field: 'short_description', operator: 'LIKE', value: 'vpn' }, { field: 'category', operator: '=', value: 'network' }]],
        [[{ field: 'number', operator: '=', value: 'INC1' }]],
      ],
      orderBy: [{ field: 'sys_created_on', descending: true }],
    });
    expect(parseEncodedQuery('short_descriptionLIKEa^^b').queries[0]).toEqual([[{ field: 'short_description', operator: 'LIKE', value: 'a^b' }]]);

    const client = clientFor();
    const network = await client.listRecords('incident', { query: 'category=network^ORDERBYDESCsys_created_on' });
    expect(network.length).toBeGreaterThanOrEqual(2);
    expect(network.every((record) => record.category === 'network')).toBe(true);
    expect(network.map((record) => record.sys_created_on)).toEqual([...network.map((record) => record.sys_created_on)].sort().reverse());
    const either = await client.listRecords('incident', { query: 'short_descriptionLIKEprinter^ORshort_descriptionLIKEvpn' });
    expect(either.map((record) => record.short_description).sort()).toEqual(['Printer on floor 3 jams on duplex jobs', 'VPN client disconnects every 10 minutes']);
    const open = await client.listRecords('incident', { query: 'stateIN1,2^active=true' });
    expect(open.every((record) => ['1', '2'].includes(record.state!))).toBe(true);
    const byCaller = await client.listRecords('incident', { query: 'caller_id.user_name=soc.analyst' });
    expect(byCaller.some((record) => record.correlation_id === 'XDR-2026-001150')).toBe(true);
    // An unknown field matches nothing rather than silently widening the result.
    expect(await client.listRecords('incident', { query: 'no_such_field=1' })).toEqual([]);
  });

  it('walks >= 3 pages with Link/X-Total-Count and returns every record exactly once', async () => {
    const client = clientFor();
    const all = await client.listRecords('incident', { pageSize: 2 });
    const pages = await journal('/servicenow/api/now/table/incident', 'GET');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(all.map((record) => record.sys_id)).size).toBe(all.length);
    const everything = await client.listRecords('incident', { pageSize: 1000 });
    expect(all.map((record) => record.sys_id)).toEqual(everything.map((record) => record.sys_id));
    // The world's closed XDR incident is on file.
    const closed = lab.world.incidents.find((incident) => incident.status === 'Closed')!;
    expect(all.some((record) => record.correlation_id === closed.id && record.state === '7')).toBe(true);

    const response = await fetch(`${lab.url}/servicenow/api/now/table/incident?sysparm_limit=2&sysparm_offset=0&sysparm_query=ORDERBYnumber`, { headers: { authorization: basic } });
    const total = Number(response.headers.get('x-total-count'));
    expect(total).toBe(everything.length);
    const link = response.headers.get('link')!;
    expect(link).toContain('sysparm_offset=-2>;rel="prev"');
    expect(link).toContain('sysparm_offset=2>;rel="next"');
    expect(link).toContain(`sysparm_offset=${Math.floor((total - 1) / 2) * 2}>;rel="last"`);
    expect(link).toContain('sysparm_query=ORDERBYnumber');
  });

  it('bad credentials: 401 envelope, ConnectorAuthError without the password', async () => {
    const raw = await fetch(`${lab.url}/servicenow/api/now/table/incident`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });
    const error = await connectorFor('wrong-password-xyz').healthCheck().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain('wrong-password-xyz');
    const health = await connectorFor().healthCheck();
    expect(health.rateLimit?.limit).toBe(10000);
  });
});

describe('servicenow tools against the lab', () => {
  it('create_incident creates once per correlation_id and get_incident reads it back by sys_id and number', async () => {
    const input = { short_description: 'XDR-2026-001234: phishing and lateral movement to srv-db-01', description: lab.world.incidents[0]!.description, urgency: 'high', impact: 'high', correlation_id: 'XDR-2026-001234', work_notes: 'Opened by DefenseClaw' };
    const created = await call('servicenow.create_incident', input);
    expect(created).toMatchObject({ created: true, state: 'new', priority: '1', correlation_id: 'XDR-2026-001234' });
    const again = await call('servicenow.create_incident', input);
    expect(again).toMatchObject({ created: false, sys_id: created.sys_id, number: created.number });

    const bySysId = await call('servicenow.get_incident', { sys_id: created.sys_id });
    expect(bySysId).toMatchObject({ number: created.number, description: input.description });
    const byNumber = await call('servicenow.get_incident', { number: created.number });
    expect(byNumber.sys_id).toBe(created.sys_id);
    const notes = await clientFor().listRecords('sys_journal_field', { query: `element_id=${created.sys_id}` });
    expect(notes.map((note) => [note.element, note.value])).toEqual([['work_notes', 'Opened by DefenseClaw']]);

    const missing = await call('servicenow.get_incident', { number: 'INC9999999' }).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ConnectorNotFoundError);
  });

  it('update_incident changes lab state (read back through the API)', async () => {
    const created = await call('servicenow.create_incident', { short_description: 'Update me', urgency: 'low', impact: 'low' });
    const updated = await call('servicenow.update_incident', { number: created.number, state: 'in_progress', urgency: 'high', work_notes: 'Host isolated' });
    expect(updated).toMatchObject({ state: 'in_progress', urgency: '1', priority: '3' });
    const resolved = await call('servicenow.update_incident', { sys_id: created.sys_id, state: 'resolved', close_code: 'Solved (Permanently)', close_notes: 'Contained' });
    expect(resolved.state).toBe('resolved');
    const record = await fetch(`${lab.url}/servicenow/api/now/table/incident/${created.sys_id}`, { headers: { authorization: basic } });
    const { result } = (await record.json()) as { result: Record<string, string> };
    expect(result).toMatchObject({ state: '6', close_notes: 'Contained', resolved_at: '2026-03-10 12:00:00', sys_mod_count: '2', work_notes: '' });
    await expect(call('servicenow.update_incident', { number: created.number })).rejects.toThrow('at least one field');
  });

  it('list_incidents filters, escapes carets in text and walks pages', async () => {
    const listed = await call('servicenow.list_incidents', { text: 'wi-fi', active: true });
    expect(listed.incidents.map((incident: any) => incident.short_description)).toEqual(['Wi-Fi drops in building B east wing']);
    // A caret in free text must not start a new query term.
    const injected = await call('servicenow.list_incidents', { text: 'zzz^ORactive=true' });
    expect(injected.incidents).toEqual([]);
    const limited = await call('servicenow.list_incidents', { limit: 3 });
    expect(limited.incidents).toHaveLength(3);
    expect(limited.truncated).toBe(true);
    const since = await call('servicenow.list_incidents', { since: '2026-03-09T00:00:00Z' });
    expect(since.incidents.every((incident: any) => incident.created_on >= '2026-03-09 00:00:00')).toBe(true);
  });

  it('a 500 on the create POST is not re-sent (journal shows exactly one)', async () => {
    await fetch(`${lab.url}/__lab/faults`, { method: 'POST', body: JSON.stringify({ product: 'servicenow', path: '/api/now/table/incident', method: 'POST', status: 500, count: 1 }) });
    const error = await call('servicenow.create_incident', { short_description: 'Fault test' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect((error as Error).message).toContain('HTTP 500');
    expect(await journal('/servicenow/api/now/table/incident', 'POST')).toHaveLength(1);
    const listed = await call('servicenow.list_incidents', { text: 'Fault test' });
    expect(listed.incidents).toEqual([]);
  });

  it('waits out a 429 with Retry-After on a read', async () => {
    await fetch(`${lab.url}/__lab/faults`, { method: 'POST', body: JSON.stringify({ product: 'servicenow', path: '/api/now/table/incident', method: 'GET', status: 429, retryAfter: 3, count: 1 }) });
    const listed = await call('servicenow.list_incidents', { limit: 2 });
    expect(listed.incidents).toHaveLength(2);
    expect((await journal('/servicenow/api/now/table/incident', 'GET')).map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('normalises incidents to Incident Findings', async () => {
    const [record] = await clientFor().listRecords('incident', { query: 'correlation_id=XDR-2026-001150' });
    const event = incidentToEvent(record!, `${lab.url}/servicenow`);
    expect(event).toMatchObject({
      id: `servicenow:${record!.sys_id}`,
      class: 'incident_finding',
      classUid: 2005,
      severity: 'medium',
      source: 'servicenow',
      title: `XDR: ${lab.world.incidents.find((incident) => incident.id === 'XDR-2026-001150')!.title}`,
      time: lab.world.incidents.find((incident) => incident.id === 'XDR-2026-001150')!.createdAt.toISOString().replace(/\.\d{3}Z$/, '.000Z'),
      fields: { state: 'closed', active: false, correlation_id: 'XDR-2026-001150' },
    });
  });
});
