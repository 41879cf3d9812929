import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../../src/investigate/timeline/index.js';
import { at, logonPair, securityEvent } from './synthetic-events.js';

describe('buildTimeline', () => {
  it('orders by time, ties by source then id', () => {
    const timeline = buildTimeline([
      securityEvent({ id: 'umbrella:b', seconds: 10, source: 'umbrella', entities: { hosts: ['a'] } }),
      securityEvent({ id: 'crowdstrike:z', seconds: 10, source: 'crowdstrike', eventClass: 'dns_activity', entities: { hosts: ['b'] } }),
      securityEvent({ id: 'crowdstrike:y', seconds: 10, source: 'crowdstrike', eventClass: 'email_activity', entities: { hosts: ['c'] } }),
      securityEvent({ id: 'splunk:first', seconds: 1, source: 'splunk', entities: { hosts: ['d'] } }),
    ]);
    expect(timeline.map((entry) => entry.id)).toEqual(['splunk:first', 'crowdstrike:y', 'crowdstrike:z', 'umbrella:b']);
  });

  it('drops exact duplicates (one sighting returned for two observables)', () => {
    const sighting = securityEvent({ id: 'cisco-xdr:sighting-1', seconds: 0, source: 'cisco-xdr', entities: { hosts: ['ws-1'] } });
    expect(buildTimeline([sighting, { ...sighting }])).toHaveLength(1);
  });

  it('merges one happening reported by several products into one entry listing every source', () => {
    const timeline = buildTimeline([
      securityEvent({ id: 'cisco-xdr:sighting-7', seconds: 0.4, source: 'cisco-xdr', eventClass: 'process_activity', severity: 'high', title: 'Office application spawned PowerShell', entities: { hosts: ['ws-1'], users: ['jdoe'], ips: ['10.0.0.5'] }, fields: { technique: 'T1059.001' } }),
      // Secure Endpoint rounds down to the second and calls it a detection.
      securityEvent({ id: 'secure-endpoint:99', seconds: 0, source: 'secure-endpoint', eventClass: 'detection_finding', severity: 'critical', title: 'Cloud IOC', entities: { hosts: ['ws-1'], ips: ['10.0.0.5'] } }),
      securityEvent({ id: 'crowdstrike:ldt:1', seconds: 1.2, source: 'crowdstrike', eventClass: 'detection_finding', severity: 'high', title: 'Suspicious PowerShell', entities: { hosts: ['ws-1'], users: ['CORP\\jdoe'] } }),
    ]);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({
      id: 'cisco-xdr:sighting-7',
      time: at(0),
      lastTime: at(1.2),
      class: 'process_activity',
      severity: 'critical',
      title: 'Office application spawned PowerShell',
      sources: ['cisco-xdr', 'crowdstrike', 'secure-endpoint'],
      fields: { technique: 'T1059.001' },
    });
    expect(timeline[0]!.evidence.map((reference) => reference.eventId)).toEqual(['secure-endpoint:99', 'cisco-xdr:sighting-7', 'crowdstrike:ldt:1']);
  });

  it('merges the Splunk and Sentinel copies of each logon but never two of the 40 failed logons', () => {
    const events = Array.from({ length: 40 }, (_, index) => logonPair(index, index * 15, { user: 'svc_backup', from: '10.10.4.42', fromHost: 'ws-42', to: 'srv-db-01', outcome: 'failure' })).flat();
    events.push(...logonPair(40, 40 * 15 + 2, { user: 'svc_backup', from: '10.10.4.42', fromHost: 'ws-42', to: 'srv-db-01', outcome: 'success' }));
    const timeline = buildTimeline(events);
    expect(timeline).toHaveLength(41);
    for (const [index, entry] of timeline.entries()) {
      expect(entry.sources).toEqual(['sentinel', 'splunk']);
      expect(entry.evidence.map((reference) => reference.eventId).sort()).toEqual([`sentinel:securityevent:${index}`, `splunk:wineventlog:${index}`]);
    }
    // The success 2 s after the last failure stays its own entry: outcomes differ.
    expect(timeline.at(-1)!.fields['outcome']).toBe('success');
  });

  it('keeps identical records of one product apart even within the merge window', () => {
    const timeline = buildTimeline([
      securityEvent({ id: 'splunk:a', seconds: 0, source: 'splunk', eventClass: 'authentication', entities: { users: ['bob'], hosts: ['srv'] }, fields: { outcome: 'failure' } }),
      securityEvent({ id: 'splunk:b', seconds: 1, source: 'splunk', eventClass: 'authentication', entities: { users: ['bob'], hosts: ['srv'] }, fields: { outcome: 'failure' } }),
    ]);
    expect(timeline).toHaveLength(2);
  });

  it('does not merge reports that contradict or share nothing', () => {
    const timeline = buildTimeline([
      securityEvent({ id: 'splunk:alice', seconds: 0, source: 'splunk', eventClass: 'authentication', entities: { users: ['alice'], hosts: ['srv'] } }),
      securityEvent({ id: 'sentinel:bob', seconds: 0, source: 'sentinel', eventClass: 'authentication', entities: { users: ['bob'], hosts: ['srv'] } }),
      securityEvent({ id: 'cisco-xdr:x', seconds: 0, source: 'cisco-xdr', eventClass: 'detection_finding', entities: { hosts: ['ws-1'], hashes: ['a'.repeat(64)] } }),
      securityEvent({ id: 'secure-endpoint:y', seconds: 0, source: 'secure-endpoint', eventClass: 'detection_finding', entities: { hosts: ['ws-1'], hashes: ['b'.repeat(64)] } }),
      securityEvent({ id: 'umbrella:z', seconds: 0, source: 'umbrella', eventClass: 'dns_activity', entities: { hosts: ['ws-9'] } }),
      securityEvent({ id: 'crowdstrike:late', seconds: 30, source: 'crowdstrike', eventClass: 'detection_finding', entities: { hosts: ['ws-1'], hashes: ['a'.repeat(64)] } }),
    ]);
    expect(timeline).toHaveLength(6);
  });

  it('treats Splunk rows of firewall data as the firewall’s report, so they merge with Splunk’s own Windows record', () => {
    const timeline = buildTimeline([
      securityEvent({ id: 'splunk:wineventlog:1', seconds: 0, source: 'splunk', eventClass: 'network_activity', title: 'A network share object was accessed', entities: { hosts: ['srv-db-01'], users: ['svc_backup'], ips: ['10.10.4.42'] } }),
      securityEvent({ id: 'splunk:firewall:1', seconds: 0, source: 'splunk', eventClass: 'network_activity', entities: { ips: ['10.10.4.42', '10.10.8.10'] }, fields: { origin: 'secure-firewall', dst_port: 445 } }),
    ]);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]!.evidence).toEqual([
      { eventId: 'splunk:firewall:1', source: 'splunk', origin: 'secure-firewall', time: at(0) },
      { eventId: 'splunk:wineventlog:1', source: 'splunk', time: at(0) },
    ]);
  });
});
