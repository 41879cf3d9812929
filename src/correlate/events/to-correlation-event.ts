import { EVENT_CLASS_UID, SEVERITY_ID, type EventClass, type SecurityEvent } from '../../connectors/model/index.js';
import { buildTimeline, maxSeverityOf, unionEntitiesOf } from './timeline-merge.js';
import { OCSF_CLASS_NAME, type CorrelationAttributes, type CorrelationEvent, type EventEndpoint } from './correlation-event.js';
import { attributesOf } from './sources/index.js';

/** One product report as a correlation event (no merging). */
export function toCorrelationEvent(report: SecurityEvent): CorrelationEvent {
  return fromReports([report]);
}

/**
 * Product reports as correlation events, one per happening: reports of the same happening by
 * different products are merged with the investigation timeline's merge key (`buildTimeline`:
 * close in time, same class family, a shared entity, nothing contradicting, at most one report
 * per product). Exact duplicates (same id) are dropped. Oldest first.
 */
export function toCorrelationEvents(reports: readonly SecurityEvent[]): CorrelationEvent[] {
  const byId = new Map(reports.map((report) => [report.id, report]));
  return buildTimeline([...byId.values()]).map((entry) => {
    const primary = byId.get(entry.id)!;
    const others = entry.evidence.map((evidence) => byId.get(evidence.eventId)!).filter((report) => report !== primary);
    return fromReports([primary, ...others]);
  });
}

/** A correlation event from reports of one happening, primary first. */
function fromReports(reports: readonly SecurityEvent[]): CorrelationEvent {
  const primary = reports[0]!;
  const attributes = mergeAttributes(reports.map(attributesOf));
  const times = reports.map((report) => timeOf(report.time));
  const timeMs = Math.min(...times);
  const fields: SecurityEvent['fields'] = { ...primary.fields };
  for (const report of reports.slice(1)) {
    for (const [key, value] of Object.entries(report.fields)) if ((fields[key] === undefined || fields[key] === null) && value !== null) fields[key] = value;
  }
  const severity = maxSeverityOf(reports.map((report) => report.severity));
  const sources = new Set<string>();
  for (const report of reports) {
    sources.add(report.source);
    const origin = report.fields['origin'];
    if (typeof origin === 'string' && origin !== '') sources.add(origin);
  }
  return {
    ...attributes,
    id: primary.id,
    time: new Date(timeMs).toISOString(),
    timeMs,
    class: primary.class,
    classUid: EVENT_CLASS_UID[primary.class],
    className: OCSF_CLASS_NAME[primary.class],
    classes: [...new Set<EventClass>(reports.map((report) => report.class))],
    severity,
    severityId: SEVERITY_ID[severity],
    source: primary.source,
    sources: [...sources].sort(),
    title: primary.title,
    ...(primary.message === undefined ? {} : { message: primary.message }),
    entities: unionEntitiesOf(reports.map((report) => report.entities)),
    fields,
    reports: [...reports],
  };
}

/** The primary report's attributes, each missing one taken from the next report that has it. */
function mergeAttributes(list: readonly CorrelationAttributes[]): CorrelationAttributes {
  const [first, ...rest] = list as [CorrelationAttributes, ...CorrelationAttributes[]];
  const merged: CorrelationAttributes = { ...first, src: { ...first.src }, dst: { ...first.dst }, logsource: { ...first.logsource } };
  for (const other of rest) {
    fillEndpoint(merged.src, other.src);
    fillEndpoint(merged.dst, other.dst);
    for (const key of ['outcome', 'user', 'userOriginal', 'host', 'dnsQuery', 'url', 'technique', 'tactic'] as const) {
      if (merged[key] === undefined && other[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = other[key];
    }
    if (other.process !== undefined) merged.process = { ...other.process, ...merged.process };
    if (other.file !== undefined) merged.file = { ...other.file, ...merged.file };
  }
  return merged;
}

function fillEndpoint(target: EventEndpoint, source: EventEndpoint): void {
  for (const key of ['ip', 'host', 'port', 'domain'] as const) if (target[key] === undefined && source[key] !== undefined) (target as Record<string, unknown>)[key] = source[key];
}

function timeOf(time: string): number {
  const parsed = Date.parse(time);
  return Number.isNaN(parsed) ? 0 : parsed;
}
