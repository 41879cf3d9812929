import { z } from 'zod';
import { ConnectorNotFoundError } from '../http/index.js';
import { defineTool, type AnyTool } from '../tool.js';
import { encodedQueryValue, serviceNowDateTime, type ServiceNowClient, type ServiceNowRecord } from './client.js';
import { INCIDENT_STATES } from './normalize.js';

const MAX_LIST_RECORDS = 1000;
const MODEL_LIST_CAP = 25;
const MODEL_TEXT_CAP = 500;

const LEVEL_CODES = { high: '1', medium: '2', low: '3' } as const;
const STATE_CODES = { new: '1', in_progress: '2', on_hold: '3', resolved: '6', closed: '7', canceled: '8' } as const;
const SYS_ID = /^[0-9a-f]{32}$/;
const NUMBER = /^INC\d{7,}$/;

const level = () => z.enum(['high', 'medium', 'low']);
const sysIdField = () => z.string().regex(SYS_ID, { message: 'expected a 32-character hex sys_id' });
const identity = {
  sys_id: sysIdField().optional().describe('The incident sys_id (32 hex characters).'),
  number: z.string().regex(NUMBER, { message: 'expected an incident number such as INC0010042' }).optional().describe('The incident number, e.g. INC0010042.'),
};
const oneIdentity = (input: { sys_id?: string | undefined; number?: string | undefined }) => (input.sys_id === undefined) !== (input.number === undefined);

const createInput = z.object({
  short_description: z.string().min(1).max(160).describe('Ticket title, e.g. "XDR-2026-001234: phishing and lateral movement to srv-db-01".'),
  description: z.string().max(4000).optional().describe('Details: what happened, affected hosts and users, indicators, links.'),
  urgency: level().default('medium').describe('How fast it must be handled.'),
  impact: level().default('medium').describe('How much of the business is affected.'),
  category: z.string().max(40).default('security').describe('Incident category.'),
  correlation_id: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('External id this ticket tracks (e.g. the XDR incident id). When an active incident already carries it, that incident is returned instead of opening a duplicate.'),
  caller_id: sysIdField().optional().describe('sys_id of the caller (sys_user).'),
  assignment_group: sysIdField().optional().describe('sys_id of the assignment group (sys_user_group).'),
  work_notes: z.string().max(4000).optional().describe('Internal work note added with the ticket.'),
});

