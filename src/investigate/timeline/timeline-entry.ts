import type { EventClass, EventEntities, SecurityEvent, Severity } from '../../connectors/model/index.js';

/** One source event behind a timeline entry: enough to find it again in its product. */
export interface EvidenceReference {
  /** The SecurityEvent id (`<source>:<the product's id>`). */
  eventId: string;
  /** The product that reported it, e.g. `splunk`, `secure-endpoint`. */
  source: string;
  /** The product behind the record when it differs from `source` (Splunk rows of Secure Firewall: `secure-firewall`). */
  origin?: string;
  /** ISO-8601 UTC time as that product reported it. */
  time: string;
}

/**
 * One happening on the incident timeline: every product's report of it merged into one entry
 * (see `buildTimeline` for the merge key).
 */
export interface TimelineEntry {
  /** Stable id: the id of the entry's primary event. */
  id: string;
  /** Earliest report time, ISO-8601 UTC. */
  time: string;
  /** Latest report time (differs from `time` only by product clock skew and rounding). */
  lastTime: string;
  class: EventClass;
  /** The highest severity any product gave it. */
  severity: Severity;
  /** Title of the primary event (the most descriptive source). */
  title: string;
  /** Every product that reported it, sorted. */
  sources: string[];
  /** Union of the entities every report named. */
  entities: EventEntities;
  /** Flat fields: the primary event's, then any field only another report had. */
  fields: SecurityEvent['fields'];
  /** The source events merged into this entry, oldest first. */
  evidence: EvidenceReference[];
}
