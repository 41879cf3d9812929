import { z } from 'zod';
import { ConnectorUpstreamError } from '../http/index.js';
import type { SecurityEvent } from '../model/index.js';
import { defineTool, type AnyTool, type ToolContext, type ToolSubjects } from '../tool.js';
import { XDR_PRODUCT, type CiscoXdrClient } from './client.js';
import { normalizeIncident, normalizeSighting } from './normalize.js';
import type { Observable, XdrEnrichResponse, XdrModuleError } from './schemas.js';

/** Observable types the tools accept (a subset of CTIM's 60+, §1.5). */
export const OBSERVABLE_TYPES = [
  'ip', 'ipv6', 'domain', 'url', 'sha256', 'sha1', 'md5', 'email', 'hostname', 'user', 'amp_computer_guid', 'file_name', 'mac_address',
] as const;

const observableInput = z.object({
  type: z.enum(OBSERVABLE_TYPES).describe('Observable type, e.g. ip, domain, sha256, hostname, user'),
  value: z.string().trim().min(1).max(2048).describe('Observable value, e.g. 185.220.101.5'),
});

/** Most list entries handed to the model; the full list stays in the tool output and the audit hash. */
const MODEL_LIST_CAP = 25;

/** An event without its raw record, for the model. */
function compactEvent(event: SecurityEvent) {
  const entities = Object.fromEntries(Object.entries(event.entities).filter(([, values]) => values.length > 0));
  const fields = Object.fromEntries(Object.entries(event.fields).filter(([, value]) => value !== null && value !== ''));
  return { id: event.id, time: event.time, class: event.class, severity: event.severity, title: event.title, entities, fields };
}

function sinceIso(context: ToolContext, hours: number | undefined): string | undefined {
  return hours === undefined ? undefined : new Date(context.clock.now().getTime() - hours * 3_600_000).toISOString();
}

/** Which hosts, IPs and domains an action on this observable touches (for the gateway's guards). */
function observableSubjects(type: string, value: string): ToolSubjects {
  // Observables that name a host (by name or by product id) are host subjects, so host guards apply.
  if (type === 'hostname' || type === 'amp_computer_guid' || type === 'mac_address') return { hosts: [value] };
  if (type === 'ip' || type === 'ipv6') return { ips: [value] };
  if (type === 'domain') return { domains: [value] };
  if (type === 'url') {
    try {
      return { domains: [new URL(value).hostname] };
    } catch {
      return {};
    }
  }
  return {};
}

/** Disposition names from worst to least informative: across modules, the worst verdict wins (fail safe). */
const DISPOSITION_RANK = ['Malicious', 'Suspicious', 'Clean', 'Common', 'Unknown'];

interface ObservableVerdict {
  type: string;
  value: string;
  verdict: string;
  judgements: Array<{ module: string; source?: string; disposition: string; severity?: string; reason?: string }>;
  sightingCount: number;
}

function summariseEnrichment(observables: Observable[], deliberation: XdrEnrichResponse, observation: XdrEnrichResponse): ObservableVerdict[] {
  const key = (observable: { type: string; value: string }) => `${observable.type}\u0000${observable.value.toLowerCase()}`;
  const summaries = new Map<string, ObservableVerdict>(
    observables.map((observable) => [key(observable), { type: observable.type, value: observable.value, verdict: 'Unknown', judgements: [], sightingCount: 0 }]),
  );
  const rank = (name: string) => {
    const index = DISPOSITION_RANK.indexOf(name);
    return index < 0 ? DISPOSITION_RANK.length : index;
  };
  for (const moduleEntry of deliberation.data) {
    for (const verdict of moduleEntry.data.verdicts?.docs ?? []) {
      const summary = summaries.get(key(verdict.observable));
      const name = verdict.disposition_name ?? 'Unknown';
      if (summary !== undefined && rank(name) < rank(summary.verdict)) summary.verdict = name;
    }
  }
  for (const moduleEntry of observation.data) {
    for (const judgement of moduleEntry.data.judgements?.docs ?? []) {
      const summary = summaries.get(key(judgement.observable));
      if (summary === undefined) continue;
      const name = judgement.disposition_name ?? 'Unknown';
      summary.judgements.push({
        module: moduleEntry.module,
        disposition: name,
        ...(judgement.source === undefined ? {} : { source: judgement.source }),
        ...(judgement.severity === undefined ? {} : { severity: judgement.severity }),
        ...(judgement.reason === undefined ? {} : { reason: judgement.reason }),
      });
      if (rank(name) < rank(summary.verdict)) summary.verdict = name;
    }
    for (const sighting of moduleEntry.data.sightings?.docs ?? []) {
      for (const observable of sighting.observables ?? []) {
        const summary = summaries.get(key(observable));
        if (summary !== undefined) summary.sightingCount += sighting.count ?? 1;
      }
      for (const observable of (sighting.targets ?? []).flatMap((target) => target.observables ?? [])) {
        const summary = summaries.get(key(observable));
        if (summary !== undefined) summary.sightingCount += sighting.count ?? 1;
      }
    }
  }
  return [...summaries.values()];
}

