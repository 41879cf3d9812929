import { describe, expect, it } from 'vitest';
import { buildTimeline, findings } from '../../../src/investigate/timeline/index.js';
import { logonPair, securityEvent } from './synthetic-events.js';

const ATTACKER_IP = '185.220.101.5';

describe('findings', () => {
  const events = [
    securityEvent({ id: 'cisco-xdr:mail', seconds: 0, source: 'cisco-xdr', eventClass: 'email_activity', severity: 'medium', title: 'Phishing email', entities: { users: ['jdoe'], hashes: ['4f'.repeat(32)] }, fields: { technique: 'T1566.001', email_sender: 'billing@invoice-portal.example' } }),
    securityEvent({ id: 'cisco-xdr:office', seconds: 60, source: 'cisco-xdr', eventClass: 'process_activity', severity: 'high', title: 'Office application spawned PowerShell', entities: { hosts: ['ws-42'] }, fields: { process: 'powershell.exe', parent_process: 'WINWORD.EXE', technique: 'T1059.001' } }),
    securityEvent({ id: 'secure-endpoint:trojan', seconds: 120, source: 'secure-endpoint', eventClass: 'detection_finding', severity: 'critical', title: 'Threat Detected', entities: { hosts: ['ws-42'], hashes: ['9e'.repeat(32)] } }),
    securityEvent({ id: 'crowdstrike:lsass', seconds: 180, source: 'crowdstrike', eventClass: 'detection_finding', severity: 'critical', title: 'Credential dumping from LSASS memory', entities: { hosts: ['ws-42'], hashes: ['a1'.repeat(32)] }, fields: { technique: 'T1003.001' } }),
    ...Array.from({ length: 12 }, (_, index) => logonPair(index, 300 + index * 15, { user: 'svc_backup', from: '10.10.4.42', fromHost: 'ws-42', to: 'srv-db-01', outcome: 'failure' })).flat(),
    ...logonPair(50, 300 + 12 * 15 + 30, { user: 'svc_backup', from: '10.10.4.42', fromHost: 'ws-42', to: 'srv-db-01', outcome: 'success' }),
    securityEvent({ id: 'splunk:smb', seconds: 600, source: 'splunk', eventClass: 'network_activity', title: 'A network share object was accessed', entities: { hosts: ['srv-db-01'], users: ['svc_backup'] }, fields: { share: '\\\\*\\ADMIN$' } }),
    ...Array.from({ length: 4 }, (_, index) =>
      securityEvent({ id: `splunk:beacon-${index}`, seconds: 900 + index * 600, source: 'splunk', eventClass: 'network_activity', entities: { ips: ['10.10.8.10', ATTACKER_IP] } }),
    ),
  ];
  const timeline = buildTimeline(events);
  const verdicts = new Map([[ATTACKER_IP, 'malicious' as const]]);

  it('finds each stage of the attack with its evidence', () => {
    const found = findings(timeline, { verdicts });
    expect(found.map((finding) => finding.kind)).toEqual([
      'phishing', 'suspicious_execution', 'malware_execution', 'credential_dumping', 'brute_force_then_success', 'lateral_movement', 'command_and_control',
    ]);
    const bruteForce = found.find((finding) => finding.kind === 'brute_force_then_success')!;
    expect(bruteForce.evidence).toHaveLength(13);
    expect(bruteForce.evidence[0]!.eventIds.sort()).toEqual(['sentinel:securityevent:0', 'splunk:wineventlog:0']);
    expect(bruteForce.summary).toMatch(/^12 failed logons of svc_backup to srv-db-01 from 10\.10\.4\.42 between .* then a success at /);
    const c2 = found.find((finding) => finding.kind === 'command_and_control')!;
    expect(c2).toMatchObject({ title: `Beaconing to malicious address ${ATTACKER_IP}`, entities: { indicators: [ATTACKER_IP] } });
    expect(c2.evidence).toHaveLength(4);
    expect(found.find((finding) => finding.kind === 'credential_dumping')!.techniques).toEqual(['T1003.001']);
  });

  it('needs enough failures before the success, and a verdict for C2', () => {
    const found = findings(timeline, {}, { bruteForceMinFailures: 13 });
    expect(found.map((finding) => finding.kind)).not.toContain('brute_force_then_success');
    expect(found.map((finding) => finding.kind)).not.toContain('command_and_control');
  });
});
