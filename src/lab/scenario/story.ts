import type { ScenarioEvent } from './events.js';
import { STORY } from './indicators.js';
import { stableUuid } from './random.js';

const MINUTE = 60_000;

/**
 * The XDR-2026-001234 story, over the three hours before the lab started: phishing mail to jdoe,
 * Outlook → Word → PowerShell on workstation-042, payload from 185.220.101.5, DNS for
 * update-check.example-cdn.net, credential dumping, 40 failed logons then one success to
 * srv-db-01, SMB lateral movement, a CrowdStrike detection on srv-db-01, beaconing.
 */
export function storyEvents(seed: number, now: Date): ScenarioEvent[] {
  const at = (minutesBefore: number, secondOffset = 0) => new Date(now.getTime() - minutesBefore * MINUTE + secondOffset * 1000);
  let counter = 0;
  const id = () => stableUuid(seed, `story:${(counter += 1)}`);
  const victim = { host: STORY.victimHost, user: STORY.victimUser, sourceIp: STORY.victimIp };
  const events: ScenarioEvent[] = [
    {
      id: id(), time: at(180), kind: 'email', products: ['xdr', 'splunk'], tag: 'story', severity: 'medium',
      title: 'Phishing email delivered with macro-enabled attachment', user: STORY.victimUser,
      emailSender: STORY.phishSender, emailSubject: STORY.phishSubject, fileName: STORY.attachmentName,
      sha256: STORY.attachmentSha256, technique: 'T1566.001', tactic: 'initial-access',
    },
    {
      id: id(), time: at(175), kind: 'process', products: ['secure_endpoint', 'crowdstrike', 'xdr'], tag: 'story', severity: 'high',
      title: 'Office application spawned PowerShell', ...victim, processName: 'powershell.exe', parentProcessName: 'WINWORD.EXE',
      commandLine: 'powershell.exe -NoProfile -WindowStyle Hidden -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
      technique: 'T1059.001', tactic: 'execution',
    },
    {
      id: id(), time: at(174), kind: 'dns', products: ['umbrella', 'xdr'], tag: 'story', severity: 'high',
      title: `DNS lookup of ${STORY.attackerDomain}`, ...victim, domain: STORY.attackerDomain, destinationIp: STORY.attackerIp, outcome: 'allowed',
      technique: 'T1071.004', tactic: 'command-and-control',
    },
    {
      id: id(), time: at(174, 20), kind: 'network', products: ['secure_endpoint', 'secure_firewall', 'splunk', 'xdr'], tag: 'story', severity: 'high',
      title: 'PowerShell downloaded a payload over HTTP', ...victim, destinationIp: STORY.attackerIp, destinationPort: 80, protocol: 'tcp',
      url: STORY.payloadUrl, domain: STORY.attackerDomain, processName: 'powershell.exe', outcome: 'allowed', bytesOut: 1_842, technique: 'T1105', tactic: 'command-and-control',
    },
    {
      id: id(), time: at(172), kind: 'file', products: ['secure_endpoint', 'xdr'], tag: 'story', severity: 'critical',
      title: 'Malicious payload executed', ...victim, fileName: STORY.payloadName, filePath: `C:\\Users\\${STORY.victimUser}\\AppData\\Local\\Temp\\${STORY.payloadName}`,
      sha256: STORY.payloadSha256, processName: STORY.payloadName, parentProcessName: 'powershell.exe', technique: 'T1204.002', tactic: 'execution',
    },
    {
      id: id(), time: at(165), kind: 'detection', products: ['secure_endpoint', 'xdr'], tag: 'story', severity: 'critical',
      title: 'W32.Trojan.Agent detected', ...victim, fileName: STORY.payloadName, sha256: STORY.payloadSha256, processName: STORY.payloadName,
      technique: 'T1204.002', tactic: 'execution',
    },
    {
      id: id(), time: at(160), kind: 'process', products: ['secure_endpoint', 'crowdstrike', 'xdr'], tag: 'story', severity: 'critical',
      title: 'Credential dumping from LSASS memory', ...victim, processName: 'rundll32.exe', parentProcessName: STORY.payloadName,
      commandLine: 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 644 C:\\Windows\\Temp\\lsass.dmp full',
      sha256: STORY.dumpToolSha256, technique: 'T1003.001', tactic: 'credential-access',
    },
    {
      id: id(), time: at(150), kind: 'signin', products: ['sentinel'], tag: 'story', severity: 'medium',
      title: 'Sign-in attempt from anonymising network', user: STORY.victimEmail, sourceIp: STORY.attackerIp, outcome: 'failure',
      technique: 'T1078', tactic: 'initial-access',
    },
  ];
  // 40 failed logons to srv-db-01 from workstation-042, ~15 s apart, then one success.
  for (let attempt = 0; attempt < STORY.failedLogons; attempt += 1) {
    events.push({
      id: id(), time: at(140, attempt * 15), kind: 'logon', products: ['splunk', 'sentinel'], tag: 'story', severity: 'low',
      title: 'An account failed to log on', host: STORY.targetHost, user: STORY.serviceAccount, sourceIp: STORY.victimIp,
      destinationIp: STORY.targetIp, outcome: 'failure', eventCode: 4625, technique: 'T1110.001', tactic: 'credential-access',
    });
  }
  events.push(
    {
      id: id(), time: at(129), kind: 'logon', products: ['splunk', 'sentinel'], tag: 'story', severity: 'high',
      title: 'An account was successfully logged on', host: STORY.targetHost, user: STORY.serviceAccount, sourceIp: STORY.victimIp,
      destinationIp: STORY.targetIp, outcome: 'success', eventCode: 4624, technique: 'T1078', tactic: 'defense-evasion',
    },
    {
      id: id(), time: at(126), kind: 'smb', products: ['secure_firewall', 'splunk', 'xdr'], tag: 'story', severity: 'high',
      title: 'SMB lateral movement to srv-db-01 (ADMIN$)', host: STORY.victimHost, user: STORY.serviceAccount, sourceIp: STORY.victimIp,
      destinationIp: STORY.targetIp, destinationPort: 445, protocol: 'tcp', outcome: 'allowed', eventCode: 5140, technique: 'T1021.002', tactic: 'lateral-movement',
    },
    {
      id: id(), time: at(124), kind: 'detection', products: ['crowdstrike', 'xdr'], tag: 'story', severity: 'critical',
      title: 'Lateral movement with remote service execution (PsExec-like)', host: STORY.targetHost, user: STORY.serviceAccount,
      sourceIp: STORY.victimIp, processName: 'psexesvc.exe', parentProcessName: 'services.exe', commandLine: 'C:\\Windows\\PSEXESVC.exe',
      technique: 'T1569.002', tactic: 'lateral-movement',
    },
    {
      id: id(), time: at(120), kind: 'detection', products: ['crowdstrike', 'xdr'], tag: 'story', severity: 'critical',
      title: 'Credential theft tool (Mimikatz-like) executed', host: STORY.targetHost, user: STORY.serviceAccount,
      processName: 'mimi.exe', parentProcessName: 'psexesvc.exe', sha256: STORY.dumpToolSha256, technique: 'T1003.001', tactic: 'credential-access',
    },
  );
  // Beaconing from srv-db-01 to the attacker every 10 minutes.
  for (let beat = 0; beat < 10; beat += 1) {
    events.push({
      id: id(), time: at(110 - beat * 10), kind: 'network', products: ['secure_firewall', 'xdr'], tag: 'story', severity: 'high',
      title: 'Outbound TLS to known-bad address', host: STORY.targetHost, sourceIp: STORY.targetIp, destinationIp: STORY.attackerIp,
      destinationPort: 443, protocol: 'tcp', outcome: 'allowed', bytesOut: 2_048 + beat * 17, technique: 'T1071.001', tactic: 'command-and-control',
    });
  }
  return events;
}
