import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineTool, type AnyTool } from '../tool.js';
import type { PagerDutyClient, PagerDutyIncident } from './client.js';

/** Most incidents a list tool hands back (the model sees at most MODEL_LIST_CAP of them). */
const MAX_LIST_RECORDS = 500;
const MODEL_LIST_CAP = 25;

/**
 * A dedup key derived from what the page is about, so that a re-run agent or a retried approval
 * adds to the open incident instead of paging the on-call analyst a second time.
 */
export function derivedDedupKey(summary: string, source: string): string {
  return `defenseclaw-${createHash('sha256').update(`${source}\n${summary}`).digest('hex').slice(0, 32)}`;
}

const createInput = z.object({
  summary: z.string().min(1).max(1024).describe('One-line summary shown to the on-call responder, e.g. "High severity XDR incident XDR-2026-001234 on workstation-042".'),
  source: z.string().min(1).max(255).describe('Affected system (host name, service or product) the alert is about.'),
  severity: z.enum(['critical', 'error', 'warning', 'info']).describe('PagerDuty severity; critical and error page with high urgency.'),
  dedup_key: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Stable key for this incident (e.g. the XDR incident id). Repeats with the same key update the open incident instead of paging again. Derived from source and summary when omitted.'),
  custom_details: z.record(z.string(), z.unknown()).optional().describe('Extra key/value context shown in the incident (indicators, links, investigation id).'),
  component: z.string().max(255).optional().describe('Component of the source that is affected, e.g. "endpoint".'),
  group: z.string().max(255).optional().describe('Logical grouping, e.g. "finance".'),
  class: z.string().max(255).optional().describe('Class or type of the event, e.g. "malware".'),
  links: z
    .array(z.object({ href: z.url().describe('Absolute URL.'), text: z.string().max(255).optional().describe('Link text.') }))
    .max(10)
    .optional()
    .describe('Links shown on the incident, e.g. to the XDR incident or the investigation report.'),
});

const resolveInput = z
  .object({
    dedup_key: z.string().min(1).max(255).optional().describe('Dedup key the incident was triggered with (returned by pagerduty.create_incident).'),
    incident_id: z.string().min(1).max(64).optional().describe('PagerDuty incident id (e.g. Q1ABCDEF2GHIJK); its dedup key is looked up through the REST API.'),
  })
  .refine((input) => (input.dedup_key === undefined) !== (input.incident_id === undefined), { message: 'give exactly one of dedup_key and incident_id' });

const listInput = z.object({
  statuses: z
    .array(z.enum(['triggered', 'acknowledged', 'resolved']))
    .optional()
    .describe('Only incidents in these states; all states when omitted.'),
  urgencies: z.array(z.enum(['high', 'low'])).optional().describe('Only incidents with these urgencies.'),
  since: z.iso.datetime({ offset: true }).optional().describe('Only incidents created at or after this ISO-8601 time.'),
  until: z.iso.datetime({ offset: true }).optional().describe('Only incidents created before this ISO-8601 time.'),
  dedup_key: z.string().min(1).max(255).optional().describe('Only the incident with this dedup (incident) key.'),
  limit: z.number().int().min(1).max(MAX_LIST_RECORDS).default(100).describe('Most incidents to return.'),
});

export interface PagerDutyEventResult {
  dedup_key: string;
  status: string;
  message?: string;
}

export interface PagerDutyIncidentSummary {
  id: string;
  number?: number;
  title: string;
  status: string;
  urgency?: string;
  dedup_key?: string;
  created_at: string;
  service?: string;
  assignee?: string;
  url?: string;
}

function summarize(incident: PagerDutyIncident): PagerDutyIncidentSummary {
  return {
    id: incident.id,
    ...(incident.incident_number === undefined ? {} : { number: incident.incident_number }),
    title: incident.title ?? incident.summary ?? incident.id,
    status: incident.status,
    ...(incident.urgency === undefined ? {} : { urgency: incident.urgency }),
    ...(incident.incident_key === undefined || incident.incident_key === null ? {} : { dedup_key: incident.incident_key }),
    created_at: incident.created_at,
    ...(incident.service?.summary === undefined ? {} : { service: incident.service.summary }),
    ...(incident.assignments?.[0]?.assignee?.summary === undefined ? {} : { assignee: incident.assignments[0].assignee.summary }),
    ...(incident.html_url === undefined ? {} : { url: incident.html_url }),
  };
}

