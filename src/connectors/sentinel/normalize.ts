import { createHash } from 'node:crypto';
import { EVENT_CLASS_UID, entitiesOf, severityFrom, shortHostname, type SecurityEvent, type Severity } from '../model/index.js';
import type { LogAnalyticsTable, SentinelIncident } from './schemas.js';

/** One result row keyed by column name (Log Analytics returns rows positionally). */
export type LogAnalyticsRecord = Record<string, unknown>;

export function tableRecords(table: LogAnalyticsTable): LogAnalyticsRecord[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((column, index) => [column.name, row[index] ?? null])));
}

/**
 * Result rows → events, by the columns they carry: SigninLogs rows (UserPrincipalName) and
 * SecurityEvent rows (EventID) become authentication events, SecurityIncident rows
 * (IncidentNumber) incident findings. Rows of other shapes (summaries) are not events.
 */
export function recordsToEvents(records: readonly LogAnalyticsRecord[]): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  for (const record of records) {
    if ('UserPrincipalName' in record) events.push(signinRecordToEvent(record));
    else if ('EventID' in record && ('Account' in record || 'TargetUserName' in record || 'Computer' in record)) events.push(securityEventRecordToEvent(record));
    else if ('IncidentNumber' in record && 'Title' in record) events.push(incidentRecordToEvent(record));
  }
  return events;
}

/** A SigninLogs row (Entra ID sign-in) → authentication event. ResultType "0" is success. */
export function signinRecordToEvent(record: LogAnalyticsRecord): SecurityEvent {
  const user = text(record.UserPrincipalName);
  const ip = text(record.IPAddress);
  const resultType = text(record.ResultType);
  const succeeded = resultType === undefined ? undefined : resultType === '0';
  const risk = text(record.RiskLevelDuringSignIn)?.toLowerCase();
  const severity: Severity = risk === 'high' ? 'high' : risk === 'medium' ? 'medium' : succeeded === false ? 'low' : 'info';
  const fields: SecurityEvent['fields'] = {};
  put(fields, 'user', user?.toLowerCase());
  put(fields, 'src_ip', ip);
  put(fields, 'outcome', succeeded === undefined ? undefined : succeeded ? 'success' : 'failure');
  put(fields, 'event_code', resultType);
  put(fields, 'app', text(record.AppDisplayName));
  put(fields, 'location', text(record.Location));
  put(fields, 'risk_level', risk);
  put(fields, 'table', 'SigninLogs');
  return {
    id: `sentinel:signin:${text(record.Id) ?? digest(record)}`,
    time: isoTime(record.TimeGenerated),
    class: 'authentication',
    classUid: EVENT_CLASS_UID.authentication,
    severity,
    source: 'sentinel',
    title: `Sign-in ${succeeded === undefined ? 'attempt' : succeeded ? 'succeeded' : 'failed'}${user === undefined ? '' : ` for ${user}`}`,
    ...(text(record.ResultDescription) === undefined ? {} : { message: text(record.ResultDescription)! }),
    entities: entitiesOf({ users: [user], ips: [ip] }),
    fields,
    raw: record,
  };
}

