import { EVENT_CLASS_UID, entitiesOf, type EventClass, type EventEntities, type SecurityEvent, type Severity } from '../../../src/connectors/model/index.js';

const BASE_MS = Date.parse('2026-03-01T09:00:00.000Z');

/** ISO time `seconds` after 09:00:00 UTC. */
export function at(seconds: number): string {
  return new Date(BASE_MS + seconds * 1000).toISOString();
}

/** A SecurityEvent with only what a test cares about. */
export function securityEvent(options: {
  id: string;
  seconds: number;
  source: string;
  eventClass?: EventClass;
  severity?: Severity;
  title?: string;
  entities?: Partial<Record<keyof EventEntities, string[]>>;
  fields?: SecurityEvent['fields'];
}): SecurityEvent {
  const eventClass = options.eventClass ?? 'other';
  return {
    id: options.id,
    time: at(options.seconds),
    class: eventClass,
    classUid: EVENT_CLASS_UID[eventClass],
    severity: options.severity ?? 'info',
    source: options.source,
    title: options.title ?? options.id,
    entities: entitiesOf(options.entities ?? {}),
    fields: options.fields ?? {},
    raw: {},
  };
}

/** One Windows logon as Splunk and Sentinel both report it. */
export function logonPair(index: number, seconds: number, options: { user: string; from: string; fromHost: string; to: string; outcome: 'success' | 'failure' }): SecurityEvent[] {
  const common = {
    seconds,
    eventClass: 'authentication' as const,
    severity: options.outcome === 'failure' ? ('low' as const) : ('info' as const),
    entities: { hosts: [options.to, options.fromHost], users: [options.user], ips: [options.from] },
  };
  const fields = { user: options.user, host: options.to, src_ip: options.from, outcome: options.outcome };
  return [
    securityEvent({ ...common, id: `splunk:wineventlog:${index}`, source: 'splunk', title: options.outcome === 'failure' ? 'An account failed to log on' : 'An account was successfully logged on', fields }),
    securityEvent({ ...common, id: `sentinel:securityevent:${index}`, source: 'sentinel', title: options.outcome === 'failure' ? '4625 - An account failed to log on.' : '4624 - An account was successfully logged on.', fields: { ...fields, user: options.user } }),
  ];
}
