/**
 * A security event from any product, normalised on the lines of OCSF: a class, a time, a
 * severity, the product it came from, the entities it names and the raw record.
 */
export type EventClass =
  | 'detection_finding'
  | 'incident_finding'
  | 'network_activity'
  | 'dns_activity'
  | 'process_activity'
  | 'file_activity'
  | 'authentication'
  | 'email_activity'
  | 'other';

/** OCSF class_uid of each class. */
export const EVENT_CLASS_UID: Record<EventClass, number> = {
  detection_finding: 2004,
  incident_finding: 2005,
  network_activity: 4001,
  dns_activity: 4003,
  process_activity: 1007,
  file_activity: 1001,
  authentication: 3002,
  email_activity: 4009,
  other: 0,
};

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** OCSF severity_id of each severity. */
export const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export interface EventEntities {
  hosts: string[];
  users: string[];
  ips: string[];
  domains: string[];
  hashes: string[];
  urls: string[];
}

export interface SecurityEvent {
  /** Stable id: `<source>:<the product's id>`. */
  id: string;
  /** ISO-8601 UTC. */
  time: string;
  class: EventClass;
  classUid: number;
  severity: Severity;
  /** e.g. `cisco-xdr`, `secure-endpoint`, `crowdstrike`, `splunk`, `sentinel`, `umbrella`, `secure-firewall`. */
  source: string;
  title: string;
  message?: string;
  entities: EventEntities;
  /**
   * Flat fields for rules and display (`src_ip`, `dst_ip`, `dst_port`, `user`, `host`, `process`,
   * `parent_process`, `command_line`, `event_code`, `outcome`, `domain`, `technique`, …).
   */
  fields: Record<string, string | number | boolean | null>;
  /** The product's record as received (untrusted data). */
  raw: unknown;
}

export function emptyEntities(): EventEntities {
  return { hosts: [], users: [], ips: [], domains: [], hashes: [], urls: [] };
}

/** Builds the entities object from possibly missing values, de-duplicated, hosts lower-case short. */
export function entitiesOf(values: Partial<Record<keyof EventEntities, Array<string | undefined | null>>>): EventEntities {
  const clean = (items: Array<string | undefined | null> | undefined, normalise: (value: string) => string = (value) => value) =>
    [...new Set((items ?? []).filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => normalise(item.trim())))];
  return {
    hosts: clean(values.hosts, (value) => value.toLowerCase().split('.')[0]!),
    users: clean(values.users, (value) => value.toLowerCase()),
    ips: clean(values.ips),
    domains: clean(values.domains, (value) => value.toLowerCase().replace(/\.$/, '')),
    hashes: clean(values.hashes, (value) => value.toLowerCase()),
    urls: clean(values.urls),
  };
}

/** Maps product severities (names or CrowdStrike-style 0–100 scores) to ours. */
export function severityFrom(value: string | number | undefined | null): Severity {
  if (typeof value === 'number') {
    if (value >= 80) return 'critical';
    if (value >= 60) return 'high';
    if (value >= 40) return 'medium';
    if (value >= 20) return 'low';
    return 'info';
  }
  switch ((value ?? '').toString().toLowerCase()) {
    case 'critical':
    case 'fatal':
      return 'critical';
    case 'high':
    case 'error':
      return 'high';
    case 'medium':
    case 'warning':
      return 'medium';
    case 'low':
      return 'low';
    default:
      return 'info';
  }
}
