import { STORY } from './indicators.js';
import { pick, seededRandom, stableHex, stableUuid } from './random.js';

export type HostKind = 'workstation' | 'laptop' | 'server';

export interface LabOperatingSystem {
  family: 'windows' | 'macos' | 'linux';
  name: string;
  version: string;
  /** Past its vendor's end of support. */
  endOfLife: boolean;
}

/** One asset of the scenario, as it really is; each simulator shows its own view of it. */
export interface LabHost {
  /** Stable id within the world. */
  id: string;
  /** Canonical short name, lower case (e.g. workstation-042). */
  hostname: string;
  domain: string;
  kind: HostKind;
  os: LabOperatingSystem;
  ip: string;
  externalIp: string;
  mac: string;
  serial: string;
  /** Cloud instance id for cloud servers. */
  cloudId?: string;
  user?: string;
  tags: string[];
  lastSeen: Date;
  secureEndpoint?: { connectorGuid: string; groupName: string; policyName: string; connectorVersion: string; isolated: boolean };
  crowdstrike?: { deviceId: string; agentVersion: string; contained: boolean };
  xdr?: { deviceId: string };
}

export interface LabInventory {
  /** The state 24 hours before the lab started. */
  baseline: LabHost[];
  /** The state now (what simulators serve by default). */
  current: LabHost[];
  /** Hostnames added, removed and changed between the two states (for tests and demos). */
  changes: { added: string[]; removed: string[]; changed: string[] };
}

const OPERATING_SYSTEMS: Record<HostKind, LabOperatingSystem[]> = {
  workstation: [
    { family: 'windows', name: 'Windows 11', version: '10.0.22631', endOfLife: false },
    { family: 'windows', name: 'Windows 10', version: '10.0.19045', endOfLife: true },
    { family: 'windows', name: 'Windows 11', version: '10.0.26100', endOfLife: false },
  ],
  laptop: [
    { family: 'windows', name: 'Windows 11', version: '10.0.22631', endOfLife: false },
    { family: 'macos', name: 'macOS 15', version: '15.4', endOfLife: false },
    { family: 'macos', name: 'macOS 12', version: '12.7.6', endOfLife: true },
  ],
  server: [
    { family: 'windows', name: 'Windows Server 2022', version: '10.0.20348', endOfLife: false },
    { family: 'windows', name: 'Windows Server 2012 R2', version: '6.3.9600', endOfLife: true },
    { family: 'linux', name: 'Ubuntu 22.04', version: '22.04', endOfLife: false },
    { family: 'linux', name: 'Red Hat Enterprise Linux 8', version: '8.10', endOfLife: false },
  ],
};

const DEPARTMENTS = ['finance', 'engineering', 'sales', 'hr', 'legal', 'it', 'marketing'];
const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yara'];
const LAST = ['smith', 'jones', 'brown', 'taylor', 'wilson', 'evans', 'thomas', 'roberts', 'walker', 'wright', 'green', 'hall'];

function mac(seed: number, label: string): string {
  const hex = stableHex(seed, `mac:${label}`, 12);
  return hex.match(/../g)!.join(':').replace(/^./, '0');
}

interface HostSpec {
  hostname: string;
  kind: HostKind;
  index: number;
}

/**
 * One address per host, never shared: workstations in 10.10.4-5.x, laptops in 10.10.6.x,
 * servers in 10.10.8.x, synthetic bulk hosts in 10.20.x.x. The story hosts get theirs by name.
 */
function addressOf(spec: HostSpec): string {
  if (spec.hostname === STORY.victimHost) return STORY.victimIp;
  if (spec.hostname === STORY.targetHost) return STORY.targetIp;
  if (spec.hostname.startsWith('bulk-')) {
    const ordinal = spec.index - 1001;
    return `10.20.${Math.floor(ordinal / 250)}.${(ordinal % 250) + 1}`;
  }
  if (spec.kind === 'workstation') return `10.10.${4 + Math.floor((spec.index - 1) / 250)}.${((spec.index - 1) % 250) + 1}`;
  if (spec.kind === 'laptop') return `10.10.6.${spec.index - 300}`;
  return `10.10.8.${10 + (spec.index - 400)}`;
}

/** The named hosts, plus `extraHosts` synthetic workstations (`bulk-00001`…) for load tests. */
function specs(extraHosts: number): HostSpec[] {
  const out: HostSpec[] = [];
  for (let index = 1; index <= extraHosts; index += 1) out.push({ hostname: `bulk-${String(index).padStart(5, '0')}`, kind: 'workstation', index: 1000 + index });
  for (let index = 1; index <= 300; index += 1) out.push({ hostname: index === 42 ? STORY.victimHost : `ws-${String(index).padStart(4, '0')}`, kind: 'workstation', index });
  for (let index = 1; index <= 80; index += 1) out.push({ hostname: `lt-${String(index).padStart(4, '0')}`, kind: 'laptop', index: 300 + index });
  const servers = ['srv-db-01', 'srv-db-02', 'srv-dc-01', 'srv-dc-02', 'srv-file-01', 'srv-mail-01', 'srv-vpn-01', 'srv-jump-01'];
  for (let index = 1; index <= 32; index += 1) servers.push(`srv-app-${String(index).padStart(2, '0')}`);
  servers.forEach((hostname, offset) => out.push({ hostname, kind: 'server', index: 400 + offset }));
  return out;
}

