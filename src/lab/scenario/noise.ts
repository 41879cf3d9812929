import type { LabHost } from './inventory.js';
import type { ScenarioEvent } from './events.js';
import { pick, seededRandom, stableUuid } from './random.js';

/** Domains normal users resolve all day. */
export const BENIGN_DOMAINS = [
  'login.microsoftonline.com',
  'outlook.office365.com',
  'github.com',
  'slack.com',
  'zoom.us',
  'salesforce.com',
  'update.googleapis.com',
  'windowsupdate.com',
  'cdn.jsdelivr.net',
  'docs.example-partner.com',
] as const;

const BENIGN_IPS = ['13.107.42.14', '140.82.112.3', '52.96.166.130', '34.117.59.81', '104.16.85.20'];

/**
 * Benign background over the 24 hours before the lab started: DNS, web traffic, logons (some
 * with a mistyped password or two), scans and a low-severity adware find. Correlation and
 * investigation must not mistake it for the story.
 */
export function noiseEvents(seed: number, now: Date, hosts: readonly LabHost[]): ScenarioEvent[] {
  const random = seededRandom(seed ^ 0x5eed);
  const events: ScenarioEvent[] = [];
  let counter = 0;
  const id = () => stableUuid(seed, `noise:${(counter += 1)}`);
  const workstations = hosts.filter((host) => host.kind !== 'server' && host.user !== undefined);
  const servers = hosts.filter((host) => host.kind === 'server');
  const time = () => new Date(now.getTime() - Math.floor(random() * 23.5 * 3_600_000) - 60_000);
  for (let index = 0; index < 120; index += 1) {
    const host = pick(random, workstations);
    const domain = pick(random, BENIGN_DOMAINS);
    events.push({
      id: id(), time: time(), kind: 'dns', products: ['umbrella'], tag: 'noise', severity: 'info', title: `DNS lookup of ${domain}`,
      host: host.hostname, user: host.user!, sourceIp: host.ip, domain, outcome: 'allowed',
    });
  }
  for (let index = 0; index < 80; index += 1) {
    const host = pick(random, workstations);
    events.push({
      id: id(), time: time(), kind: 'network', products: ['secure_firewall'], tag: 'noise', severity: 'info', title: 'HTTPS session',
      host: host.hostname, sourceIp: host.ip, destinationIp: pick(random, BENIGN_IPS), destinationPort: 443, protocol: 'tcp', outcome: 'allowed',
      bytesOut: 500 + Math.floor(random() * 40_000),
    });
  }
  for (let index = 0; index < 60; index += 1) {
    const host = pick(random, workstations);
    const server = pick(random, servers);
    const base = time();
    const failures = random() < 0.2 ? 1 + Math.floor(random() * 3) : 0;
    for (let failure = 0; failure < failures; failure += 1) {
      events.push({
        id: id(), time: new Date(base.getTime() + failure * 20_000), kind: 'logon', products: ['splunk', 'sentinel'], tag: 'noise', severity: 'info',
        title: 'An account failed to log on', host: server.hostname, user: host.user!, sourceIp: host.ip, destinationIp: server.ip, outcome: 'failure', eventCode: 4625,
      });
    }
    events.push({
      id: id(), time: new Date(base.getTime() + failures * 20_000 + 5_000), kind: 'logon', products: ['splunk', 'sentinel'], tag: 'noise', severity: 'info',
      title: 'An account was successfully logged on', host: server.hostname, user: host.user!, sourceIp: host.ip, destinationIp: server.ip, outcome: 'success', eventCode: 4624,
    });
  }
  for (let index = 0; index < 30; index += 1) {
    const host = pick(random, workstations);
    events.push({
      id: id(), time: time(), kind: 'signin', products: ['sentinel'], tag: 'noise', severity: 'info', title: 'Interactive sign-in',
      user: `${host.user!}@corp.example.com`, sourceIp: host.externalIp, outcome: 'success',
    });
  }
  const scanned = workstations.filter((host) => host.secureEndpoint !== undefined).slice(0, 25);
  for (const host of scanned) {
    events.push({
      id: id(), time: time(), kind: 'detection', products: ['secure_endpoint'], tag: 'noise', severity: 'info', title: 'Scan Completed, No Detections',
      host: host.hostname, user: host.user!, sourceIp: host.ip,
    });
  }
  const adwareHost = workstations.find((host) => host.crowdstrike !== undefined && host.hostname !== 'workstation-042');
  if (adwareHost !== undefined) {
    events.push({
      id: id(), time: time(), kind: 'detection', products: ['crowdstrike', 'xdr'], tag: 'noise', severity: 'low', title: 'Adware bundler (PUP) blocked',
      host: adwareHost.hostname, user: adwareHost.user!, sourceIp: adwareHost.ip, processName: 'setup_free_pdf.exe', parentProcessName: 'explorer.exe',
      fileName: 'setup_free_pdf.exe', sha256: 'b'.repeat(64), technique: 'T1204.002', tactic: 'execution',
    });
  }
  return events;
}
