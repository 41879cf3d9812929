import { SEVERITY_ID, emptyEntities, type EventClass, type EventEntities, type SecurityEvent, type Severity } from '../../connectors/model/index.js';
import { reporterOf, timeOf, userKey } from './entity-keys.js';
import type { EvidenceReference, TimelineEntry } from './timeline-entry.js';

export interface BuildTimelineOptions {
  /**
   * Reports of one happening by different products at most this far apart are merged, in
   * milliseconds. Default 5000: Secure Endpoint rounds times down to the second and product
   * clocks drift by a second or two; distinct repeats (the failed logons) are ~15 s apart.
   */
  mergeWindowMs?: number;
}

const DEFAULT_MERGE_WINDOW_MS = 5_000;

/**
 * Classes that can describe the same happening from different vantage points. An endpoint
 * product calls a malicious process a detection finding where XDR calls it process activity;
 * a DNS lookup and the connection after it stay distinct.
 */
const MERGE_FAMILY: Record<EventClass, string> = {
  detection_finding: 'endpoint',
  process_activity: 'endpoint',
  file_activity: 'endpoint',
  other: 'endpoint',
  network_activity: 'network',
  dns_activity: 'dns',
  authentication: 'authentication',
  email_activity: 'email',
  incident_finding: 'incident',
};

/** Whose title and fields lead an entry: the products whose records say most about what happened first. */
const SOURCE_RANK = ['cisco-xdr', 'crowdstrike', 'secure-endpoint', 'splunk', 'sentinel', 'umbrella', 'secure-firewall'];

interface OpenEntry {
  events: SecurityEvent[];
  reporters: Set<string>;
  firstMs: number;
  family: string;
}

/**
 * Orders, de-duplicates and merges events from every source into one timeline.
 *
 * Exact duplicates (same event id, e.g. one XDR sighting returned for two observables) are
 * dropped. Reports from *different* products merge into one entry when all of these hold —
 * the merge key:
 * - times within `mergeWindowMs` of the entry's first report;
 * - the same class family (endpoint: detection/process/file; network; dns; authentication; email);
 * - they share at least one entity (host, user, IP, domain, hash or URL);
 * - nothing contradicts: when both name users, a user in common; when both name hashes, a hash in
 *   common; for authentication, the same outcome (a failure never merges with a success).
 *
 * An entry holds at most one report per product (Splunk rows of Secure Firewall data count as
 * Secure Firewall): a product does not report one happening twice, so two records of one product
 * are two happenings — the 40 failed logons stay 40 entries even when identical apart from time.
 * Where several entries would take an event, the one sharing most entities wins, then the
 * nearest in time. Entries are ordered by time, ties by source then id.
 */
export function buildTimeline(events: readonly SecurityEvent[], options: BuildTimelineOptions = {}): TimelineEntry[] {
  const windowMs = options.mergeWindowMs ?? DEFAULT_MERGE_WINDOW_MS;
  const unique = [...new Map(events.map((event) => [event.id, event])).values()];
  unique.sort(compareEvents);
  const open: OpenEntry[] = [];
  for (const event of unique) {
    const eventMs = timeOf(event);
    const reporter = reporterOf(event);
    const family = MERGE_FAMILY[event.class];
    let best: { entry: OpenEntry; shared: number; distance: number } | undefined;
    // Entries are created in time order: walk back only while they can still be in the window.
    for (let index = open.length - 1; index >= 0 && eventMs - open[index]!.firstMs <= windowMs; index -= 1) {
      const entry = open[index]!;
      if (entry.family !== family || entry.reporters.has(reporter)) continue;
      const shared = mergeScore(entry.events, event);
      if (shared === 0) continue;
      const distance = Math.abs(eventMs - entry.firstMs);
      if (best === undefined || shared > best.shared || (shared === best.shared && distance < best.distance)) best = { entry, shared, distance };
    }
    if (best === undefined) {
      open.push({ events: [event], reporters: new Set([reporter]), firstMs: eventMs, family });
    } else {
      best.entry.events.push(event);
      best.entry.reporters.add(reporter);
    }
  }
  return open.map(toEntry).sort(compareEntries);
}

