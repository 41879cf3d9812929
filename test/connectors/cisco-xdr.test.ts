import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ciscoXdrConnector, ciscoXdrInstance, createCiscoXdrClient, normalizeIncident, normalizeSighting } from '../../src/connectors/cisco_xdr/index.js';
import { ConnectorAuthError, ConnectorUpstreamError } from '../../src/connectors/http/index.js';
import { loadCatalog } from '../../src/connectors/catalog/index.js';
import type { AnyTool } from '../../src/connectors/tool.js';
import { fixedClock } from '../../src/core/clock.js';
import { LAB_CREDENTIALS } from '../../src/lab/credentials.js';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ciscoXdrSimulator, inspectText } from '../../src/lab/products/cisco-xdr.js';
import { umbrellaSimulator } from '../../src/lab/products/umbrella.js';
import { STORY } from '../../src/lab/scenario/index.js';
import { configFrom, injectFault, journal } from '../helpers/lab-config.js';

const clock = fixedClock('2026-11-23T12:00:00.000Z');
const dependencies = { clock, sleep: async () => {} };
let lab: Lab;

function config(secret: string = LAB_CREDENTIALS.xdr.clientSecret) {
  return configFrom(`
cisco:
  client_id: ${LAB_CREDENTIALS.xdr.clientId}
  client_secret: ${secret}
  xdr:
    base_url: ${lab.url}/xdr
    private_intel_url: ${lab.url}/xdr
    conure_url: ${lab.url}/xdr
`);
}

function tools(pageSize?: number): AnyTool[] {
  return ciscoXdrInstance(createCiscoXdrClient(config(), dependencies, pageSize === undefined ? {} : { pageSize })).tools;
}

async function call(id: string, input: Record<string, unknown>, pageSize?: number): Promise<any> {
  const definition = tools(pageSize).find((candidate) => candidate.id === id);
  if (definition === undefined) throw new Error(`no tool ${id}`);
  return definition.handler(definition.input.parse(input), { clock });
}

beforeEach(async () => {
  lab = await startLab({ products: [ciscoXdrSimulator, umbrellaSimulator], clock });
});
afterEach(async () => {
  await lab.close();
});

