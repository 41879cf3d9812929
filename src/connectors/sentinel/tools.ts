import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../../core/duration.js';
import { defineTool, type AnyTool } from '../tool.js';
import type { IncidentChanges, SentinelClient } from './client.js';
import { incidentToEvent, recordsToEvents, tableRecords } from './normalize.js';
import type { SentinelIncident } from './schemas.js';

/** Items shown to the model per list; the full list stays in the tool result. */
const MODEL_LIST_CAP = 50;

/** `4h` → `PT4H`; ISO-8601 durations and `start/end` intervals pass through. */
function isoTimespan(value: string): string {
  if (!DURATION_PATTERN.test(value)) return value;
  const seconds = Math.max(1, Math.round(parseDuration(value) / 1000));
  return `PT${seconds}S`;
}

const timespanSchema = z
  .string()
  .trim()
  .refine((value) => DURATION_PATTERN.test(value) || /^P/i.test(value) || value.includes('/'), {
    message: 'expected a duration such as 4h, an ISO-8601 duration such as PT4H, or an interval start/end',
  });

const sinceSchema = z
  .string()
  .trim()
  .refine((value) => DURATION_PATTERN.test(value) || !Number.isNaN(Date.parse(value)), { message: 'expected a duration such as 24h or an ISO-8601 time' });

function incidentSummary(incident: SentinelIncident) {
  const properties = incident.properties;
  return {
    name: incident.name,
    number: properties.incidentNumber,
    title: properties.title,
    severity: properties.severity,
    status: properties.status,
    classification: properties.classification ?? null,
    owner: properties.owner?.userPrincipalName ?? properties.owner?.email ?? null,
    created: properties.createdTimeUtc ?? null,
    last_activity: properties.lastActivityTimeUtc ?? null,
    alerts: properties.additionalData?.alertsCount ?? null,
    tactics: properties.additionalData?.tactics ?? [],
  };
}

