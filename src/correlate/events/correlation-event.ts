import type { EventClass, EventEntities, SecurityEvent, Severity } from '../../connectors/model/index.js';

/** OCSF class names of our event classes (class_uid is `EVENT_CLASS_UID`). */
export const OCSF_CLASS_NAME: Readonly<Record<EventClass, string>> = {
  detection_finding: 'Detection Finding',
  incident_finding: 'Incident Finding',
  network_activity: 'Network Activity',
  dns_activity: 'DNS Activity',
  process_activity: 'Process Activity',
  file_activity: 'File System Activity',
  authentication: 'Authentication',
  email_activity: 'Email Activity',
  other: 'Other',
};

/** What came of the activity: a logon (`success` / `failure`), a connection or lookup (`allowed` / `blocked`). */
export type EventOutcome = 'success' | 'failure' | 'allowed' | 'blocked';

/** One end of an activity. Hosts are short and lower-case (`srv-db-01`), domains lower-case. */
export interface EventEndpoint {
  ip?: string;
  host?: string;
  port?: number;
  domain?: string;
}

/** The process an event is about (OCSF `process`, with `parent_process.name` as `parentName`). */
export interface EventProcess {
  name?: string;
  commandLine?: string;
  parentName?: string;
}

export interface EventFile {
  name?: string;
  path?: string;
  sha256?: string;
}

/**
 * Sigma's three logsource keys, lower-case. `product` is set only where the platform that wrote
 * the log is certain (`windows` for Windows Security events, `azure` for Entra ID sign-ins), so
 * product-scoped rules are not kept from events whose platform we cannot name (the engine lets an
 * event without `logsource.product` through).
 */
export interface EventLogSource {
  category?: string;
  product?: string;
  service?: string;
}

/** What correlation reads of one event beyond `SecurityEvent`: filled per source (see sources/). */
export interface CorrelationAttributes {
  outcome?: EventOutcome;
  src: EventEndpoint;
  dst: EventEndpoint;
  /** The acting account as `userKey` spells it: lower-case, no domain (`jdoe`, not `CORP\jdoe` or `jdoe@corp…`). */
  user?: string;
  /** The account as the product wrote it, when it differs from `user`. */
  userOriginal?: string;
  /** The host the event is about (short, lower-case). */
  host?: string;
  process?: EventProcess;
  file?: EventFile;
  /** DNS: the name looked up. */
  dnsQuery?: string;
  url?: string;
  /** MITRE ATT&CK technique and tactic, as the product named them. */
  technique?: string;
  tactic?: string;
  logsource: EventLogSource;
  /** The product that wrote the record when it is not the one we read it from (Splunk rows of Secure Firewall). */
  origin?: string;
}

/**
 * An event as correlation sees it: one happening, OCSF-shaped, built on the connectors'
 * `SecurityEvent`s. When several products reported the same happening (the same Windows logon
 * forwarded to Splunk and to Sentinel), their reports are merged into one event, so a count of
 * failed logons counts logons, not copies. `reports` keeps every product record, raw included.
 */
export interface CorrelationEvent extends CorrelationAttributes {
  /** The id of the primary report (`<source>:<product id>`). */
  id: string;
  /** Earliest report time, ISO-8601 UTC, and the same in epoch milliseconds. */
  time: string;
  timeMs: number;
  /** The primary report's class, its OCSF class_uid and name. */
  class: EventClass;
  classUid: number;
  className: string;
  /** Every class the reports gave it (an endpoint product's detection is XDR's process activity). */
  classes: EventClass[];
  /** The highest severity any report gave, and its OCSF severity_id. */
  severity: Severity;
  severityId: number;
  /** The product we read the primary report from. */
  source: string;
  /** Every product that reported it, origins included (`splunk` and `secure-firewall` for an FTD row in Splunk), sorted. */
  sources: string[];
  title: string;
  message?: string;
  /** Union of the reports' entities. */
  entities: EventEntities;
  /** The primary report's product fields as the connector normalised them, gaps filled from the others. */
  fields: SecurityEvent['fields'];
  /** The product reports behind it, primary first (raw records included: untrusted data). */
  reports: SecurityEvent[];
}