const updateInput = z
  .object({
    ...identity,
    state: z.enum(['new', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled']).optional().describe('New state.'),
    short_description: z.string().min(1).max(160).optional().describe('New title.'),
    urgency: level().optional().describe('New urgency.'),
    impact: level().optional().describe('New impact.'),
    assignment_group: sysIdField().optional().describe('sys_id of the new assignment group.'),
    assigned_to: sysIdField().optional().describe('sys_id of the new assignee (sys_user).'),
    work_notes: z.string().max(4000).optional().describe('Internal work note to add (appended to the journal).'),
    comments: z.string().max(4000).optional().describe('Customer-visible comment to add (appended to the journal).'),
    close_code: z.string().max(80).optional().describe('Resolution code when resolving or closing, e.g. "Solved (Permanently)".'),
    close_notes: z.string().max(4000).optional().describe('Resolution notes when resolving or closing.'),
  })
  .refine(oneIdentity, { message: 'give exactly one of sys_id and number' })
  .refine((input) => Object.keys(input).some((key) => key !== 'sys_id' && key !== 'number'), { message: 'give at least one field to change' });

const getInput = z.object({ ...identity }).refine(oneIdentity, { message: 'give exactly one of sys_id and number' });

const listInput = z.object({
  active: z.boolean().optional().describe('Only open (true) or only closed/canceled (false) incidents.'),
  states: z.array(z.enum(['new', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled'])).optional().describe('Only incidents in these states.'),
  text: z.string().min(1).max(200).optional().describe('Only incidents whose short description contains this text (case-insensitive).'),
  correlation_id: z.string().min(1).max(100).optional().describe('Only incidents tracking this external id (e.g. an XDR incident id).'),
  since: z.iso.datetime({ offset: true }).optional().describe('Only incidents created at or after this ISO-8601 time.'),
  query: z.string().max(2000).optional().describe('Extra ServiceNow encoded query ANDed to the filters, e.g. "category=security^priority<=2".'),
  limit: z.number().int().min(1).max(MAX_LIST_RECORDS).default(100).describe('Most incidents to return (newest first).'),
});

export interface IncidentSummary {
  sys_id: string;
  number: string;
  short_description: string;
  state: string;
  priority: string;
  urgency: string;
  impact: string;
  active: boolean;
  category: string;
  correlation_id: string;
  created_on: string;
  updated_on: string;
  url: string;
  description?: string;
}

export function serviceNowTools(client: ServiceNowClient): AnyTool[] {
  const summarize = (record: ServiceNowRecord, withDescription = false): IncidentSummary => ({
    sys_id: record.sys_id ?? '',
    number: record.number ?? '',
    short_description: record.short_description ?? '',
    state: INCIDENT_STATES[record.state ?? ''] ?? record.state ?? '',
    priority: record.priority ?? '',
    urgency: record.urgency ?? '',
    impact: record.impact ?? '',
    active: record.active === 'true',
    category: record.category ?? '',
    correlation_id: record.correlation_id ?? '',
    created_on: record.sys_created_on ?? '',
    updated_on: record.sys_updated_on ?? '',
    url: `${client.instanceUrl}/nav_to.do?uri=incident.do?sys_id=${record.sys_id ?? ''}`,
    ...(withDescription ? { description: record.description ?? '' } : {}),
  });

  const resolveIdentity = async (input: { sys_id?: string | undefined; number?: string | undefined }, signal: AbortSignal | undefined): Promise<ServiceNowRecord> => {
    const record = input.sys_id !== undefined ? await client.getIncident(input.sys_id, signal) : await client.findIncidentByNumber(input.number!, signal);
    if (record === undefined) {
      throw new ConnectorNotFoundError(`servicenow: no incident ${input.sys_id ?? input.number}`, { product: 'servicenow', status: 404 });
    }
    return record;
  };

  const createIncident = defineTool({
    id: 'servicenow.create_incident',
    connector: 'servicenow',
    description: 'Open a ServiceNow incident (Table API), or return the active one that already tracks the same correlation_id.',
    input: createInput,
    scope: 'write',
    async handler(input, context): Promise<IncidentSummary & { created: boolean }> {
      if (input.correlation_id !== undefined) {
        const [existing] = await client.listRecords('incident', {
          query: `active=true^correlation_id=${encodedQueryValue(input.correlation_id)}`,
          maxRecords: 1,
          pageSize: 1,
          ...(context.signal === undefined ? {} : { signal: context.signal }),
        });
        if (existing !== undefined) return { ...summarize(existing), created: false };
      }
      const record = await client.createIncident(
        {
          short_description: input.short_description,
          ...(input.description === undefined ? {} : { description: input.description }),
          urgency: LEVEL_CODES[input.urgency],
          impact: LEVEL_CODES[input.impact],
          category: input.category,
          ...(input.correlation_id === undefined ? {} : { correlation_id: input.correlation_id, correlation_display: 'DefenseClaw' }),
          ...(input.caller_id === undefined ? {} : { caller_id: input.caller_id }),
          ...(input.assignment_group === undefined ? {} : { assignment_group: input.assignment_group }),
          ...(input.work_notes === undefined ? {} : { work_notes: input.work_notes }),
        },
        context.signal,
      );
      return { ...summarize(record), created: true };
    },
  });

  const updateIncident = defineTool({
    id: 'servicenow.update_incident',
    connector: 'servicenow',
    description: 'Update a ServiceNow incident: state, urgency, impact, assignment, work notes, comments, resolution.',
    input: updateInput,
    scope: 'write',
    async handler(input, context): Promise<IncidentSummary> {
      const sysId = input.sys_id ?? (await resolveIdentity(input, context.signal)).sys_id!;
      const fields: Record<string, string> = {};
      if (input.state !== undefined) fields.state = STATE_CODES[input.state];
      if (input.urgency !== undefined) fields.urgency = LEVEL_CODES[input.urgency];
      if (input.impact !== undefined) fields.impact = LEVEL_CODES[input.impact];
      for (const key of ['short_description', 'assignment_group', 'assigned_to', 'work_notes', 'comments', 'close_code', 'close_notes'] as const) {
        if (input[key] !== undefined) fields[key] = input[key];
      }
      return summarize(await client.updateIncident(sysId, fields, context.signal));
    },
  });

  const getIncident = defineTool({
    id: 'servicenow.get_incident',
    connector: 'servicenow',
    description: 'Read one ServiceNow incident by sys_id or number.',
    input: getInput,
    scope: 'read',
    async handler(input, context): Promise<IncidentSummary> {
      return summarize(await resolveIdentity(input, context.signal), true);
    },
    toModelOutput(output) {
      return output.description !== undefined && output.description.length > MODEL_TEXT_CAP
        ? { ...output, description: `${output.description.slice(0, MODEL_TEXT_CAP)}…` }
        : output;
    },
  });

  const listIncidents = defineTool({
    id: 'servicenow.list_incidents',
    connector: 'servicenow',
    description: 'List ServiceNow incidents, newest first, filtered by state, text, correlation id, time or an encoded query; walks every page.',
    input: listInput,
    scope: 'read',
    async handler(input, context): Promise<{ incidents: IncidentSummary[]; truncated: boolean }> {
      const terms: string[] = [];
      if (input.active !== undefined) terms.push(`active=${input.active}`);
      if (input.states !== undefined && input.states.length > 0) terms.push(`stateIN${input.states.map((state) => STATE_CODES[state]).join(',')}`);
      if (input.text !== undefined) terms.push(`short_descriptionLIKE${encodedQueryValue(input.text)}`);
      if (input.correlation_id !== undefined) terms.push(`correlation_id=${encodedQueryValue(input.correlation_id)}`);
      if (input.since !== undefined) terms.push(`sys_created_on>=${serviceNowDateTime(new Date(input.since))}`);
      // The caller's own query goes last so its ORDERBY (if any) follows the filters.
      if (input.query !== undefined && input.query.trim() !== '') terms.push(input.query.trim());
      if (!/ORDERBY/.test(input.query ?? '')) terms.push('ORDERBYDESCsys_created_on');
      const records = await client.listRecords('incident', {
        query: terms.join('^'),
        maxRecords: input.limit + 1,
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
      return { incidents: records.slice(0, input.limit).map((record) => summarize(record)), truncated: records.length > input.limit };
    },
    toModelOutput(output) {
      return {
        count: output.incidents.length,
        truncated: output.truncated || output.incidents.length > MODEL_LIST_CAP,
        incidents: output.incidents.slice(0, MODEL_LIST_CAP).map(({ sys_id, number, short_description, state, priority, correlation_id, created_on }) => ({
          sys_id,
          number,
          short_description,
          state,
          priority,
          correlation_id,
          created_on,
        })),
      };
    },
  });

  return [createIncident, updateIncident, getIncident, listIncidents] as AnyTool[];
}
