import type { Severity } from '../../connectors/model/index.js';
import { maxSeverity } from './build-timeline.js';
import { isInternalIp, userKey } from './entity-keys.js';
import type { Verdict } from './scope-to-incident.js';
import type { TimelineEntry } from './timeline-entry.js';

/** What enrichment said about the incident's observables; every part optional. */
export interface TimelineEnrichment {
  /** Verdicts by observable value (compared lower-case). */
  verdicts?: ReadonlyMap<string, Verdict>;
}

export type FindingKind =
  | 'phishing'
  | 'suspicious_execution'
  | 'malware_execution'
  | 'credential_dumping'
  | 'brute_force_then_success'
  | 'lateral_movement'
  | 'command_and_control';

/** One timeline entry a finding rests on. */
export interface FindingEvidence {
  entryId: string;
  time: string;
  title: string;
  sources: string[];
  /** The source events (SecurityEvent ids) behind the entry. */
  eventIds: string[];
}

export interface Finding {
  /** Stable: `<kind>:<first evidence entry id>`. */
  id: string;
  kind: FindingKind;
  title: string;
  severity: Severity;
  /** One sentence with counts, accounts, hosts and times. */
  summary: string;
  firstSeen: string;
  lastSeen: string;
  /** Indicators, hosts and accounts involved. */
  entities: { hosts: string[]; users: string[]; indicators: string[] };
  /** MITRE ATT&CK technique ids seen on the evidence. */
  techniques: string[];
  evidence: FindingEvidence[];
}

export interface FindingsOptions {
  /** Fewest failed logons before a success that count as brute force. Default 10. */
  bruteForceMinFailures?: number;
  /** Longest span of the failures and the success after them, in milliseconds. Default 30 minutes. */
  bruteForceWindowMs?: number;
  /** Fewest connections to one indicator that count as beaconing. Default 3. */
  beaconMinConnections?: number;
}

const OFFICE_PROCESSES = /^(winword|excel|powerpnt|outlook|mspub|onenote)\.exe$/i;
const SCRIPT_PROCESSES = /^(powershell|pwsh|cmd|wscript|cscript|mshta|rundll32|regsvr32)\.exe$/i;

/**
 * Deterministic rules over a timeline, each finding citing the entries it rests on:
 * - phishing: email entries with technique T1566 or naming a malicious indicator;
 * - suspicious_execution: an Office process spawning a script host (T1059 with an Office parent);
 * - malware_execution: endpoint entries naming a malicious hash, or critical detections with a hash;
 * - credential_dumping: technique T1003, or LSASS dumps / Mimikatz-like tools;
 * - brute_force_then_success: at least `bruteForceMinFailures` failed logons of one account to one
 *   target, then a success of that account to that target, all within `bruteForceWindowMs`;
 * - lateral_movement: techniques T1021/T1569/T1570, or admin-share (ADMIN$, C$) access over SMB;
 * - command_and_control: network/DNS entries to a malicious domain or public IP, one finding per
 *   indicator, called beaconing when there are at least `beaconMinConnections` connections.
 */
