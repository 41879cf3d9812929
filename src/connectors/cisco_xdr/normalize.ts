import { EVENT_CLASS_UID, entitiesOf, severityFrom, type EventClass, type EventEntities, type SecurityEvent } from '../model/index.js';
import { ctiaShortId } from './ctia-id.js';
import { observableSchema, type Observable, type XdrIncident, type XdrSighting } from './schemas.js';

const SOURCE = 'cisco-xdr';

/** Sorts CTIM observables into event entities (hosts, users, IPs, domains, hashes, URLs). */
export function entitiesFromObservables(observables: readonly Observable[]): EventEntities {
  const of = (...types: string[]) => observables.filter((observable) => types.includes(observable.type)).map((observable) => observable.value);
  return entitiesOf({
    hosts: of('hostname'),
    users: of('user'),
    ips: of('ip', 'ipv6'),
    domains: of('domain'),
    hashes: of('sha256', 'sha1', 'md5'),
    urls: of('url'),
  });
}

/** The observables the lab (and XDR incident summaries) keep in `meta.observables`; tolerant of anything else. */
function incidentObservables(incident: XdrIncident): Observable[] {
  const listed = incident.meta?.['observables'];
  if (!Array.isArray(listed)) return [];
  return listed.flatMap((item) => {
    const parsed = observableSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** XDR incident → incident finding (OCSF 2005). The external id (e.g. XDR-2026-001234) is kept in `fields.incident_id`. */
export function normalizeIncident(incident: XdrIncident): SecurityEvent {
  const shortId = ctiaShortId(incident.id, 'incident') ?? incident.id;
  const observables = incidentObservables(incident);
  const assets = incident.meta?.['assets'];
  const entities = entitiesFromObservables([
    ...observables,
    ...(Array.isArray(assets) ? assets.filter((asset): asset is string => typeof asset === 'string').map((value) => ({ type: 'hostname', value })) : []),
  ]);
  const emails = observables.filter((observable) => observable.type === 'email').map((observable) => observable.value);
  return {
    id: `${SOURCE}:${shortId}`,
    time: isoTime(incident.incident_time?.opened ?? incident.incident_time?.discovered ?? incident.timestamp),
    class: 'incident_finding',
    classUid: EVENT_CLASS_UID.incident_finding,
    severity: severityFrom(incident.severity),
    source: SOURCE,
    title: incident.title ?? shortId,
    ...(incident.description === undefined ? {} : { message: incident.description }),
    entities,
    fields: {
      incident_id: incident.external_ids?.[0] ?? shortId,
      xdr_id: shortId,
      status: incident.status ?? null,
      confidence: incident.confidence ?? null,
      detection_source: incident.source ?? null,
      technique: incident.techniques?.join(',') ?? null,
      tactic: incident.tactics?.join(',') ?? null,
      host: entities.hosts[0] ?? null,
      user: entities.users[0] ?? null,
      email: emails[0] ?? null,
    },
    raw: incident,
  };
}

/** What kind of activity a sighting describes, when its data table says (`kind` column). */
const KIND_CLASS: Record<string, EventClass> = {
  process: 'process_activity',
  network: 'network_activity',
  smb: 'network_activity',
  dns: 'dns_activity',
  file: 'file_activity',
  email: 'email_activity',
  logon: 'authentication',
  signin: 'authentication',
  detection: 'detection_finding',
};

/** CTIM sighting → SecurityEvent; the class follows the sighting's data `kind`, defaulting to a detection finding. */
export function normalizeSighting(sighting: XdrSighting): SecurityEvent {
  const targetObservables = (sighting.targets ?? []).flatMap((target) => target.observables ?? []);
  const observables = [...(sighting.observables ?? []), ...targetObservables];
  const fields: SecurityEvent['fields'] = {};
  const columns = sighting.data?.columns ?? [];
  const row = sighting.data?.rows?.[0] ?? [];
  columns.forEach((column, index) => {
    const value = row[index];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[column.name] = value;
  });
  const host = targetObservables.find((observable) => observable.type === 'hostname')?.value;
  const targetIp = targetObservables.find((observable) => observable.type === 'ip')?.value;
  const user = observables.find((observable) => observable.type === 'user')?.value;
  const kind = typeof fields['kind'] === 'string' ? fields['kind'] : undefined;
  const eventClass = (kind === undefined ? undefined : KIND_CLASS[kind]) ?? 'detection_finding';
  const entities = entitiesFromObservables(observables);
  const shortId = ctiaShortId(sighting.id, 'sighting') ?? sighting.id;
  return {
    id: `${SOURCE}:${shortId}`,
    time: isoTime(sighting.observed_time?.start_time ?? sighting.timestamp),
    class: eventClass,
    classUid: EVENT_CLASS_UID[eventClass],
    severity: severityFrom(sighting.severity),
    source: SOURCE,
    title: sighting.title ?? 'Sighting',
    ...(sighting.description === undefined ? {} : { message: sighting.description }),
    entities,
    fields: {
      ...fields,
      detection_source: sighting.source ?? null,
      sensor: sighting.sensor ?? null,
      host: host === undefined ? (fields['host'] ?? null) : host.toLowerCase().split('.')[0]!,
      src_ip: fields['src_ip'] ?? targetIp ?? null,
      user: fields['user'] ?? user ?? null,
      confidence: sighting.confidence ?? null,
    },
    raw: sighting,
  };
}

/** ISO-8601 UTC of a CTIM timestamp; the epoch when missing or unreadable, so sorting stays defined. */
function isoTime(value: string | undefined): string {
  const parsed = value === undefined ? Number.NaN : Date.parse(value);
  return new Date(Number.isNaN(parsed) ? 0 : parsed).toISOString();
}
