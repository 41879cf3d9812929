import { EVENT_CLASS_UID, entitiesOf, type SecurityEvent, type Severity } from '../model/index.js';
import type { ServiceNowRecord } from './client.js';

/** Incident priority (1 Critical … 5 Planning) to our severity. */
const SEVERITY_BY_PRIORITY: Record<string, Severity> = { '1': 'critical', '2': 'high', '3': 'medium', '4': 'low', '5': 'info' };

/** Incident state codes of the out-of-the-box incident table. */
export const INCIDENT_STATES: Record<string, string> = { '1': 'new', '2': 'in_progress', '3': 'on_hold', '6': 'resolved', '7': 'closed', '8': 'canceled' };

/** `YYYY-MM-DD HH:MM:SS` (UTC, the Table API's raw format) to ISO-8601; undefined when unreadable. */
export function isoFromServiceNow(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/** A ServiceNow incident as an OCSF-style Incident Finding (2005). */
export function incidentToEvent(record: ServiceNowRecord, instanceUrl?: string): SecurityEvent {
  const time = isoFromServiceNow(record.sys_created_on) ?? isoFromServiceNow(record.opened_at) ?? new Date(0).toISOString();
  const url = instanceUrl === undefined || record.sys_id === undefined ? undefined : `${instanceUrl}/nav_to.do?uri=incident.do?sys_id=${record.sys_id}`;
  return {
    id: `servicenow:${record.sys_id ?? record.number ?? 'unknown'}`,
    time,
    class: 'incident_finding',
    classUid: EVENT_CLASS_UID.incident_finding,
    severity: SEVERITY_BY_PRIORITY[record.priority ?? ''] ?? 'info',
    source: 'servicenow',
    title: record.short_description || record.number || 'ServiceNow incident',
    ...(record.description ? { message: record.description } : {}),
    entities: entitiesOf({ urls: [url] }),
    fields: {
      number: record.number ?? null,
      sys_id: record.sys_id ?? null,
      state: INCIDENT_STATES[record.state ?? ''] ?? record.state ?? null,
      priority: record.priority ?? null,
      category: record.category || null,
      correlation_id: record.correlation_id || null,
      active: record.active === undefined ? null : record.active === 'true',
      updated_at: isoFromServiceNow(record.sys_updated_on) ?? null,
    },
    raw: record,
  };
}