/**
 * The scenario inventory: 420 hosts across Secure Endpoint, CrowdStrike and XDR with overlaps
 * (some hosts in one source only), production and crown-jewel tags, end-of-life systems, and a
 * baseline state 24 h earlier with additions, removals and changed attributes.
 */
export function generateInventory(seed: number, now: Date, extraHosts = 0): LabInventory {
  const random = seededRandom(seed ^ 0x1a2b3c);
  const all: LabHost[] = specs(extraHosts).map((spec) => {
    const os = spec.hostname === STORY.victimHost
      ? OPERATING_SYSTEMS.workstation[0]!
      : spec.hostname === STORY.targetHost
        ? OPERATING_SYSTEMS.server[0]!
        : pick(random, OPERATING_SYSTEMS[spec.kind]);
    const department = pick(random, DEPARTMENTS);
    const ip = addressOf(spec);
    const user = spec.hostname === STORY.victimHost ? STORY.victimUser : spec.kind === 'server' ? undefined : `${pick(random, FIRST)}.${pick(random, LAST)}`;
    const tags = [department];
    if (spec.kind === 'server') tags.push('production');
    if (spec.hostname === STORY.targetHost) tags.push('crown-jewel', 'pci');
    if (spec.hostname.startsWith('srv-dc')) tags.push('domain-controller');
    const bulk = spec.hostname.startsWith('bulk-');
    const inSecureEndpoint = random() < 0.85 || bulk || spec.hostname === STORY.victimHost || spec.hostname === STORY.targetHost;
    const inCrowdStrike = random() < (spec.kind === 'server' ? 0.9 : 0.55) || bulk || spec.hostname === STORY.victimHost || spec.hostname === STORY.targetHost;
    const inXdr = random() < 0.7 || spec.hostname === STORY.victimHost || spec.hostname === STORY.targetHost;
    const cloud = spec.kind === 'server' && spec.hostname.startsWith('srv-app') && random() < 0.5;
    const lastSeenMinutesAgo = Math.floor(random() * (random() < 0.05 ? 60 * 24 * 20 : 180));
    const host: LabHost = {
      id: stableUuid(seed, `host:${spec.hostname}`),
      hostname: spec.hostname,
      domain: 'corp.example.com',
      kind: spec.kind,
      os,
      ip,
      externalIp: spec.kind === 'laptop' ? `198.51.100.${(spec.index % 200) + 20}` : '203.0.113.10',
      mac: mac(seed, spec.hostname),
      serial: stableHex(seed, `serial:${spec.hostname}`, 10).toUpperCase(),
      ...(cloud ? { cloudId: `i-0${stableHex(seed, `cloud:${spec.hostname}`, 16)}` } : {}),
      ...(user === undefined ? {} : { user }),
      tags,
      lastSeen: new Date(now.getTime() - lastSeenMinutesAgo * 60_000),
    };
    if (inSecureEndpoint || (!inCrowdStrike && !inXdr)) {
      host.secureEndpoint = {
        connectorGuid: stableUuid(seed, `se:${spec.hostname}`),
        groupName: spec.kind === 'server' ? 'Servers' : department === 'finance' ? 'Finance' : 'Protect',
        policyName: spec.kind === 'server' ? 'Server Protect' : 'Workstation Protect',
        connectorVersion: pick(random, ['8.4.1.30307', '8.4.2.30323', '8.2.3.30119']),
        isolated: false,
      };
    }
    if (inCrowdStrike) {
      host.crowdstrike = {
        deviceId: stableHex(seed, `cs:${spec.hostname}`, 32),
        agentVersion: pick(random, ['7.18.18207.0', '7.20.18509.0', '7.16.18005.0']),
        contained: false,
      };
    }
    if (inXdr) host.xdr = { deviceId: stableUuid(seed, `xdr:${spec.hostname}`) };
    return host;
  });

  // 12 hosts arrived in the last 24 h, 8 left, 15 changed (OS update, new IP, tag, agent version).
  const candidates = all.filter((host) => host.hostname !== STORY.victimHost && host.hostname !== STORY.targetHost && !host.hostname.startsWith('bulk-'));
  const shuffled = [...candidates].sort((a, b) => a.id.localeCompare(b.id));
  const added = new Set(shuffled.slice(0, 12).map((host) => host.hostname));
  const removed = new Set(shuffled.slice(12, 20).map((host) => host.hostname));
  const changed = shuffled.slice(20, 35).map((host) => host.hostname);
  const changedSet = new Set(changed);

  const current = all.filter((host) => !removed.has(host.hostname));
  const baseline = all
    .filter((host) => !added.has(host.hostname))
    .map((host) => {
      const copy = structuredClone(host);
      if (!changedSet.has(host.hostname)) return copy;
      const variant = changed.indexOf(host.hostname) % 4;
      if (variant === 0) copy.os = { ...copy.os, version: `${copy.os.version}-prev` };
      if (variant === 1) copy.ip = copy.ip.replace(/\.(\d+)$/, (_, octet: string) => `.${(Number(octet) + 100) % 250}`);
      if (variant === 2) copy.tags = copy.tags.filter((tag) => tag !== 'production').concat('staging');
      if (variant === 3 && copy.secureEndpoint !== undefined) copy.secureEndpoint.connectorVersion = '8.1.0.29900';
      else if (variant === 3) copy.os = { ...copy.os, version: `${copy.os.version}-prev` };
      return copy;
    });
  return { baseline, current, changes: { added: [...added].sort(), removed: [...removed].sort(), changed: [...changed].sort() } };
}
