import { describe, expect, it } from 'vitest';
import { profile, type Caller } from '../../../src/gateway/caller.js';
import type { GatewayResult } from '../../../src/gateway/gateway-result.js';
import { gatherIncidentEvents, IncidentFetchError, type ToolCaller } from '../../../src/investigate/gather/index.js';
import { securityEvent } from './synthetic-events.js';

const incident = securityEvent({
  id: 'cisco-xdr:incident-1',
  seconds: 0,
  source: 'cisco-xdr',
  eventClass: 'incident_finding',
  severity: 'high',
  entities: { hosts: ['ws-42'], ips: ['185.220.101.5'], domains: ['bad.example'], hashes: ['9e'.repeat(32)], users: ['jdoe", "x'] },
  fields: { email: 'billing@invoice-portal.example' },
});

/** A gateway shaped like the real one: scripted outputs per tool, a journal of calls, and the peak number in flight. */
function fakeGateway(outputs: Record<string, (input: Record<string, unknown>) => GatewayResult | Promise<GatewayResult>>) {
  const journal: Array<{ tool: string; input: Record<string, unknown>; caller: Caller }> = [];
  let inFlight = 0;
  let peak = 0;
  const gateway: ToolCaller = {
    async call(tool, input, caller) {
      journal.push({ tool, input: input as Record<string, unknown>, caller });
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      const output = outputs[tool];
      if (output === undefined) return { outcome: 'succeeded', tool, output: { events: [] }, truncated: false, auditSeq: journal.length };
      return output(input as Record<string, unknown>);
    },
  };
  return { gateway, journal, peak: () => peak };
}

const succeeded = (tool: string, output: unknown): GatewayResult => ({ outcome: 'succeeded', tool, output, truncated: false, auditSeq: 1 });
const caller: Caller = { kind: 'cli', actor: 'cli:tester', requester: 'cli:tester', permissions: profile('*', { read: true, write: true, execute: true }) };

describe('gatherIncidentEvents', () => {
  it('reads the incident, then every source at once, read-only, keeping what the sources that worked returned', async () => {
    const sighting = securityEvent({ id: 'cisco-xdr:sighting-1', seconds: 10, source: 'cisco-xdr', entities: { hosts: ['ws-42'] } });
    const { gateway, journal, peak } = fakeGateway({
      'cisco_xdr.get_incident': () => succeeded('cisco_xdr.get_incident', { found: true, incident }),
      // The same sighting comes back for every observable: kept once.
      'cisco_xdr.get_events': () => succeeded('cisco_xdr.get_events', { events: [sighting, { _truncated: true, omitted: 3 }] }),
      'splunk.search': () => ({ outcome: 'failed', tool: 'splunk.search', error: { code: 'connector_unavailable', message: 'Splunk is down' }, auditSeq: 2 }),
      'umbrella.investigate_domain': (input) => succeeded('umbrella.investigate_domain', { domain: input['domain'], verdict: 'malicious', security_categories: ['Malware'], risk_score: 98 }),
      'crowdstrike.get_device': () => succeeded('crowdstrike.get_device', { device: { status: 'normal' }, asset: { hostname: 'ws-42', ips: ['10.10.4.42'] } }),
    });
    const gathered = await gatherIncidentEvents(gateway, caller, 'XDR-1', { windowHours: 4, clock: { now: () => new Date('2026-03-01T12:00:00Z') } });

    expect(journal[0]).toMatchObject({ tool: 'cisco_xdr.get_incident', input: { incident_id: 'XDR-1' } });
    for (const entry of journal) expect(entry.caller.permissions.scopes).toEqual({ read: true, write: false, execute: false });
    expect(peak()).toBeGreaterThan(5);
    expect(gathered.events.map((event) => event.id)).toEqual(['cisco-xdr:sighting-1']);
    expect(gathered.partial).toBe(true);
    // Unscripted enrichment tools answered `{ events: [] }`: reported as an unexpected shape, not fatal.
    expect(new Set(gathered.sources.filter((source) => source.purpose === 'enrichment' && !source.ok).map((source) => source.error))).toEqual(new Set(['unexpected output shape']));
    expect(gathered.sources.filter((source) => source.purpose === 'events' && !source.ok).map((source) => [source.tool, source.error])).toEqual([
      ['splunk.search', 'connector_unavailable: Splunk is down'],
      ['splunk.search', 'connector_unavailable: Splunk is down'],
      ['splunk.search', 'connector_unavailable: Splunk is down'],
    ]);
    expect(gathered.enrichment.verdicts['bad.example']).toBe('malicious');
    expect(gathered.enrichment.hostAddresses).toEqual({ 'ws-42': ['10.10.4.42'] });
    expect(gathered.window).toEqual({ from: '2026-03-01T08:00:00.000Z', to: '2026-03-01T12:00:00.000Z' });
    expect(gathered.timing.fanOutWallMs).toBeLessThan(gathered.timing.fanOutSumMs);
  });

  it('keeps a value that could rewrite a query out of SPL and KQL', async () => {
    const { gateway, journal } = fakeGateway({ 'cisco_xdr.get_incident': () => succeeded('cisco_xdr.get_incident', { found: true, incident }) });
    await gatherIncidentEvents(gateway, caller, 'XDR-1');
    const queries = journal.filter((entry) => entry.tool === 'splunk.search' || entry.tool === 'sentinel.query').map((entry) => String(entry.input['query']));
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) expect(query).not.toContain('jdoe');
    expect(queries.join('\n')).toContain('"ws-42"');
  });

  it('throws a coded error when the incident cannot be read', async () => {
    const notFound = fakeGateway({ 'cisco_xdr.get_incident': () => succeeded('cisco_xdr.get_incident', { found: false, incident_id: 'XDR-9' }) });
    await expect(gatherIncidentEvents(notFound.gateway, caller, 'XDR-9')).rejects.toMatchObject({ code: 'incident_not_found', incidentId: 'XDR-9' });
    const denied = fakeGateway({ 'cisco_xdr.get_incident': () => ({ outcome: 'denied', tool: 'cisco_xdr.get_incident', reason: 'not granted', auditSeq: 1 }) });
    const error = await gatherIncidentEvents(denied.gateway, caller, 'XDR-9').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IncidentFetchError);
    expect(error).toMatchObject({ code: 'incident_unavailable', outcome: 'denied' });
    expect(denied.journal).toHaveLength(1);
  });
});
