import type { ScenarioEvent } from './events.js';
import { STORY } from './indicators.js';
import { generateInventory, type LabHost, type LabInventory } from './inventory.js';
import { BENIGN_DOMAINS, noiseEvents } from './noise.js';
import { stableUuid } from './random.js';
import { storyEvents } from './story.js';

export interface DomainReputation {
  domain: string;
  /** Umbrella status: -1 malicious, 0 unclassified, 1 benign. */
  status: -1 | 0 | 1;
  /** 0 (safe) .. 100 (risky). */
  riskScore: number;
  securityCategories: string[];
  contentCategories: string[];
  /** Addresses the domain resolves to. */
  addresses: string[];
  firstSeen: Date;
}

export interface LabIncident {
  id: string;
  /** CTIA-style internal id. */
  uid: string;
  title: string;
  description: string;
  severity: 'Critical' | 'High' | 'Medium' | 'Low';
  status: 'New' | 'Open' | 'Closed';
  createdAt: Date;
  /** Event ids (ScenarioEvent.id) behind the incident. */
  eventIds: string[];
  observables: Array<{ type: string; value: string }>;
  hosts: string[];
}

/** The one deterministic world every simulator presents. Times are relative to `startedAt`. */
export interface LabWorld {
  seed: number;
  startedAt: Date;
  story: typeof STORY;
  inventory: LabInventory;
  /** Story and noise, oldest first. */
  events: ScenarioEvent[];
  domains: DomainReputation[];
  incidents: LabIncident[];
}

/** `extraHosts` adds synthetic workstations present in Secure Endpoint and CrowdStrike (benchmarks). */
export function createWorld(options: { seed?: number; now: Date; extraHosts?: number }): LabWorld {
  const seed = options.seed ?? 2026;
  const now = options.now;
  const inventory = generateInventory(seed, now, options.extraHosts ?? 0);
  const story = storyEvents(seed, now);
  const noise = noiseEvents(seed, now, inventory.current);
  const events = [...story, ...noise].sort((a, b) => a.time.getTime() - b.time.getTime() || a.id.localeCompare(b.id));
  const domains: DomainReputation[] = [
    {
      domain: STORY.attackerDomain, status: -1, riskScore: 98, securityCategories: ['Malware', 'Command and Control'],
      contentCategories: ['Software/Technology'], addresses: [STORY.attackerIp], firstSeen: new Date(now.getTime() - 9 * 86_400_000),
    },
    {
      domain: 'invoice-portal.example', status: -1, riskScore: 91, securityCategories: ['Phishing'],
      contentCategories: ['Business Services'], addresses: ['198.51.100.77'], firstSeen: new Date(now.getTime() - 4 * 86_400_000),
    },
    ...BENIGN_DOMAINS.map((domain, index) => ({
      domain, status: 1 as const, riskScore: 3 + (index % 7), securityCategories: [],
      contentCategories: [domain.includes('microsoft') || domain.includes('office') ? 'SaaS and B2B' : 'Software/Technology'],
      addresses: [`104.16.${index}.${20 + index}`], firstSeen: new Date(now.getTime() - (3000 + index) * 86_400_000),
    })),
  ];
  const storyXdr = story.filter((event) => event.products.includes('xdr'));
  const noiseDetection = noise.find((event) => event.kind === 'detection' && event.products.includes('xdr'));
  const incidents: LabIncident[] = [
    {
      id: STORY.incidentId,
      uid: `incident-${stableUuid(seed, 'incident:story')}`,
      title: STORY.title,
      description: `Phishing mail to ${STORY.victimEmail} led to PowerShell on ${STORY.victimHost}, a payload from ${STORY.attackerIp}, credential dumping and SMB lateral movement to ${STORY.targetHost}.`,
      severity: 'High',
      status: 'New',
      createdAt: new Date(now.getTime() - 105 * 60_000),
      eventIds: storyXdr.map((event) => event.id),
      observables: [
        { type: 'ip', value: STORY.attackerIp },
        { type: 'domain', value: STORY.attackerDomain },
        { type: 'sha256', value: STORY.payloadSha256 },
        { type: 'sha256', value: STORY.attachmentSha256 },
        { type: 'hostname', value: STORY.victimHost },
        { type: 'hostname', value: STORY.targetHost },
        { type: 'user', value: STORY.victimUser },
        { type: 'email', value: STORY.phishSender },
      ],
      hosts: [STORY.victimHost, STORY.targetHost],
    },
    {
      id: 'XDR-2026-001198',
      uid: `incident-${stableUuid(seed, 'incident:adware')}`,
      title: 'Adware bundler blocked on a workstation',
      description: 'A potentially unwanted program was blocked before it ran.',
      severity: 'Low',
      status: 'Open',
      createdAt: new Date(now.getTime() - 20 * 3_600_000),
      eventIds: noiseDetection === undefined ? [] : [noiseDetection.id],
      observables: noiseDetection?.sha256 === undefined ? [] : [{ type: 'sha256', value: noiseDetection.sha256 }],
      hosts: noiseDetection?.host === undefined ? [] : [noiseDetection.host],
    },
    {
      id: 'XDR-2026-001150',
      uid: `incident-${stableUuid(seed, 'incident:scan')}`,
      title: 'Port scan from guest Wi-Fi blocked at the perimeter',
      description: 'Sequential connection attempts from the guest network were refused.',
      severity: 'Medium',
      status: 'Closed',
      createdAt: new Date(now.getTime() - 40 * 3_600_000),
      eventIds: [],
      observables: [{ type: 'ip', value: '192.168.200.17' }],
      hosts: [],
    },
  ];
  return { seed, startedAt: now, story: STORY, inventory, events, domains, incidents };
}

export type { LabHost, LabInventory, ScenarioEvent };
