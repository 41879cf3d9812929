/**
 * Issue 8 against the lab, through the real gateway: the built-in brute-force-then-login rule
 * finds the scenario's 40 failed logons then a success (once, not the noise), the IOC pivot
 * finds 185.220.101.5 in every product that saw it, and push-down (SPL and KQL run by the
 * lab's Splunk and Log Analytics) gives the same correlations as local evaluation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorrelateReport, ReportedCorrelation } from '../../src/correlate/index.js';
import { STORY } from '../../src/lab/scenario/index.js';
import type { LabProduct } from '../../src/lab/scenario/index.js';
import { mutatingRequests, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';

let lab: GatewayLab;
beforeAll(async () => {
  lab = await startGatewayLab();
});
afterAll(async () => {
  await lab.close();
});

const BRUTE_FORCE_GROUP = { 'src.ip': STORY.victimIp, 'user.name': STORY.serviceAccount, 'dst.host': STORY.targetHost };

/** What a correlation is, independent of how the events were read. */
function essence(correlation: ReportedCorrelation) {
  return { rule: correlation.rule.name ?? correlation.rule.title, group: correlation.group, count: correlation.count, window: correlation.window, events: correlation.events.map((event) => event.id) };
}

const SPRAY_RULES = {
  file: 'spray.yaml',
  text: `title: Several accounts failing on one server
name: accounts_failing_on_server
correlation:
  type: value_count
  rules: [failed_logon_any]
  group-by: [dst.host]
  timespan: 2h
  condition:
    gte: 2
    field: user.name
---
title: Failed logon, any account
name: failed_logon_any
logsource: {category: authentication}
detection:
  selection:
    class: authentication
    outcome: failure
  condition: selection
---
title: Service account logs on to a database server, not from the server itself
name: service_account_db_logon
level: medium
logsource: {category: authentication}
detection:
  selection:
    user.name|startswith: svc_
    dst.host|endswith: '-db-01'
    outcome: [success, failure]
  itself:
    src.ip: '${STORY.targetIp}'
  numbers:
    event_code|gte: 4624
  condition: selection and numbers and not itself
`,
};