export function pagerdutyTools(client: PagerDutyClient): AnyTool[] {
  const createIncident = defineTool({
    id: 'pagerduty.create_incident',
    connector: 'pagerduty',
    description: 'Page the on-call responder: trigger a PagerDuty incident through the Events API v2 (deduplicated by dedup_key).',
    input: createInput,
    scope: 'write',
    async handler(input, context): Promise<PagerDutyEventResult> {
      const dedupKey = input.dedup_key ?? derivedDedupKey(input.summary, input.source);
      const reply = await client.trigger(
        {
          summary: input.summary,
          source: input.source,
          severity: input.severity,
          dedupKey,
          ...(input.component === undefined ? {} : { component: input.component }),
          ...(input.group === undefined ? {} : { group: input.group }),
          ...(input.class === undefined ? {} : { class: input.class }),
          ...(input.custom_details === undefined ? {} : { customDetails: input.custom_details }),
          ...(input.links === undefined ? {} : { links: input.links }),
        },
        context.signal,
      );
      return { dedup_key: reply.dedup_key ?? dedupKey, status: reply.status, ...(reply.message === undefined ? {} : { message: reply.message }) };
    },
  });

  const resolveIncident = defineTool({
    id: 'pagerduty.resolve_incident',
    connector: 'pagerduty',
    description: 'Resolve a PagerDuty incident through the Events API v2, by dedup key or incident id.',
    input: resolveInput,
    scope: 'write',
    async handler(input, context): Promise<PagerDutyEventResult & { incident_id?: string }> {
      let dedupKey = input.dedup_key;
      if (dedupKey === undefined) {
        const incident = await client.getIncident(input.incident_id!, context.signal);
        if (incident.incident_key === undefined || incident.incident_key === null || incident.incident_key === '') {
          throw new Error(`PagerDuty incident ${incident.id} has no dedup key, so the Events API cannot resolve it`);
        }
        dedupKey = incident.incident_key;
      }
      const reply = await client.resolve(dedupKey, context.signal);
      return {
        dedup_key: reply.dedup_key ?? dedupKey,
        status: reply.status,
        ...(reply.message === undefined ? {} : { message: reply.message }),
        ...(input.incident_id === undefined ? {} : { incident_id: input.incident_id }),
      };
    },
  });

  const listIncidents = defineTool({
    id: 'pagerduty.list_incidents',
    connector: 'pagerduty',
    description: 'List PagerDuty incidents (REST API v2), filtered by status, urgency, time and dedup key; walks every page.',
    input: listInput,
    scope: 'read',
    async handler(input, context): Promise<{ incidents: PagerDutyIncidentSummary[]; truncated: boolean }> {
      const incidents = await client.listIncidents({
        ...(input.statuses === undefined ? {} : { statuses: input.statuses }),
        ...(input.urgencies === undefined ? {} : { urgencies: input.urgencies }),
        ...(input.since === undefined ? {} : { since: new Date(input.since) }),
        ...(input.until === undefined ? {} : { until: new Date(input.until) }),
        ...(input.dedup_key === undefined ? {} : { incidentKey: input.dedup_key }),
        // One more than asked, to tell the caller whether the list was cut.
        maxRecords: input.limit + 1,
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return { incidents: incidents.slice(0, input.limit).map(summarize), truncated: incidents.length > input.limit };
    },
    toModelOutput(output) {
      return {
        count: output.incidents.length,
        truncated: output.truncated || output.incidents.length > MODEL_LIST_CAP,
        incidents: output.incidents.slice(0, MODEL_LIST_CAP).map(({ id, number, title, status, urgency, dedup_key, created_at }) => ({
          id,
          number,
          title,
          status,
          urgency,
          dedup_key,
          created_at,
        })),
      };
    },
  });

  return [createIncident, resolveIncident, listIncidents] as AnyTool[];
}