function moduleErrorSummary(errors: XdrModuleError[]) {
  return errors.map((error) => ({ module: error.module ?? 'unknown', code: error.code ?? 'error', message: (error.message ?? '').slice(0, 200) }));
}

/** The XDR tools: incidents, sightings, enrichment, observable extraction and response actions. */
export function ciscoXdrTools(client: CiscoXdrClient): AnyTool[] {
  const searchIncidents = defineTool({
    id: 'cisco_xdr.search_incidents',
    connector: 'cisco_xdr',
    description: 'Searches XDR incidents (CTIA private intelligence), newest first, every page.',
    scope: 'read',
    input: z.object({
      query: z.string().max(1000).optional().describe('Lucene query over incident fields; * or empty for all'),
      status: z.string().max(64).optional().describe('Only incidents with this status, e.g. New, Open, Closed'),
      since_hours: z.number().positive().max(8760).optional().describe('Only incidents from the last N hours'),
      limit: z.number().int().min(1).max(1000).default(100).describe('Most incidents to return'),
    }),
    async handler(input, context) {
      const from = sinceIso(context, input.since_hours);
      const result = await client.searchIncidents({
        maxRecords: input.limit,
        ...(input.query === undefined || input.query.trim() === '' ? {} : { query: input.query }),
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(from === undefined ? {} : { from }),
      });
      return { total: result.total ?? result.records.length, truncated: result.truncated, incidents: result.records.map(normalizeIncident) };
    },
    toModelOutput: (output) => ({
      total: output.total,
      truncated: output.truncated || output.incidents.length > MODEL_LIST_CAP,
      incidents: output.incidents.slice(0, MODEL_LIST_CAP).map(compactEvent),
    }),
  });

  const getIncident = defineTool({
    id: 'cisco_xdr.get_incident',
    connector: 'cisco_xdr',
    description: 'One XDR incident by its id (XDR-2026-001234 style external id, incident-<uuid>, or CTIA URL).',
    scope: 'read',
    input: z.object({
      incident_id: z.string().trim().min(1).max(512).describe('Incident id, e.g. XDR-2026-001234 or incident-<uuid>'),
    }),
    async handler(input, context) {
      const incident = await client.getIncident(input.incident_id, context.signal);
      return incident === undefined ? { found: false as const, incident_id: input.incident_id } : { found: true as const, incident: normalizeIncident(incident) };
    },
    toModelOutput: (output) => (output.found ? { found: true, incident: compactEvent(output.incident) } : output),
  });

  const getEvents = defineTool({
    id: 'cisco_xdr.get_events',
    connector: 'cisco_xdr',
    description: 'Sightings (events) of one observable across the products integrated with XDR, as normalised events.',
    scope: 'read',
    input: z.object({
      observable_type: z.enum(OBSERVABLE_TYPES).describe('Observable type: ip, domain, sha256, hostname, user, …'),
      observable_value: z.string().trim().min(1).max(2048).describe('Observable value, e.g. workstation-042'),
      since_hours: z.number().positive().max(8760).optional().describe('Only sightings from the last N hours'),
      limit: z.number().int().min(1).max(5000).default(500).describe('Most events to return'),
    }),
    subjects: (input) => observableSubjects(input.observable_type, input.observable_value),
    async handler(input, context) {
      const from = sinceIso(context, input.since_hours);
      const result = await client.sightings(
        { type: input.observable_type, value: input.observable_value },
        { maxRecords: input.limit, ...(from === undefined ? {} : { from }) },
      );
      const events = result.records.map(normalizeSighting).sort((a, b) => a.time.localeCompare(b.time));
      return { observable: { type: input.observable_type, value: input.observable_value }, total: result.total ?? events.length, truncated: result.truncated, events };
    },
    toModelOutput: (output) => ({
      observable: output.observable,
      total: output.total,
      truncated: output.truncated || output.events.length > MODEL_LIST_CAP * 2,
      events: output.events.slice(0, MODEL_LIST_CAP * 2).map(compactEvent),
    }),
  });

  const enrichObservables = defineTool({
    id: 'cisco_xdr.enrich_observables',
    connector: 'cisco_xdr',
    description: 'Verdicts, judgements and sighting counts for observables from every XDR module (deliberate + observe).',
    scope: 'read',
    input: z.object({
      observables: z.array(observableInput).min(1).max(50).describe('Observables to enrich'),
    }),
    async handler(input, context) {
      const observables: Observable[] = input.observables.map(({ type, value }) => ({ type, value }));
      const [deliberation, observation] = await Promise.all([client.deliberate(observables, context.signal), client.observe(observables, context.signal)]);
      return {
        observables: summariseEnrichment(observables, deliberation, observation),
        module_errors: moduleErrorSummary([...deliberation.errors, ...observation.errors]),
      };
    },
    toModelOutput: (output) => ({
      observables: output.observables.map((summary) => ({ ...summary, judgements: summary.judgements.slice(0, 5) })),
      module_errors: output.module_errors.slice(0, 10),
    }),
  });

  const inspect = defineTool({
    id: 'cisco_xdr.inspect',
    connector: 'cisco_xdr',
    description: 'Extracts observables (IPs, domains, URLs, hashes, emails) from free text.',
    scope: 'read',
    input: z.object({ text: z.string().min(1).max(100_000).describe('Text to extract observables from, e.g. an alert body') }),
    async handler(input, context) {
      return { observables: await client.inspect(input.text, context.signal) };
    },
    toModelOutput: (output) => ({ observables: output.observables.slice(0, 100).map(({ type, value }) => ({ type, value })) }),
  });

  const listResponseActions = defineTool({
    id: 'cisco_xdr.list_response_actions',
    connector: 'cisco_xdr',
    description: 'Response actions the XDR modules offer for observables (block domain, isolate host, …).',
    scope: 'read',
    input: z.object({ observables: z.array(observableInput).min(1).max(20).describe('Observables to list actions for') }),
    async handler(input, context) {
      const { actions, errors } = await client.responseActions(
        input.observables.map(({ type, value }) => ({ type, value })),
        context.signal,
      );
      return {
        actions: actions.map((action) => {
          const query = actionQuery(action.url);
          const { observable_type: observableType, observable_value: observableValue, ...extra } = query;
          return {
            action_id: action.id,
            title: action.title ?? action.id,
            module: action.module ?? 'unknown',
            module_instance_id: action.module_instance_id,
            ...(action.description === undefined ? {} : { description: action.description }),
            ...(observableType === undefined ? {} : { observable_type: observableType }),
            ...(observableValue === undefined ? {} : { observable_value: observableValue }),
            ...(Object.keys(extra).length === 0 ? {} : { extra_params: extra }),
          };
        }),
        module_errors: moduleErrorSummary(errors),
      };
    },
    toModelOutput: (output) => ({ actions: output.actions.slice(0, 50), module_errors: output.module_errors.slice(0, 10) }),
  });

  const triggerResponseAction = defineTool({
    id: 'cisco_xdr.trigger_response_action',
    connector: 'cisco_xdr',
    description: 'Triggers one XDR response action on one observable (see list_response_actions). Real side effects.',
    scope: 'execute',
    input: z.object({
      module_instance_id: z.string().trim().min(1).max(200).describe('module_instance_id from list_response_actions'),
      action_id: z.string().trim().min(1).max(200).describe('action_id from list_response_actions'),
      observable_type: z.enum(OBSERVABLE_TYPES).describe('Observable type the action applies to'),
      observable_value: z.string().trim().min(1).max(2048).describe('Observable value the action applies to'),
      extra_params: z.record(z.string(), z.string()).optional().describe('extra_params from list_response_actions, when present'),
    }),
    subjects: (input) => observableSubjects(input.observable_type, input.observable_value),
    async handler(input, context) {
      const result = await client.triggerResponseAction(
        input.module_instance_id,
        input.action_id,
        { type: input.observable_type, value: input.observable_value },
        input.extra_params ?? {},
        context.signal,
      );
      if (result.status !== 'success') {
        const detail = moduleErrorSummary(result.errors).map((error) => `${error.module}: ${error.code}`).join('; ');
        throw new ConnectorUpstreamError(`${XDR_PRODUCT} response action ${input.action_id} reported ${result.status}${detail === '' ? '' : ` (${detail})`}`, {
          product: XDR_PRODUCT,
          status: 200,
          retryable: false,
        });
      }
      return {
        status: result.status,
        action_id: input.action_id,
        observable: { type: input.observable_type, value: input.observable_value },
        module_errors: moduleErrorSummary(result.errors),
      };
    },
  });

  return [searchIncidents, getIncident, getEvents, enrichObservables, inspect, listResponseActions, triggerResponseAction] as AnyTool[];
}

/** Query parameters of an action's trigger URL (observable and module-specific extras). */
function actionQuery(url: string | undefined): Record<string, string> {
  if (url === undefined) return {};
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return Object.fromEntries(new URLSearchParams(query));
}