describe('event correlation against the lab', () => {
  let local: CorrelateReport;

  it('the built-in rule fires once, for the scenario brute force (svc_backup from workstation-042 to srv-db-01)', async () => {
    local = await lab.runtime.correlation().correlate({ last: '4h' });
    expect(local.sources.every((source) => source.ok), JSON.stringify(local.sources)).toBe(true);
    expect(local.correlations).toHaveLength(1);
    const [correlation] = local.correlations;
    expect(correlation!.rule).toMatchObject({ name: 'brute_force_then_login', level: 'high', type: 'temporal_ordered', file: 'rules/brute-force-then-login.yaml' });
    expect(correlation!.group).toEqual(BRUTE_FORCE_GROUP);
    // Ten failures (the window that fired last) then the success, each logon once although Splunk
    // and Sentinel both hold it: their reports are merged into one event.
    expect(correlation!.events.map((event) => event.outcome)).toEqual([...Array<string>(10).fill('failure'), 'success']);
    for (const event of correlation!.events) {
      expect(event.sources).toEqual(['sentinel', 'splunk']);
      expect(event.reports).toHaveLength(2);
      expect(event).toMatchObject({ class: 'authentication', user: STORY.serviceAccount, src: { ip: STORY.victimIp, host: STORY.victimHost }, dst: { host: STORY.targetHost } });
    }
    expect(correlation!.entities.hosts).toEqual(expect.arrayContaining([STORY.targetHost]));
    expect(Date.parse(correlation!.window.end) - Date.parse(correlation!.window.start)).toBe(30 * 60_000);
  });

  it('does not fire on the benign noise: other users’ ordinary failures over 24 hours', async () => {
    const noiseFailures = lab.lab.world.events.filter((event) => event.tag === 'noise' && event.kind === 'logon' && event.outcome === 'failure');
    expect(noiseFailures.length).toBeGreaterThan(3);
    const day = await lab.runtime.correlation().correlate({ last: '24h', sources: ['splunk', 'sentinel'] });
    expect(day.correlations.map((correlation) => correlation.group)).toEqual([BRUTE_FORCE_GROUP]);
    // The noise reached the engine: every failed logon of the day was an input.
    const failures = new Set(lab.lab.world.events.filter((event) => event.kind === 'logon' && event.outcome === 'failure').map((event) => event.time.getTime()));
    expect(day.stats.matchedEvents).toBeGreaterThanOrEqual(failures.size);
  });

  it('reads only through the gateway, as the caller, with read tools; the products are not changed', async () => {
    const reads = lab.runtime.ledger().query({ action: 'tool.call' });
    expect(new Set(reads.map((record) => record.target))).toEqual(
      new Set(['cisco_xdr.search_incidents', 'cisco_xdr.get_events', 'secure_endpoint.list_events', 'crowdstrike.list_alerts', 'splunk.search', 'sentinel.query', 'umbrella.activity']),
    );
    expect(new Set(reads.map((record) => record.actor))).toEqual(new Set(['cli:gateway-test']));
    expect(reads.every((record) => record.outcome === 'succeeded' && record.scope === 'read')).toBe(true);
    expect(await mutatingRequests(lab.lab.url)).toEqual([]);
  });

  it('push-down (SPL in Splunk, KQL in Log Analytics) gives the same correlations as local evaluation, reading fewer events', async () => {
    const service = lab.runtime.correlation();
    const sources = ['splunk', 'sentinel'];
    const whole = await service.correlate({ last: '4h', sources });
    const pushed = await service.correlate({ last: '4h', sources, pushdown: true });
    expect(pushed.correlations.map(essence)).toEqual(whole.correlations.map(essence));
    expect(pushed.correlations).toHaveLength(1);
    expect(pushed.events.reports).toBeLessThan(whole.events.reports);
    const queries = pushed.pushdown!.queries;
    expect(queries.every((query) => query.ok)).toBe(true);
    expect(queries.map((query) => `${query.stage} ${query.table}`)).toEqual(['candidates SecurityEvent', 'candidates splunk', 'fetch SecurityEvent', 'fetch splunk']);
    expect(queries.find((query) => query.stage === 'candidates' && query.siem === 'splunk')!.query).toMatch(/\| bin _time span=10m \| stats count as window_count by _time, src_ip, user, dest \| where window_count >= 3$/);
    expect(queries.find((query) => query.stage === 'candidates' && query.siem === 'sentinel')!.query).toMatch(
      /^SecurityEvent \| where EventID == 4625 \| summarize window_count = count\(\) by bin\(TimeGenerated, 10m\), IpAddress, TargetUserName, Computer \| where window_count >= 3$/,
    );
    // Only the candidate group's logons are fetched: 40 failures and the success, per SIEM.
    expect(pushed.pushdown!.candidates).toEqual([{ rule: 'many_failed_logons', groups: 1, fromOtherSources: 0 }]);
    expect(queries.filter((query) => query.stage === 'fetch').map((query) => query.events)).toEqual([41, 41]);

    // With every source: the SIEMs push down, the others are read whole, the result is the same.
    const everything = await service.correlate({ last: '4h', pushdown: true });
    expect(everything.correlations.map(essence)).toEqual(local.correlations.map(essence));
    expect(everything.sources.filter((source) => source.tool === 'splunk.search').map((source) => source.subject)).toEqual(['push-down candidates splunk', 'push-down fetch splunk']);
  });

  it('push-down and local agree on a value_count and a standalone detection (startswith, endswith, lists, numbers, not) over a day', async () => {
    const service = lab.runtime.correlation();
    const sources = ['splunk', 'sentinel'];
    const rules = [SPRAY_RULES, 'accounts_failing_on_server', 'service_account_db_logon'];
    const whole = await service.correlate({ last: '24h', sources, rules });
    const pushed = await service.correlate({ last: '24h', sources, rules, pushdown: true });
    expect(pushed.correlations.map(essence)).toEqual(whole.correlations.map(essence));
    expect(pushed.detections.map((detection) => detection.event.id)).toEqual(whole.detections.map((detection) => detection.event.id));
    expect(whole.detections).toHaveLength(STORY.failedLogons + 1);
    expect(whole.correlations.length).toBeGreaterThan(0);
    expect(pushed.pushdown!.queries.some((query) => /dc\(user\) as window_count/.test(query.query))).toBe(true);
    expect(pushed.pushdown!.queries.some((query) => /dcount\(TargetUserName\)/.test(query.query))).toBe(true);
    expect(pushed.pushdown!.queries.every((query) => query.ok)).toBe(true);
  });

  it('pivots on 185.220.101.5: every product that saw it, one ordered timeline', async () => {
    const pivot = await lab.runtime.correlation().pivot({ ioc: STORY.attackerIp, last: '7d' });
    // The products the scenario shows the address to. Umbrella saw the lookup of the domain, but
    // its report rows carry the querying device, not the answer's address (the domain pivot finds it).
    const names: Record<LabProduct, string> = { xdr: 'cisco-xdr', secure_endpoint: 'secure-endpoint', secure_firewall: 'secure-firewall', splunk: 'splunk', sentinel: 'sentinel', crowdstrike: 'crowdstrike', umbrella: 'umbrella' };
    const sawIt = lab.lab.world.events.filter((event) => event.sourceIp === STORY.attackerIp || event.destinationIp === STORY.attackerIp);
    const expected = new Set(sawIt.flatMap((event) => event.products).filter((product) => product !== 'umbrella').map((product) => names[product]));
    // FMC has no events API: Secure Firewall's flows are read from Splunk (sourcetype cisco:ftd).
    if (expected.has('secure-firewall')) expected.add('splunk');
    expect(new Set(pivot.products.map((product) => product.product))).toEqual(expected);
    expect(expected).toEqual(new Set(['cisco-xdr', 'secure-endpoint', 'secure-firewall', 'splunk', 'sentinel']));
    expect(pivot.sources.every((source) => source.ok)).toBe(true);
    const times = pivot.timeline.map((entry) => Date.parse(entry.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The payload download is one entry reported by several products.
    const download = pivot.timeline.find((entry) => entry.entities.urls.includes(STORY.payloadUrl) && entry.class === 'network_activity');
    expect(download?.sources.length).toBeGreaterThanOrEqual(2);
    // The beacons (ten of them, every ten minutes) and the Entra sign-in from the address are there.
    expect(pivot.timeline.filter((entry) => entry.title === 'Outbound TLS to known-bad address')).toHaveLength(10);
    expect(pivot.timeline.some((entry) => entry.sources.includes('sentinel') && entry.class === 'authentication')).toBe(true);

    const domain = await lab.runtime.correlation().pivot({ ioc: STORY.attackerDomain });
    expect(domain.indicator.type).toBe('domain');
    expect(domain.products.map((product) => product.product)).toEqual(expect.arrayContaining(['cisco-xdr', 'umbrella']));
  });
});
