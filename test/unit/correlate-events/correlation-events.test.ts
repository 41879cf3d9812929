/**
 * The correlation event model: product records as the connectors normalise them, read per
 * source into OCSF-shaped attributes, merged across products, and flattened to the field names
 * the rules are written against (rules/brute-force-then-login.yaml).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeSighting } from '../../../src/connectors/cisco_xdr/normalize.js';
import { sightingSchema } from '../../../src/connectors/cisco_xdr/schemas.js';
import { alertToEvent } from '../../../src/connectors/crowdstrike/normalize.js';
import { falconAlertSchema } from '../../../src/connectors/crowdstrike/schemas.js';
import type { SecureEndpointEvent } from '../../../src/connectors/secure_endpoint/client.js';
import { eventToSecurityEvent } from '../../../src/connectors/secure_endpoint/normalize.js';
import { securityEventRecordToEvent, signinRecordToEvent } from '../../../src/connectors/sentinel/normalize.js';
import { normalizeSearchRow } from '../../../src/connectors/splunk/normalize.js';
import { normalizeDnsActivity } from '../../../src/connectors/umbrella/normalize.js';
import { activityRowSchema } from '../../../src/connectors/umbrella/schemas.js';
import type { SecurityEvent } from '../../../src/connectors/model/index.js';
import { compileRuleSet, correlateEvents } from '../../../src/correlate/engine/index.js';
import { flatFields, toCorrelationEvent, toCorrelationEvents, toFlatEvent } from '../../../src/correlate/events/index.js';
import { parseRuleCollection } from '../../../src/correlate/rules/index.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function splunkLogon(offsetMs: number, outcome: 'success' | 'failure', user = 'svc_backup'): SecurityEvent {
  const code = outcome === 'success' ? '4624' : '4625';
  return normalizeSearchRow({
    _time: String((T0 + offsetMs) / 1000),
    _cd: `0:${offsetMs}`,
    index: 'wineventlog',
    sourcetype: 'WinEventLog:Security',
    host: 'srv-db-01',
    EventCode: code,
    Account_Name: user,
    user,
    src_ip: '10.10.4.42',
    src: 'WORKSTATION-042',
    dest: 'srv-db-01',
    ComputerName: 'srv-db-01.corp.example.com',
    action: outcome,
    Workstation_Name: 'WORKSTATION-042',
    _raw: `EventCode=${code}`,
  })!;
}

function sentinelLogon(offsetMs: number, outcome: 'success' | 'failure', user = 'svc_backup'): SecurityEvent {
  return securityEventRecordToEvent({
    TimeGenerated: new Date(T0 + offsetMs).toISOString(),
    Computer: 'SRV-DB-01.corp.example.com',
    EventID: outcome === 'success' ? 4624 : 4625,
    Account: `CORP\\${user.toUpperCase()}`,
    TargetUserName: user.toUpperCase(),
    IpAddress: '10.10.4.42',
    WorkstationName: 'WORKSTATION-042',
    LogonType: 3,
    EventOriginId: `origin-${offsetMs}`,
  });
}

describe('per-source reading', () => {
  it('Splunk Windows logons: outcome, source address and workstation, account, host logged on to', () => {
    const event = toCorrelationEvent(splunkLogon(0, 'failure'));
    expect(event).toMatchObject({ class: 'authentication', className: 'Authentication', classUid: 3002, outcome: 'failure', user: 'svc_backup', src: { ip: '10.10.4.42', host: 'workstation-042' }, dst: { host: 'srv-db-01' }, logsource: { category: 'authentication', product: 'windows', service: 'security' } });
    expect(flatFields(event)).toMatchObject({ class: 'authentication', outcome: 'failure', 'src.ip': '10.10.4.42', 'src.host': 'workstation-042', 'user.name': 'svc_backup', 'dst.host': 'srv-db-01', 'logsource.product': 'windows', event_code: '4625', source: 'splunk' });
  });

  it('Secure Firewall connection events come through Splunk (cisco:ftd): origin secure-firewall, category firewall', () => {
    const report = normalizeSearchRow({ _time: String(T0 / 1000), _cd: '0:1', index: 'firewall', sourcetype: 'cisco:ftd', host: 'ftd-edge-1', src_ip: '10.10.4.42', dest_ip: '185.220.101.5', dest_port: '80', action: 'allowed', url: 'http://185.220.101.5/update.bin', _raw: 'x' })!;
    const event = toCorrelationEvent(report);
    expect(event).toMatchObject({ class: 'network_activity', origin: 'secure-firewall', sources: ['secure-firewall', 'splunk'], outcome: 'allowed', src: { ip: '10.10.4.42' }, dst: { ip: '185.220.101.5', port: 80 }, url: 'http://185.220.101.5/update.bin', logsource: { category: 'firewall' } });
    expect(event.host).toBeUndefined();
    expect(flatFields(event)).toMatchObject({ source: ['secure-firewall', 'splunk'], 'dst.port': 80, 'logsource.category': 'firewall' });
  });

  it('Sentinel SecurityEvent and SigninLogs rows: short hosts, accounts without domains', () => {
    expect(toCorrelationEvent(sentinelLogon(0, 'failure'))).toMatchObject({ outcome: 'failure', user: 'svc_backup', src: { ip: '10.10.4.42', host: 'workstation-042' }, dst: { host: 'srv-db-01' }, logsource: { product: 'windows', service: 'security' } });
    const signin = toCorrelationEvent(signinRecordToEvent({ TimeGenerated: new Date(T0).toISOString(), Id: 's1', UserPrincipalName: 'JDoe@corp.example.com', IPAddress: '185.220.101.5', ResultType: '50126' }));
    expect(signin).toMatchObject({ outcome: 'failure', user: 'jdoe', userOriginal: 'jdoe@corp.example.com', src: { ip: '185.220.101.5' }, logsource: { category: 'authentication', product: 'azure', service: 'signinlogs' } });
    expect(flatFields(signin)).toMatchObject({ 'user.name': 'jdoe', 'user.original': 'jdoe@corp.example.com', table: 'SigninLogs' });
  });

  it('CrowdStrike alerts: process, parent, command line, hash', () => {
    const alert = falconAlertSchema.parse({
      composite_id: 'c1', timestamp: new Date(T0).toISOString(), display_name: 'Credential dumping', severity: 90, filename: 'rundll32.exe',
      parent_details: { filename: 'svchost-update.exe' }, cmdline: 'rundll32.exe comsvcs.dll, MiniDump', sha256: 'A'.repeat(64), user_name: 'jdoe',
      device: { device_id: 'd1', hostname: 'WORKSTATION-042', local_ip: '10.10.4.42' }, tactic: 'Credential Access', technique_id: 'T1003.001',
    });
    const event = toCorrelationEvent(alertToEvent(alert));
    expect(event).toMatchObject({ class: 'detection_finding', className: 'Detection Finding', severity: 'critical', host: 'workstation-042', user: 'jdoe', src: { ip: '10.10.4.42', host: 'workstation-042' }, process: { name: 'rundll32.exe', parentName: 'svchost-update.exe', commandLine: 'rundll32.exe comsvcs.dll, MiniDump' }, file: { sha256: 'a'.repeat(64) }, technique: 'T1003.001' });
    expect(flatFields(event)).toMatchObject({ 'process.name': 'rundll32.exe', 'parent.name': 'svchost-update.exe', 'file.hash.sha256': 'a'.repeat(64), 'host.name': 'workstation-042' });
  });

  it('Secure Endpoint events: the running file is the process when a parent or command line is named', () => {
    const base = { id: 1, date: new Date(T0).toISOString(), event_type: 'Executed malware', severity: 'High', computer: { connector_guid: 'g1', hostname: 'workstation-042.corp.example.com', network_addresses: [{ ip: '10.10.4.42' }] } };
    const process = toCorrelationEvent(eventToSecurityEvent({ ...base, file: { file_name: 'powershell.exe', identity: { sha256: '0'.repeat(64) }, parent: { file_name: 'WINWORD.EXE' } }, command_line: { arguments: 'powershell -enc AAA' } } as unknown as SecureEndpointEvent));
    expect(process).toMatchObject({ host: 'workstation-042', process: { name: 'powershell.exe', parentName: 'WINWORD.EXE', commandLine: 'powershell -enc AAA' } });
    expect(process.file?.sha256).toBeUndefined();
    const network = toCorrelationEvent(eventToSecurityEvent({ ...base, id: 2, event_type: 'NFM', network_info: { local_ip: '10.10.4.42', remote_ip: '185.220.101.5', remote_port: 80, dirty_url: 'http://185.220.101.5/update.bin' } } as unknown as SecureEndpointEvent));
    expect(network).toMatchObject({ class: 'network_activity', src: { ip: '10.10.4.42', host: 'workstation-042' }, dst: { ip: '185.220.101.5', port: 80 }, url: 'http://185.220.101.5/update.bin', logsource: { category: 'network_connection' } });
  });

  it('Umbrella DNS activity: the query, the asking device, the verdict', () => {
    const row = activityRowSchema.parse({ timestamp: T0, domain: 'Update-Check.Example-CDN.net.', internalip: '10.10.4.42', externalip: '198.51.100.4', verdict: 'allowed', querytype: 'A', identities: [{ label: 'workstation-042', type: { type: 'roaming' } }], categories: [{ label: 'Malware', type: 'security' }] });
    const event = toCorrelationEvent(normalizeDnsActivity(row));
    expect(event).toMatchObject({ class: 'dns_activity', className: 'DNS Activity', dnsQuery: 'update-check.example-cdn.net', dst: { domain: 'update-check.example-cdn.net' }, src: { ip: '10.10.4.42', host: 'workstation-042' }, outcome: 'allowed', severity: 'high' });
    expect(flatFields(event)).toMatchObject({ 'dns.query': 'update-check.example-cdn.net', 'logsource.category': 'dns' });
  });

  it('Cisco XDR sightings: the data table columns every connector shares', () => {
    const sighting = sightingSchema.parse({
      id: 'https://xdr/ctia/sighting/sighting-1', title: 'Office application spawned PowerShell', severity: 'High', observed_time: { start_time: new Date(T0).toISOString() },
      targets: [{ observables: [{ type: 'hostname', value: 'workstation-042' }, { type: 'ip', value: '10.10.4.42' }] }],
      data: { columns: [{ name: 'kind' }, { name: 'process' }, { name: 'parent_process' }, { name: 'user' }], rows: [['process', 'powershell.exe', 'WINWORD.EXE', 'jdoe']] },
    });
    expect(toCorrelationEvent(normalizeSighting(sighting))).toMatchObject({ class: 'process_activity', className: 'Process Activity', host: 'workstation-042', user: 'jdoe', src: { ip: '10.10.4.42' }, process: { name: 'powershell.exe', parentName: 'WINWORD.EXE' }, logsource: { category: 'process_creation' } });
  });
});

describe('merging the products’ reports of one happening', () => {
  it('one logon in Splunk and in Sentinel is one event; two logons 15 s apart stay two', () => {
    const events = toCorrelationEvents([splunkLogon(0, 'failure'), sentinelLogon(0, 'failure'), splunkLogon(15_000, 'failure'), sentinelLogon(15_000, 'failure'), splunkLogon(30_000, 'success'), sentinelLogon(30_000, 'success')]);
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event.sources).toEqual(['sentinel', 'splunk']);
      expect(event.reports.map((report) => report.source).sort()).toEqual(['sentinel', 'splunk']);
      expect(event.source).toBe('splunk');
    }
    expect(events.map((event) => event.outcome)).toEqual(['failure', 'failure', 'success']);
  });

  it('a failure never merges with a success; classes of merged reports are all kept', () => {
    expect(toCorrelationEvents([splunkLogon(0, 'failure'), sentinelLogon(0, 'success')])).toHaveLength(2);
    const sighting = normalizeSighting(
      sightingSchema.parse({
        id: 'sighting-2', title: 'Office application spawned PowerShell', observed_time: { start_time: new Date(T0).toISOString() },
        targets: [{ observables: [{ type: 'hostname', value: 'workstation-042' }] }],
        data: { columns: [{ name: 'kind' }, { name: 'process' }], rows: [['process', 'powershell.exe']] },
      }),
    );
    const alert = alertToEvent(falconAlertSchema.parse({ composite_id: 'c2', timestamp: new Date(T0 + 1000).toISOString(), display_name: 'Office spawned PowerShell', severity: 70, filename: 'powershell.exe', cmdline: 'powershell -enc AAA', device: { device_id: 'd1', hostname: 'workstation-042' } }));
    const [merged, ...rest] = toCorrelationEvents([sighting, alert]);
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({ source: 'cisco-xdr', class: 'process_activity', classes: ['process_activity', 'detection_finding'], sources: ['cisco-xdr', 'crowdstrike'], severity: 'high', process: { name: 'powershell.exe', commandLine: 'powershell -enc AAA' } });
    expect(flatFields(merged!)).toMatchObject({ class: ['process_activity', 'detection_finding'], source: ['cisco-xdr', 'crowdstrike'] });
  });
});

describe('the built-in rule over connector-normalised records', () => {
  const FILE = 'rules/brute-force-then-login.yaml';
  const ruleSet = compileRuleSet(parseRuleCollection(readFileSync(FILE, 'utf8'), FILE));

  it('fires once on 40 failures then a success seen by both SIEMs, not on ordinary failures', () => {
    const reports: SecurityEvent[] = [];
    for (let attempt = 0; attempt < 40; attempt += 1) reports.push(splunkLogon(attempt * 15_000, 'failure'), sentinelLogon(attempt * 15_000, 'failure'));
    reports.push(splunkLogon(11 * 60_000, 'success'), sentinelLogon(11 * 60_000, 'success'));
    // Noise: another account fails twice then logs on.
    reports.push(splunkLogon(1000, 'failure', 'alice'), splunkLogon(2000, 'failure', 'alice'), splunkLogon(3000, 'success', 'alice'));
    const { correlations } = correlateEvents(ruleSet, toCorrelationEvents(reports).map(toFlatEvent));
    expect(correlations).toHaveLength(1);
    expect(correlations[0]!.group).toEqual({ 'src.ip': '10.10.4.42', 'user.name': 'svc_backup', 'dst.host': 'srv-db-01' });
    // Ten logons, not five logons counted twice.
    expect(correlations[0]!.events.filter((event) => event.outcome === 'failure')).toHaveLength(10);
    expect(new Set(correlations[0]!.events.map((event) => event.timeMs)).size).toBe(11);
  });
});