/** The Microsoft Sentinel / Log Analytics tools (ids `sentinel.<verb_noun>`). */
export function sentinelTools(client: SentinelClient): AnyTool[] {
  const query = defineTool({
    id: 'sentinel.query',
    connector: 'sentinel',
    description: 'Runs a KQL query against the Sentinel Log Analytics workspace.',
    scope: 'read',
    input: z.object({
      query: z.string().trim().min(1).max(10_000).describe('KQL, e.g. SigninLogs | where ResultType != "0" | summarize count() by IPAddress'),
      timespan: timespanSchema.default('P1D').describe('Time range applied on top of the query: 4h, PT4H, P7D or start/end (default P1D)'),
      max_rows: z.number().int().min(1).max(50_000).default(5000).describe('Most rows to keep per table'),
    }),
    async handler(input, context) {
      const result = await client.query(input.query, isoTimespan(input.timespan), context.signal);
      let truncated = false;
      const tables = result.tables.map((table) => {
        if (table.rows.length > input.max_rows) truncated = true;
        return { ...table, rows: table.rows.slice(0, input.max_rows) };
      });
      const primary = tables[0];
      const records = primary === undefined ? [] : tableRecords(primary);
      return {
        tables,
        rowCount: result.tables[0]?.rows.length ?? 0,
        truncated,
        ...(result.error === undefined ? {} : { partialError: result.error.message ?? result.error.code ?? 'partial result' }),
        events: recordsToEvents(records),
      };
    },
    toModelOutput(output) {
      const primary = output.tables[0];
      const records = primary === undefined ? [] : tableRecords({ ...primary, rows: primary.rows.slice(0, MODEL_LIST_CAP) });
      return {
        columns: primary?.columns.map((column) => `${column.name}:${column.type}`) ?? [],
        rowCount: output.rowCount,
        truncated: output.truncated || output.rowCount > MODEL_LIST_CAP,
        rows: records,
        ...(output.partialError === undefined ? {} : { partialError: output.partialError }),
      };
    },
  });

  const listIncidents = defineTool({
    id: 'sentinel.list_incidents',
    connector: 'sentinel',
    description: 'Lists Microsoft Sentinel incidents, newest first, walking every page.',
    scope: 'read',
    input: z.object({
      status: z.enum(['New', 'Active', 'Closed']).optional().describe('Incident status'),
      severity: z.enum(['High', 'Medium', 'Low', 'Informational']).optional().describe('Incident severity'),
      since: sinceSchema.optional().describe('Only incidents created since: a duration back from now (24h) or an ISO-8601 time'),
      filter: z.string().max(2000).optional().describe("Raw OData $filter, e.g. properties/owner/email eq 'x@corp.example.com'"),
      limit: z.number().int().min(1).max(5000).default(200).describe('Most incidents to return'),
      page_size: z.number().int().min(1).max(1000).optional().describe('Incidents per API request ($top, default 50)'),
    }),
    async handler(input, context) {
      const terms: string[] = [];
      if (input.filter !== undefined && input.filter.trim() !== '') terms.push(`(${input.filter})`);
      if (input.status !== undefined) terms.push(`properties/status eq '${input.status}'`);
      if (input.severity !== undefined) terms.push(`properties/severity eq '${input.severity}'`);
      if (input.since !== undefined) {
        const since = DURATION_PATTERN.test(input.since) ? new Date(context.clock.now().getTime() - parseDuration(input.since)) : new Date(input.since);
        terms.push(`properties/createdTimeUtc ge ${since.toISOString()}`);
      }
      const result = await client.listIncidents({
        ...(terms.length === 0 ? {} : { filter: terms.join(' and ') }),
        orderBy: 'properties/createdTimeUtc desc',
        maxResults: input.limit,
        ...(input.page_size === undefined ? {} : { pageSize: input.page_size }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return { returned: result.records.length, truncated: result.truncated, incidents: result.records, events: result.records.map(incidentToEvent) };
    },
    toModelOutput(output) {
      return {
        returned: output.returned,
        truncated: output.truncated || output.returned > MODEL_LIST_CAP,
        incidents: output.incidents.slice(0, MODEL_LIST_CAP).map(incidentSummary),
      };
    },
  });

  const updateIncident = defineTool({
    id: 'sentinel.update_incident',
    connector: 'sentinel',
    description: 'Changes a Sentinel incident: status, severity, classification, owner.',
    scope: 'write',
    input: z
      .object({
        incident: z.string().trim().min(1).max(200).describe('Incident name (GUID) or incident number'),
        status: z.enum(['New', 'Active', 'Closed']).optional().describe('New status'),
        severity: z.enum(['High', 'Medium', 'Low', 'Informational']).optional().describe('New severity'),
        classification: z.enum(['Undetermined', 'TruePositive', 'BenignPositive', 'FalsePositive']).optional().describe('Required when closing'),
        classification_reason: z
          .enum(['SuspiciousActivity', 'SuspiciousButExpected', 'IncorrectAlertLogic', 'InaccurateData'])
          .optional()
          .describe('Why it was classified so'),
        classification_comment: z.string().max(2000).optional().describe('Free-text closing comment'),
        owner: z.string().trim().min(3).max(320).optional().describe('Assign to this user (UPN or email)'),
        unassign: z.boolean().optional().describe('Remove the owner'),
        etag: z.string().max(200).optional().describe('Expected etag; the update fails if the incident changed since'),
      })
      .refine((input) => input.status !== 'Closed' || input.classification !== undefined, { message: 'classification is required when closing an incident', path: ['classification'] })
      .refine((input) => !(input.owner !== undefined && input.unassign === true), { message: 'give owner or unassign, not both', path: ['owner'] })
      .refine(
        (input) =>
          [input.status, input.severity, input.classification, input.classification_reason, input.classification_comment, input.owner, input.unassign].some((value) => value !== undefined),
        { message: 'nothing to change: give at least one of status, severity, classification, owner, unassign' },
      ),
    async handler(input, context) {
      const before = await client.findIncident(input.incident, context.signal);
      const changes: IncidentChanges = {
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(input.severity === undefined ? {} : { severity: input.severity }),
        ...(input.classification === undefined ? {} : { classification: input.classification }),
        ...(input.classification_reason === undefined ? {} : { classificationReason: input.classification_reason }),
        ...(input.classification_comment === undefined ? {} : { classificationComment: input.classification_comment }),
        ...(input.owner === undefined ? {} : { owner: { email: input.owner, userPrincipalName: input.owner, assignedTo: input.owner } }),
        ...(input.unassign === true ? { owner: null } : {}),
      };
      const after = await client.updateIncident(before, changes, {
        ...(input.etag === undefined ? {} : { etag: input.etag }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return { before: incidentSummary(before), after: incidentSummary(after), etag: after.etag ?? null, incident: after };
    },
    toModelOutput(output) {
      return { before: output.before, after: output.after };
    },
  });

  return [query, listIncidents, updateIncident] as AnyTool[];
}