/** Entities the event shares with every report already in the entry; 0 when it must not merge. */
function mergeScore(entryEvents: readonly SecurityEvent[], event: SecurityEvent): number {
  let total = 0;
  for (const other of entryEvents) {
    if (contradicts(other, event)) return 0;
    total += sharedEntities(other.entities, event.entities);
  }
  return total;
}

function contradicts(a: SecurityEvent, b: SecurityEvent): boolean {
  const usersA = a.entities.users.map(userKey);
  const usersB = b.entities.users.map(userKey);
  if (usersA.length > 0 && usersB.length > 0 && !usersA.some((user) => usersB.includes(user))) return true;
  if (a.entities.hashes.length > 0 && b.entities.hashes.length > 0 && !a.entities.hashes.some((hash) => b.entities.hashes.includes(hash))) return true;
  if (a.class === 'authentication' && b.class === 'authentication') {
    const outcomeA = a.fields['outcome'];
    const outcomeB = b.fields['outcome'];
    if (outcomeA !== undefined && outcomeA !== null && outcomeB !== undefined && outcomeB !== null && outcomeA !== outcomeB) return true;
  }
  return false;
}

function sharedEntities(a: EventEntities, b: EventEntities): number {
  const count = (left: string[], right: string[]) => left.filter((value) => right.includes(value)).length;
  return (
    count(a.hosts, b.hosts) +
    count(a.users.map(userKey), b.users.map(userKey)) +
    count(a.ips, b.ips) +
    count(a.domains, b.domains) +
    count(a.hashes, b.hashes) +
    count(a.urls, b.urls)
  );
}

function toEntry(open: OpenEntry): TimelineEntry {
  const events = [...open.events].sort(compareEvents);
  const primary = [...events].sort((a, b) => sourceRank(a.source) - sourceRank(b.source) || compareEvents(a, b))[0]!;
  const fields: SecurityEvent['fields'] = { ...primary.fields };
  for (const event of events) {
    for (const [key, value] of Object.entries(event.fields)) if ((fields[key] === undefined || fields[key] === null) && value !== null) fields[key] = value;
  }
  const evidence: EvidenceReference[] = events.map((event) => {
    const reporter = reporterOf(event);
    return { eventId: event.id, source: event.source, ...(reporter === event.source ? {} : { origin: reporter }), time: event.time };
  });
  return {
    id: primary.id,
    time: events[0]!.time,
    lastTime: events.at(-1)!.time,
    class: primary.class,
    severity: maxSeverity(events.map((event) => event.severity)),
    title: primary.title,
    sources: [...new Set(events.map((event) => event.source))].sort(),
    entities: unionEntities(events.map((event) => event.entities)),
    fields,
    evidence,
  };
}

export function unionEntities(list: readonly EventEntities[]): EventEntities {
  const union = emptyEntities();
  for (const entities of list) {
    for (const key of Object.keys(union) as Array<keyof EventEntities>) {
      for (const value of entities[key]) if (!union[key].includes(value)) union[key].push(value);
    }
  }
  return union;
}

export function maxSeverity(severities: readonly Severity[]): Severity {
  return severities.reduce<Severity>((worst, severity) => (SEVERITY_ID[severity] > SEVERITY_ID[worst] ? severity : worst), 'info');
}

function sourceRank(source: string): number {
  const index = SOURCE_RANK.indexOf(source);
  return index < 0 ? SOURCE_RANK.length : index;
}

function compareEvents(a: SecurityEvent, b: SecurityEvent): number {
  return timeOf(a) - timeOf(b) || a.source.localeCompare(b.source) || a.id.localeCompare(b.id);
}

function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return Date.parse(a.time) - Date.parse(b.time) || (a.sources[0] ?? '').localeCompare(b.sources[0] ?? '') || a.id.localeCompare(b.id);
}