export function findings(timeline: readonly TimelineEntry[], enrichment: TimelineEnrichment = {}, options: FindingsOptions = {}): Finding[] {
  const verdicts = enrichment.verdicts ?? new Map<string, Verdict>();
  const isMalicious = (value: string) => {
    const verdict = verdicts.get(value.toLowerCase());
    return verdict === 'malicious' || verdict === 'suspicious';
  };
  const results: Finding[] = [];

  const phishing = timeline.filter(
    (entry) => entry.class === 'email_activity' && (hasTechnique(entry, 'T1566') || [...entry.entities.hashes, ...entry.entities.domains].some(isMalicious)),
  );
  for (const entry of phishing) {
    results.push(finding('phishing', 'Phishing email delivered', [entry], `Phishing email to ${list(entry.entities.users)} from ${text(entry.fields['email_sender'] ?? entry.fields['sender']) ?? 'an external sender'} at ${entry.time}.`, isMalicious));
  }

  const suspicious = timeline.filter((entry) => {
    const process = text(entry.fields['process']) ?? fileName(entry);
    const parent = text(entry.fields['parent_process']);
    return parent !== undefined && OFFICE_PROCESSES.test(parent) && process !== undefined && SCRIPT_PROCESSES.test(process);
  });
  for (const entry of suspicious) {
    results.push(
      finding('suspicious_execution', 'Office application spawned a script host', [entry], `${text(entry.fields['parent_process'])} started ${text(entry.fields['process']) ?? fileName(entry)} on ${list(entry.entities.hosts)} at ${entry.time}.`, isMalicious),
    );
  }

  const malware = timeline.filter(
    (entry) =>
      ['detection_finding', 'file_activity', 'process_activity'].includes(entry.class) &&
      !isCredentialDumping(entry) &&
      (entry.entities.hashes.some(isMalicious) || (entry.class === 'detection_finding' && entry.severity === 'critical' && entry.entities.hashes.length > 0)),
  );
  if (malware.length > 0) {
    const hashes = [...new Set(malware.flatMap((entry) => entry.entities.hashes))];
    results.push(finding('malware_execution', 'Malware executed', malware, `Malicious file ${list(hashes.map((hash) => hash.slice(0, 12)))} ran on ${list(unique(malware.flatMap((entry) => entry.entities.hosts)))} (${malware.length} reports from ${malware[0]!.time}).`, isMalicious));
  }

  const dumping = timeline.filter(isCredentialDumping);
  if (dumping.length > 0) {
    results.push(finding('credential_dumping', 'Credential dumping', dumping, `Credential theft on ${list(unique(dumping.flatMap((entry) => entry.entities.hosts)))}: ${list(unique(dumping.map((entry) => entry.title)))}.`, isMalicious));
  }

  results.push(...bruteForce(timeline, options, isMalicious));

  const lateral = timeline.filter(
    (entry) => hasTechnique(entry, 'T1021') || hasTechnique(entry, 'T1569') || hasTechnique(entry, 'T1570') || /\\(admin|c)\$/i.test(text(entry.fields['share']) ?? '') || /lateral movement/i.test(entry.title),
  );
  if (lateral.length > 0) {
    results.push(finding('lateral_movement', 'Lateral movement', lateral, `Lateral movement ${list(unique(lateral.map((entry) => entry.title)))} involving ${list(unique(lateral.flatMap((entry) => entry.entities.hosts)))}.`, isMalicious));
  }

  results.push(...commandAndControl(timeline, options, isMalicious));
  return results.sort((a, b) => Date.parse(a.firstSeen) - Date.parse(b.firstSeen) || a.id.localeCompare(b.id));
}

function bruteForce(timeline: readonly TimelineEntry[], options: FindingsOptions, isMalicious: (value: string) => boolean): Finding[] {
  const minFailures = options.bruteForceMinFailures ?? 10;
  const windowMs = options.bruteForceWindowMs ?? 30 * 60_000;
  const logons = timeline.filter((entry) => entry.class === 'authentication');
  const targetOf = (entry: TimelineEntry) => `${text(entry.fields['user']) === undefined ? '' : userKey(text(entry.fields['user'])!)}\u0000${text(entry.fields['host']) ?? text(entry.fields['dst_ip']) ?? ''}`;
  const results: Finding[] = [];
  const used = new Set<TimelineEntry>();
  for (const success of logons.filter((entry) => entry.fields['outcome'] === 'success')) {
    const key = targetOf(success);
    const successMs = Date.parse(success.time);
    const failures = logons.filter(
      (entry) => !used.has(entry) && entry.fields['outcome'] === 'failure' && targetOf(entry) === key && Date.parse(entry.time) <= successMs && successMs - Date.parse(entry.time) <= windowMs,
    );
    if (failures.length < minFailures) continue;
    for (const entry of failures) used.add(entry);
    const user = text(success.fields['user']) ?? 'an account';
    const target = text(success.fields['host']) ?? text(success.fields['dst_ip']) ?? 'a host';
    const from = unique([...failures, success].map((entry) => text(entry.fields['src_ip'])).filter((value): value is string => value !== undefined));
    results.push(
      finding(
        'brute_force_then_success',
        'Brute force then successful logon',
        [...failures, success],
        `${failures.length} failed logons of ${user} to ${target}${from.length === 0 ? '' : ` from ${list(from)}`} between ${failures[0]!.time} and ${failures.at(-1)!.time}, then a success at ${success.time}.`,
        isMalicious,
        'high',
      ),
    );
  }
  return results;
}