/** A SecurityEvent row (Windows logon 4624/4625) → authentication event. */
export function securityEventRecordToEvent(record: LogAnalyticsRecord): SecurityEvent {
  const eventId = typeof record.EventID === 'number' ? record.EventID : Number(record.EventID);
  const account = text(record.Account);
  const user = text(record.TargetUserName) ?? account?.split('\\').pop();
  const computer = text(record.Computer);
  const ip = text(record.IpAddress);
  const workstation = text(record.WorkstationName);
  const outcome = eventId === 4624 ? 'success' : eventId === 4625 ? 'failure' : undefined;
  const fields: SecurityEvent['fields'] = {};
  put(fields, 'user', user?.toLowerCase());
  put(fields, 'account', account);
  put(fields, 'host', computer === undefined ? undefined : shortHostname(computer));
  put(fields, 'src_ip', ip === '-' ? undefined : ip);
  put(fields, 'src_host', workstation === undefined || workstation === '-' ? undefined : shortHostname(workstation));
  put(fields, 'event_code', Number.isFinite(eventId) ? eventId : undefined);
  put(fields, 'outcome', outcome);
  put(fields, 'logon_type', typeof record.LogonType === 'number' ? record.LogonType : undefined);
  put(fields, 'status', text(record.Status));
  put(fields, 'table', 'SecurityEvent');
  return {
    id: `sentinel:securityevent:${text(record.EventOriginId) ?? digest(record)}`,
    time: isoTime(record.TimeGenerated),
    class: 'authentication',
    classUid: EVENT_CLASS_UID.authentication,
    severity: outcome === 'failure' ? 'low' : 'info',
    source: 'sentinel',
    title: text(record.Activity) ?? `Windows event ${Number.isFinite(eventId) ? eventId : 'unknown'}`,
    entities: entitiesOf({
      hosts: [computer, workstation === '-' ? undefined : workstation],
      users: [user],
      ips: [ip === '-' ? undefined : ip],
    }),
    fields,
    raw: record,
  };
}

/** A SecurityIncident table row → incident finding. */
export function incidentRecordToEvent(record: LogAnalyticsRecord): SecurityEvent {
  const fields: SecurityEvent['fields'] = {};
  put(fields, 'incident_number', typeof record.IncidentNumber === 'number' ? record.IncidentNumber : undefined);
  put(fields, 'status', text(record.Status));
  put(fields, 'classification', text(record.Classification));
  put(fields, 'table', 'SecurityIncident');
  return {
    id: `sentinel:incident:${text(record.IncidentName) ?? digest(record)}`,
    time: isoTime(record.CreatedTime ?? record.TimeGenerated),
    class: 'incident_finding',
    classUid: EVENT_CLASS_UID.incident_finding,
    severity: severityFrom(text(record.Severity)),
    source: 'sentinel',
    title: text(record.Title) ?? 'Sentinel incident',
    ...(text(record.Description) === undefined ? {} : { message: text(record.Description)! }),
    entities: entitiesOf({}),
    fields,
    raw: record,
  };
}

/** An ARM incident → incident finding (severity by name; Informational → info). */
export function incidentToEvent(incident: SentinelIncident): SecurityEvent {
  const properties = incident.properties;
  const owner = properties.owner?.userPrincipalName ?? properties.owner?.email ?? properties.owner?.assignedTo ?? undefined;
  const fields: SecurityEvent['fields'] = {};
  put(fields, 'incident_number', properties.incidentNumber);
  put(fields, 'status', properties.status);
  put(fields, 'classification', properties.classification ?? undefined);
  put(fields, 'owner', owner ?? undefined);
  put(fields, 'alerts_count', properties.additionalData?.alertsCount);
  put(fields, 'tactics', properties.additionalData?.tactics?.join(','));
  put(fields, 'technique', properties.additionalData?.techniques?.join(','));
  put(fields, 'url', properties.incidentUrl ?? undefined);
  return {
    id: `sentinel:incident:${incident.name}`,
    time: isoTime(properties.createdTimeUtc ?? properties.firstActivityTimeUtc),
    class: 'incident_finding',
    classUid: EVENT_CLASS_UID.incident_finding,
    severity: severityFrom(properties.severity),
    source: 'sentinel',
    title: properties.title,
    ...(properties.description === undefined || properties.description === null || properties.description === '' ? {} : { message: properties.description }),
    entities: entitiesOf({ users: [owner ?? undefined] }),
    fields,
    raw: incident,
  };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function put(fields: SecurityEvent['fields'], key: string, value: string | number | boolean | undefined | null): void {
  if (value !== undefined && value !== null && value !== '') fields[key] = value;
}

function isoTime(value: unknown): string {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? new Date(0).toISOString() : new Date(parsed).toISOString();
}

/** Stable id for rows without their own id column (e.g. after `project`). */
function digest(record: LogAnalyticsRecord): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 24);
}
