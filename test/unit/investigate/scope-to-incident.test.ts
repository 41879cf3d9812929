import { describe, expect, it } from 'vitest';
import { scopeToIncident, type IncidentSeed } from '../../../src/investigate/timeline/index.js';
import { at, logonPair, securityEvent } from './synthetic-events.js';

const ATTACKER_IP = '185.220.101.5';
const PAYLOAD = '9e'.repeat(32);
const DUMP_TOOL = 'a1'.repeat(32);
const seed: IncidentSeed = {
  hosts: ['ws-42', 'srv-db-01'],
  ips: [ATTACKER_IP],
  domains: ['update-check.example-cdn.net'],
  hashes: [PAYLOAD],
  users: ['jdoe'],
  window: { from: at(-3600), to: at(36_000) },
  hostAddresses: { 'ws-42': ['10.10.4.42'], 'srv-db-01': ['10.10.8.10'] },
};

const story = [
  securityEvent({ id: 'umbrella:dns', seconds: 0, source: 'umbrella', eventClass: 'dns_activity', severity: 'high', entities: { hosts: ['ws-42'], ips: ['10.10.4.42', '203.0.113.10'], domains: ['update-check.example-cdn.net'] } }),
  securityEvent({ id: 'secure-endpoint:payload', seconds: 60, source: 'secure-endpoint', eventClass: 'detection_finding', severity: 'critical', entities: { hosts: ['ws-42'], hashes: [PAYLOAD] } }),
  // Linked by host and severity; brings the dump tool's hash along.
  securityEvent({ id: 'crowdstrike:dump', seconds: 120, source: 'crowdstrike', eventClass: 'detection_finding', severity: 'critical', entities: { hosts: ['ws-42'], hashes: [DUMP_TOOL] }, fields: { host: 'ws-42', src_ip: '10.10.4.42' } }),
  // Low severity, but links the victim workstation (by its address) to the target server.
  ...logonPair(1, 600, { user: 'svc_backup', from: '10.10.4.42', fromHost: 'WS-42', to: 'srv-db-01', outcome: 'failure' }),
  // Only linked through the dump tool's hash found one hop earlier.
  securityEvent({ id: 'crowdstrike:mimikatz', seconds: 900, source: 'crowdstrike', eventClass: 'detection_finding', severity: 'low', entities: { hosts: ['srv-app-9'], hashes: [DUMP_TOOL] } }),
  securityEvent({ id: 'splunk:beacon', seconds: 1200, source: 'splunk', eventClass: 'network_activity', entities: { ips: ['10.10.8.10', ATTACKER_IP] }, fields: { origin: 'secure-firewall' } }),
];

const noise = [
  // The victim logging on to an ordinary server from the victim workstation: assets only, not notable.
  ...logonPair(2, 700, { user: 'jdoe', from: '10.10.4.42', fromHost: 'ws-42', to: 'srv-app-17', outcome: 'success' }),
  // Someone else logging on to the breached server: only the server (and its internal IP) in common.
  securityEvent({ id: 'splunk:mallory', seconds: 800, source: 'splunk', eventClass: 'authentication', entities: { hosts: ['srv-db-01', 'ws-77'], users: ['mallory'], ips: ['10.10.4.224', '10.10.8.10'] } }),
  // Web browsing from the victim workstation, and every host shares the egress address.
  securityEvent({ id: 'splunk:https', seconds: 900, source: 'splunk', eventClass: 'network_activity', entities: { ips: ['10.10.4.42', '34.117.59.81'] }, fields: { origin: 'secure-firewall' } }),
  securityEvent({ id: 'sentinel:signin', seconds: 950, source: 'sentinel', eventClass: 'authentication', entities: { users: ['alice@corp.example.com'], ips: ['203.0.113.10'] } }),
  securityEvent({ id: 'umbrella:office', seconds: 1000, source: 'umbrella', eventClass: 'dns_activity', entities: { hosts: ['ws-42'], users: ['jdoe'], domains: ['outlook.office365.com'] } }),
  // The attacker's IP, but outside the window.
  securityEvent({ id: 'splunk:old', seconds: -7200, source: 'splunk', eventClass: 'network_activity', entities: { ips: [ATTACKER_IP] } }),
];

describe('scopeToIncident', () => {
  it('keeps the story and leaves out noise that shares only assets or generic entities', () => {
    const scoped = scopeToIncident([...noise, ...story], seed);
    expect(scoped.events.map((event) => event.id).sort()).toEqual(story.map((event) => event.id).sort());
    const reasons = new Map(scoped.reasons.map((reason) => [reason.eventId, reason]));
    expect(reasons.get('umbrella:dns')).toMatchObject({ rule: 'indicator', hop: 0, via: ['update-check.example-cdn.net'] });
    expect(reasons.get('crowdstrike:dump')).toMatchObject({ rule: 'notable_on_asset', hop: 0 });
    expect(reasons.get('splunk:wineventlog:1')).toMatchObject({ rule: 'links_two_hosts', via: ['srv-db-01', 'ws-42'] });
    expect(reasons.get('crowdstrike:mimikatz')).toMatchObject({ rule: 'indicator', hop: 1, via: [DUMP_TOOL] });
    // The egress address of the DNS row was not taken up as an indicator.
    expect(scoped.indicators).not.toContain('203.0.113.10');
  });

  it('stops expanding after maxHops', () => {
    const scoped = scopeToIncident(story, seed, { maxHops: 0 });
    expect(scoped.events.map((event) => event.id)).not.toContain('crowdstrike:mimikatz');
  });

  it('does not expand through a found hash a verdict calls clean, and does through a found IP called malicious', () => {
    const verdicts = new Map([[DUMP_TOOL, 'clean' as const], ['198.51.100.9', 'malicious' as const]]);
    const extra = [
      securityEvent({ id: 'cisco-xdr:c2', seconds: 50, source: 'cisco-xdr', eventClass: 'network_activity', severity: 'high', entities: { hosts: ['ws-42'], ips: ['198.51.100.9'] } }),
      securityEvent({ id: 'splunk:c2-later', seconds: 5000, source: 'splunk', eventClass: 'network_activity', entities: { ips: ['10.99.0.1', '198.51.100.9'] } }),
    ];
    const scoped = scopeToIncident([...story, ...extra], seed, { verdicts });
    const ids = scoped.events.map((event) => event.id);
    expect(ids).not.toContain('crowdstrike:mimikatz');
    expect(ids).toContain('splunk:c2-later');
  });

  it('learns internal addresses from endpoint products when asset records are missing', () => {
    const { hostAddresses: _hostAddresses, ...withoutAddresses } = seed;
    const scoped = scopeToIncident([...story, ...noise], withoutAddresses);
    // crowdstrike:dump says ws-42 has 10.10.4.42; the Splunk logon names WS-42 anyway.
    expect(scoped.events.map((event) => event.id)).toContain('splunk:wineventlog:1');
    expect(scoped.events.map((event) => event.id)).not.toContain('splunk:mallory');
  });
});