describe('Cisco XDR connector against the lab', () => {
  it('gets one token, reports the org rate limit, and refreshes exactly once after expiry', async () => {
    const instance = ciscoXdrConnector.create(config(), dependencies);
    const health = await instance.healthCheck();
    expect(health.rateLimit).toMatchObject({ limit: 8000 });
    await instance.healthCheck();
    expect(await journal(lab.url, { path: '/iroh/oauth2/token' })).toHaveLength(1);

    clock.advance(601_000);
    await instance.healthCheck();
    expect(await journal(lab.url, { path: '/iroh/oauth2/token' })).toHaveLength(2);

    // Expired behind the client's back: the 401 envelope triggers one re-auth and one re-send.
    await fetch(`${lab.url}/__lab/tokens/expire`, { method: 'POST', body: JSON.stringify({ product: 'cisco_xdr' }) });
    await instance.healthCheck();
    const tokenCalls = await journal(lab.url, { path: '/iroh/oauth2/token' });
    expect(tokenCalls).toHaveLength(3);
    const searches = (await journal(lab.url, { path: '/ctia/incident/search' })).map((entry) => entry.status);
    expect(searches.slice(-2)).toEqual([401, 200]);
  });

  it('refuses bad credentials with ConnectorAuthError that does not leak the secret', async () => {
    const instance = ciscoXdrConnector.create(config('not-the-right-password'), dependencies);
    const error = await instance.healthCheck().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorAuthError);
    expect((error as Error).message).not.toContain('not-the-right-password');
  });

  it('walks every CTIA incident page (X-Total-Hits / X-Next) and returns each incident once', async () => {
    const output = await call('cisco_xdr.search_incidents', {}, 1);
    const ids = output.incidents.map((incident: any) => incident.fields.incident_id);
    expect(ids).toHaveLength(lab.world.incidents.length);
    expect(new Set(ids)).toEqual(new Set(lab.world.incidents.map((incident) => incident.id)));
    expect(output.total).toBe(lab.world.incidents.length);
    const pages = await journal(lab.url, { path: '/ctia/incident/search' });
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.map((page) => new URLSearchParams(page.query).get('offset'))).toEqual(['0', '1', '2']);
  });

  it('gets the story incident by its XDR id and by its CTIA id, normalised', async () => {
    const byHuman = await call('cisco_xdr.get_incident', { incident_id: STORY.incidentId });
    expect(byHuman.found).toBe(true);
    const incident = byHuman.incident;
    expect(incident).toMatchObject({ class: 'incident_finding', classUid: 2005, severity: 'high', source: 'cisco-xdr', title: STORY.title });
    expect(incident.fields).toMatchObject({ incident_id: STORY.incidentId, status: 'New' });
    expect(incident.entities.hosts).toEqual(expect.arrayContaining([STORY.victimHost, STORY.targetHost]));
    expect(incident.entities.ips).toContain(STORY.attackerIp);
    expect(incident.entities.domains).toContain(STORY.attackerDomain);
    expect(incident.entities.hashes).toContain(STORY.payloadSha256);
    expect(incident.entities.users).toContain(STORY.victimUser);
    expect(String(incident.fields.technique)).toContain('T1566.001');

    const byCtia = await call('cisco_xdr.get_incident', { incident_id: incident.fields.xdr_id });
    expect(byCtia.incident.fields.incident_id).toBe(STORY.incidentId);
    expect(await call('cisco_xdr.get_incident', { incident_id: 'XDR-1999-000000' })).toEqual({ found: false, incident_id: 'XDR-1999-000000' });
  });

  it('lists sightings of the victim host across pages and normalises them', async () => {
    const output = await call('cisco_xdr.get_events', { observable_type: 'hostname', observable_value: STORY.victimHost }, 2);
    const expected = lab.world.events.filter((event) => event.products.includes('xdr') && event.host === STORY.victimHost);
    expect(output.events).toHaveLength(expected.length);
    expect(new Set(output.events.map((event: any) => event.id)).size).toBe(expected.length);
    expect((await journal(lab.url, { path: '/sightings' })).length).toBeGreaterThanOrEqual(3);
    const powershell = output.events.find((event: any) => event.fields.process === 'powershell.exe' && event.class === 'process_activity');
    expect(powershell).toMatchObject({ severity: 'high', source: 'cisco-xdr' });
    expect(powershell.fields).toMatchObject({ host: STORY.victimHost, parent_process: 'WINWORD.EXE', user: STORY.victimUser, technique: 'T1059.001' });
    expect(powershell.entities.ips).toContain(STORY.victimIp);
    const payload = output.events.find((event: any) => event.entities.hashes.includes(STORY.payloadSha256));
    expect(payload.severity).toBe('critical');
    // Sorted oldest first, times as ISO-8601.
    expect(output.events[0].time <= output.events.at(-1).time).toBe(true);
  });

  it('finds sightings by IP, domain, sha256 and user', async () => {
    for (const [type, value] of [['ip', STORY.attackerIp], ['domain', STORY.attackerDomain], ['sha256', STORY.dumpToolSha256], ['user', STORY.victimUser]] as const) {
      const output = await call('cisco_xdr.get_events', { observable_type: type, observable_value: value });
      expect(output.events.length, `${type} ${value}`).toBeGreaterThan(0);
    }
    const raw = (await call('cisco_xdr.get_events', { observable_type: 'domain', observable_value: STORY.attackerDomain })).events[0].raw;
    expect(normalizeSighting(raw).entities.domains).toContain(STORY.attackerDomain);
  });

  it('enriches observables: story IOCs malicious, benign domains clean, the rest unknown', async () => {
    const output = await call('cisco_xdr.enrich_observables', {
      observables: [
        { type: 'ip', value: STORY.attackerIp },
        { type: 'domain', value: STORY.attackerDomain },
        { type: 'sha256', value: STORY.payloadSha256 },
        { type: 'domain', value: 'github.com' },
        { type: 'domain', value: 'never-seen.example.org' },
      ],
    });
    const verdicts = Object.fromEntries(output.observables.map((entry: any) => [entry.value, entry.verdict]));
    expect(verdicts).toEqual({
      [STORY.attackerIp]: 'Malicious',
      [STORY.attackerDomain]: 'Malicious',
      [STORY.payloadSha256]: 'Malicious',
      'github.com': 'Clean',
      'never-seen.example.org': 'Unknown',
    });
    const domain = output.observables.find((entry: any) => entry.value === STORY.attackerDomain);
    expect(domain.judgements.some((judgement: any) => judgement.module === 'Umbrella')).toBe(true);
    expect(domain.sightingCount).toBeGreaterThan(0);
    expect(output.module_errors).toEqual([]);
  });

  it('extracts observables from text with the lab inspect', async () => {
    const text = `Beacon from ${STORY.victimHost} to ${STORY.attackerIp} (${STORY.payloadUrl}); resolved ${STORY.attackerDomain}. ` +
      `Dropped ${STORY.payloadName} sha256 ${STORY.payloadSha256}, md5 0123456789abcdef0123456789abcdef. Mail from ${STORY.phishSender}. v6 2001:db8::7`;
    const output = await call('cisco_xdr.inspect', { text });
    expect(output.observables).toEqual(
      expect.arrayContaining([
        { type: 'ip', value: STORY.attackerIp },
        { type: 'url', value: STORY.payloadUrl },
        { type: 'domain', value: STORY.attackerDomain },
        { type: 'sha256', value: STORY.payloadSha256 },
        { type: 'md5', value: '0123456789abcdef0123456789abcdef' },
        { type: 'email', value: STORY.phishSender },
        { type: 'ipv6', value: '2001:db8::7' },
      ]),
    );
    expect(output.observables.some((observable: any) => observable.value === STORY.payloadName)).toBe(false);
    expect(inspectText('nothing here')).toEqual([]);
  });

  it('lists and triggers response actions, and the lab reports the new state afterwards', async () => {
    const listed = await call('cisco_xdr.list_response_actions', {
      observables: [{ type: 'domain', value: STORY.attackerDomain }, { type: 'hostname', value: STORY.victimHost }],
    });
    const block = listed.actions.find((action: any) => action.action_id === 'umbrella-add-domain-to-destination-list');
    const isolate = listed.actions.find((action: any) => action.action_id === 'amp-isolate-host');
    expect(block).toMatchObject({ module: 'Umbrella', observable_type: 'domain', observable_value: STORY.attackerDomain });
    expect(isolate).toMatchObject({ module: 'Secure Endpoint', observable_type: 'hostname', observable_value: STORY.victimHost });

    for (const action of [block, isolate]) {
      const result = await call('cisco_xdr.trigger_response_action', {
        module_instance_id: action.module_instance_id,
        action_id: action.action_id,
        observable_type: action.observable_type,
        observable_value: action.observable_value,
      });
      expect(result.status).toBe('success');
    }
    const after = await call('cisco_xdr.list_response_actions', {
      observables: [{ type: 'domain', value: STORY.attackerDomain }, { type: 'hostname', value: STORY.victimHost }],
    });
    expect(after.actions.map((action: any) => action.action_id).sort()).toEqual(['amp-stop-host-isolation', 'umbrella-remove-domain-from-destination-list']);
    // The Umbrella action landed on Umbrella's own block list.
    const destinations = await lab.context.state<any>('umbrella', () => undefined).lists.get(15755711).destinations;
    expect(destinations.map((entry: any) => entry.destination)).toContain(STORY.attackerDomain);

    const triggerTool = tools().find((candidate) => candidate.id === 'cisco_xdr.trigger_response_action')!;
    expect(triggerTool.subjects!(triggerTool.input.parse({ module_instance_id: 'm', action_id: 'a', observable_type: 'hostname', observable_value: 'srv-db-01' }))).toEqual({ hosts: ['srv-db-01'] });
  });

  it('reports an unavailable action as a failure', async () => {
    const error = await call('cisco_xdr.trigger_response_action', {
      module_instance_id: 'no-such-module', action_id: 'amp-isolate-host', observable_type: 'hostname', observable_value: STORY.victimHost,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
  });

  it('waits out a 429 with Retry-After on a read', async () => {
    await injectFault(lab.url, { product: 'cisco_xdr', path: '/ctia/incident/external_id', status: 429, retryAfter: 2, count: 1 });
    const output = await call('cisco_xdr.get_incident', { incident_id: STORY.incidentId });
    expect(output.found).toBe(true);
    expect((await journal(lab.url, { path: '/ctia/incident/external_id' })).map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('never re-sends a response trigger that failed with a 500', async () => {
    await injectFault(lab.url, { product: 'cisco_xdr', path: '/iroh/iroh-response/respond/trigger', status: 500 });
    const listed = await call('cisco_xdr.list_response_actions', { observables: [{ type: 'domain', value: STORY.attackerDomain }] });
    const action = listed.actions[0];
    const error = await call('cisco_xdr.trigger_response_action', {
      module_instance_id: action.module_instance_id, action_id: action.action_id, observable_type: 'domain', observable_value: STORY.attackerDomain,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorUpstreamError);
    expect(await journal(lab.url, { path: '/respond/trigger' })).toHaveLength(1);
  });

  it('normalises a raw incident without meta tolerantly', () => {
    const event = normalizeIncident({ id: 'https://private.intel.amp.cisco.com:443/ctia/incident/incident-1', severity: 'Critical', incident_time: { opened: '2026-01-01T00:00:00Z' } });
    expect(event).toMatchObject({ id: 'cisco-xdr:incident-1', severity: 'critical', time: '2026-01-01T00:00:00.000Z' });
  });

  it('has exactly one catalog entry per tool, with the seed alias', () => {
    const catalog = loadCatalog();
    const ids = tools().map((definition) => definition.id).sort();
    const entries = [...catalog.tools.values()].filter((entry) => entry.connector === 'cisco_xdr');
    expect(entries.map((entry) => entry.id).sort()).toEqual(ids);
    for (const definition of tools()) expect(catalog.tools.get(definition.id)!.scope).toBe(definition.scope);
    expect(catalog.aliases.get('cisco.xdr.events')).toBe('cisco_xdr.get_events');
  });
});