function commandAndControl(timeline: readonly TimelineEntry[], options: FindingsOptions, isMalicious: (value: string) => boolean): Finding[] {
  const minConnections = options.beaconMinConnections ?? 3;
  const byIndicator = new Map<string, TimelineEntry[]>();
  for (const entry of timeline) {
    if (entry.class !== 'network_activity' && entry.class !== 'dns_activity') continue;
    const indicators = [...entry.entities.domains, ...entry.entities.ips.filter((ip) => !isInternalIp(ip))].filter(isMalicious);
    for (const indicator of indicators) {
      const list = byIndicator.get(indicator) ?? [];
      list.push(entry);
      byIndicator.set(indicator, list);
    }
  }
  const results: Finding[] = [];
  for (const [indicator, entries] of byIndicator) {
    const connections = entries.filter((entry) => entry.class === 'network_activity');
    const beaconing = connections.length >= minConnections;
    results.push(
      finding(
        'command_and_control',
        `${beaconing ? 'Beaconing' : 'Traffic'} to malicious ${indicator.includes(':') || /^\d/.test(indicator) ? 'address' : 'domain'} ${indicator}`,
        entries,
        `${connections.length} connection(s) and ${entries.length - connections.length} DNS lookup(s) involving ${indicator} from ${list(unique(entries.flatMap((entry) => entry.entities.hosts)))} between ${entries[0]!.time} and ${entries.at(-1)!.lastTime}.`,
        isMalicious,
        'high',
      ),
    );
  }
  return results;
}

function isCredentialDumping(entry: TimelineEntry): boolean {
  const haystack = [entry.title, text(entry.fields['command_line']), text(entry.fields['process'])].filter(Boolean).join(' ');
  return hasTechnique(entry, 'T1003') || /lsass|mimikatz|credential (dump|theft)/i.test(haystack);
}

function finding(kind: FindingKind, title: string, entries: TimelineEntry[], summary: string, isMalicious: (value: string) => boolean, floor?: Severity): Finding {
  const sorted = [...entries].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id));
  // Public IPs only when a verdict says so: egress and CDN addresses are on everyone's events.
  const indicators = unique(
    sorted.flatMap((entry) => [...entry.entities.hashes, ...entry.entities.domains, ...entry.entities.urls, ...entry.entities.ips.filter((ip) => !isInternalIp(ip) && isMalicious(ip))]),
  );
  return {
    id: `${kind}:${sorted[0]!.id}`,
    kind,
    title,
    severity: maxSeverity([...sorted.map((entry) => entry.severity), floor ?? 'info']),
    summary,
    firstSeen: sorted[0]!.time,
    lastSeen: sorted.at(-1)!.lastTime,
    entities: {
      hosts: unique(sorted.flatMap((entry) => entry.entities.hosts)),
      users: unique(sorted.flatMap((entry) => entry.entities.users.map(userKey))),
      indicators,
    },
    techniques: unique(sorted.flatMap((entry) => techniquesOf(entry))),
    evidence: sorted.map((entry) => ({ entryId: entry.id, time: entry.time, title: entry.title, sources: entry.sources, eventIds: entry.evidence.map((reference) => reference.eventId) })),
  };
}

function techniquesOf(entry: TimelineEntry): string[] {
  const value = text(entry.fields['technique']);
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter((item) => /^T\d{4}/.test(item));
}

function hasTechnique(entry: TimelineEntry, prefix: string): boolean {
  return techniquesOf(entry).some((technique) => technique === prefix || technique.startsWith(`${prefix}.`));
}

function fileName(entry: TimelineEntry): string | undefined {
  return text(entry.fields['file_name']);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'unknown' : values.join(', ');
}
