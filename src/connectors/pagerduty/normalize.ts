import { EVENT_CLASS_UID, entitiesOf, severityFrom, type SecurityEvent, type Severity } from '../model/index.js';
import type { PagerDutyIncident } from './client.js';

/**
 * PagerDuty incidents carry no severity of their own, only urgency; `high` urgency is what the
 * SOC pages for, so it maps to high and `low` to low.
 */
function severityOf(incident: PagerDutyIncident): Severity {
  if (incident.urgency === 'high') return 'high';
  if (incident.urgency === 'low') return 'low';
  return severityFrom(incident.urgency);
}

/** A PagerDuty incident as an OCSF-style Incident Finding (2005). */
export function incidentToEvent(incident: PagerDutyIncident): SecurityEvent {
  const title = incident.title ?? incident.summary ?? incident.id;
  return {
    id: `pagerduty:${incident.id}`,
    time: new Date(incident.created_at).toISOString(),
    class: 'incident_finding',
    classUid: EVENT_CLASS_UID.incident_finding,
    severity: severityOf(incident),
    source: 'pagerduty',
    title,
    ...(incident.summary === undefined ? {} : { message: incident.summary }),
    entities: entitiesOf({ urls: [incident.html_url] }),
    fields: {
      incident_id: incident.id,
      incident_number: incident.incident_number ?? null,
      status: incident.status,
      urgency: incident.urgency ?? null,
      dedup_key: incident.incident_key ?? null,
      service: incident.service?.summary ?? incident.service?.id ?? null,
      assignee: incident.assignments?.[0]?.assignee?.summary ?? null,
      updated_at: incident.updated_at ?? null,
    },
    raw: incident,
  };
}
