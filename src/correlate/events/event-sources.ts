import { UsageError } from '../../core/errors/index.js';
import { closest } from '../../core/suggest.js';

/**
 * Where correlation reads events, by the names `--sources` takes (those of `SecurityEvent.source`).
 * `secure-firewall`: FMC has no events API, so its connection events are read where they are
 * forwarded — Splunk rows of sourcetype cisco:ftd (origin `secure-firewall`).
 */
export const EVENT_SOURCES = ['cisco-xdr', 'secure-endpoint', 'crowdstrike', 'splunk', 'sentinel', 'umbrella', 'secure-firewall'] as const;
export type EventSourceName = (typeof EVENT_SOURCES)[number];

/** The integration (config) each source needs. */
export const SOURCE_INTEGRATION: Readonly<Record<EventSourceName, string>> = {
  'cisco-xdr': 'cisco-xdr',
  'secure-endpoint': 'secure-endpoint',
  crowdstrike: 'crowdstrike',
  splunk: 'splunk',
  sentinel: 'sentinel',
  umbrella: 'umbrella',
  'secure-firewall': 'splunk',
};

/** SIEMs: push-down writes their queries; the other sources are read whole. */
export const SIEM_SOURCES: ReadonlySet<EventSourceName> = new Set(['splunk', 'sentinel', 'secure-firewall']);

/** Every read-only tool a correlation or a pivot may call (the caller's whole profile). */
export const EVENT_TOOLS = [
  'cisco_xdr.search_incidents',
  'cisco_xdr.get_events',
  'secure_endpoint.list_events',
  'crowdstrike.list_alerts',
  'splunk.search',
  'sentinel.query',
  'umbrella.activity',
] as const;

/** One read of a source's events in a window. */
export interface SourceRead {
  source: EventSourceName;
  tool: (typeof EVENT_TOOLS)[number];
  input: Record<string, unknown>;
  /** Short label, e.g. `SecurityEvent`, `hostname workstation-042`. */
  subject: string;
  /** The most records it asks for: a result this long may be cut. */
  limit: number;
}

/** Most records each source is asked for. */
export const READ_LIMITS = { endpointEvents: 5000, alerts: 5000, siemRows: 50_000, dnsRows: 5000, incidents: 1000, sightings: 5000 } as const;

/** Parses `--sources a,b` (names as in EVENT_SOURCES); UsageError with a suggestion for an unknown one. */
export function parseSources(names: readonly string[]): EventSourceName[] {
  const chosen: EventSourceName[] = [];
  for (const raw of names.flatMap((name) => name.split(','))) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (!(EVENT_SOURCES as readonly string[]).includes(name)) {
      const suggestion = closest(name, EVENT_SOURCES);
      throw new UsageError(`--sources: unknown source "${name.slice(0, 40)}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}; sources: ${EVENT_SOURCES.join(', ')}`);
    }
    if (!chosen.includes(name as EventSourceName)) chosen.push(name as EventSourceName);
  }
  if (chosen.length === 0) throw new UsageError(`--sources: name at least one of ${EVENT_SOURCES.join(', ')}`);
  return chosen;
}

/**
 * The reads that pull every event of `sources` in the last `windowSeconds` (XDR's sightings are
 * read per host of its incidents afterwards: see `xdrSightingReads`). `secure-firewall` is left
 * out when `splunk` is read whole anyway. SIEMs in `skip` (push-down) are not read here.
 */
export function planSourceReads(sources: readonly EventSourceName[], windowSeconds: number, skip: ReadonlySet<EventSourceName> = new Set()): SourceRead[] {
  const hours = windowSeconds / 3600;
  const reads: SourceRead[] = [];
  const wanted = (source: EventSourceName) => sources.includes(source) && !skip.has(source);
  if (wanted('cisco-xdr')) {
    reads.push({ source: 'cisco-xdr', tool: 'cisco_xdr.search_incidents', input: { since_hours: hours, limit: READ_LIMITS.incidents }, subject: 'incidents', limit: READ_LIMITS.incidents });
  }
  if (wanted('secure-endpoint')) {
    reads.push({ source: 'secure-endpoint', tool: 'secure_endpoint.list_events', input: { since_hours: Math.min(hours, 2160), limit: READ_LIMITS.endpointEvents }, subject: 'events', limit: READ_LIMITS.endpointEvents });
  }
  if (wanted('crowdstrike')) {
    reads.push({ source: 'crowdstrike', tool: 'crowdstrike.list_alerts', input: { since: `${windowSeconds}s`, limit: READ_LIMITS.alerts }, subject: 'alerts', limit: READ_LIMITS.alerts });
  }
  const splunk = (subject: string, query: string, source: EventSourceName) =>
    reads.push({ source, tool: 'splunk.search', input: { query, earliest: `-${windowSeconds}s`, latest: 'now', max_results: READ_LIMITS.siemRows, mode: 'export' }, subject, limit: READ_LIMITS.siemRows });
  if (wanted('splunk')) splunk('every index', 'search index=*', 'splunk');
  else if (wanted('secure-firewall')) splunk('Secure Firewall (cisco:ftd)', 'search sourcetype="cisco:ftd*"', 'secure-firewall');
  if (wanted('sentinel')) {
    for (const table of ['SecurityEvent', 'SigninLogs']) {
      reads.push({ source: 'sentinel', tool: 'sentinel.query', input: { query: table, timespan: `${windowSeconds}s`, max_rows: READ_LIMITS.siemRows }, subject: table, limit: READ_LIMITS.siemRows });
    }
  }
  if (wanted('umbrella')) {
    reads.push({ source: 'umbrella', tool: 'umbrella.activity', input: { since_hours: Math.min(hours, 720), limit: READ_LIMITS.dnsRows }, subject: 'DNS activity', limit: READ_LIMITS.dnsRows });
  }
  return reads;
}

/** XDR's sightings of the hosts its incidents name (XDR serves sightings per observable). */
export function xdrSightingReads(hosts: readonly string[], windowSeconds: number, maxHosts = 25): SourceRead[] {
  return hosts.slice(0, maxHosts).map((host) => ({
    source: 'cisco-xdr' as const,
    tool: 'cisco_xdr.get_events' as const,
    input: { observable_type: 'hostname', observable_value: host, since_hours: windowSeconds / 3600, limit: READ_LIMITS.sightings },
    subject: `hostname ${host}`,
    limit: READ_LIMITS.sightings,
  }));
}
