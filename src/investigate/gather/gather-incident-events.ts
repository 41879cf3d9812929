import { z } from 'zod';
import type { SecurityEvent } from '../../connectors/model/index.js';
import type { Clock } from '../../core/clock.js';
import type { Caller } from '../../gateway/caller.js';
import type { CallOptions } from '../../gateway/gateway.js';
import { describeGatewayFailure, type GatewayResult } from '../../gateway/gateway-result.js';
import { runLimited } from '../../core/run-limited.js';
import { IncidentFetchError } from './incident-fetch-error.js';
import { emptyEnrichment, foldEnrichment, type IncidentEnrichment } from './incident-enrichment.js';
import { incidentObservables, type IncidentObservables } from './incident-observables.js';
import { DEFAULT_PLAN_LIMITS, planSourceCalls, type PlanLimits, type PlannedCall } from './source-plan.js';

/** The one method of the gateway the gather needs (tests pass a fake shaped like it). */
export interface ToolCaller {
  call(name: string, input: unknown, caller: Caller, options?: CallOptions): Promise<GatewayResult>;
}

export interface GatherOptions {
  /** Look back this many hours from now in every source. Default 24. */
  windowHours?: number;
  /** Most calls in flight at once. Default 16. */
  maxConcurrency?: number;
  limits?: Partial<PlanLimits>;
  /** Source of "now" for the window bounds (the tools use the gateway's clock). */
  clock?: Clock;
  /** Milliseconds timer for durations. Default performance.now. */
  timer?: () => number;
  signal?: AbortSignal;
}

/** How one read went. */
export interface SourceReport {
  tool: string;
  /** What it was asked about, e.g. `hostname workstation-042`, `logons`. */
  subject: string;
  purpose: 'incident' | 'events' | 'enrichment';
  ok: boolean;
  /** The gateway outcome: succeeded, failed, denied, invalid, … */
  outcome: string;
  /** Events (or enrichment records) it returned. */
  count: number;
  /** The gateway cut the output to its size cap: some records may be missing. */
  truncated?: boolean;
  error?: string;
  durationMs: number;
}

export interface GatheredIncident {
  /** The normalised XDR incident (incident finding). */
  incident: SecurityEvent;
  observables: IncidentObservables;
  /** The window every source was asked about, ISO-8601. */
  window: { from: string; to: string };
  /** Every event returned, de-duplicated by id, oldest first; not yet scoped. */
  events: SecurityEvent[];
  enrichment: IncidentEnrichment;
  sources: SourceReport[];
  /** Some source failed or was cut: the events are what the others returned. */
  partial: boolean;
  timing: {
    /** Wall time of the whole gather, incident read included, in milliseconds. */
    wallMs: number;
    /** Wall time of the parallel fan-out after the incident read. */
    fanOutWallMs: number;
    /** Sum of the fan-out calls' own durations: their cost had they run one after another. */
    fanOutSumMs: number;
  };
}

const eventSchema = z
  .object({
    id: z.string(),
    time: z.string(),
    class: z.enum(['detection_finding', 'incident_finding', 'network_activity', 'dns_activity', 'process_activity', 'file_activity', 'authentication', 'email_activity', 'other']),
    classUid: z.number(),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    source: z.string(),
    title: z.string(),
    entities: z.object({ hosts: z.array(z.string()), users: z.array(z.string()), ips: z.array(z.string()), domains: z.array(z.string()), hashes: z.array(z.string()), urls: z.array(z.string()) }),
    message: z.string().optional(),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    raw: z.unknown(),
  })
  .loose();

/** A validated event, rebuilt field by field (extra fields the output carried are not kept). */
function toSecurityEvent(data: z.infer<typeof eventSchema>): SecurityEvent {
  return {
    id: data.id, time: data.time, class: data.class, classUid: data.classUid, severity: data.severity, source: data.source, title: data.title,
    ...(data.message === undefined ? {} : { message: data.message }),
    entities: data.entities, fields: data.fields, raw: data.raw,
  };
}
const eventsOutputSchema = z.object({ events: z.array(z.unknown()) }).loose();
const incidentOutputSchema = z.union([z.object({ found: z.literal(true), incident: eventSchema }).loose(), z.object({ found: z.literal(false) }).loose()]);

/**
 * Gathers everything the sources hold about one XDR incident, through the gateway only: reads
 * the incident, then runs every per-source read and enrichment at once (up to `maxConcurrency`).
 * A failed source does not lose the others: it is reported in `sources` and `partial` is set.
 * The caller is narrowed to read scope, so the gather can never change anything.
 */
export async function gatherIncidentEvents(gateway: ToolCaller, caller: Caller, incidentId: string, options: GatherOptions = {}): Promise<GatheredIncident> {
  const timer = options.timer ?? (() => performance.now());
  const windowHours = options.windowHours ?? 24;
  const readOnly: Caller = {
    ...caller,
    permissions: { tools: caller.permissions.tools, scopes: { read: caller.permissions.scopes.read, write: false, execute: false } },
  };
  const callOptions: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
  const started = timer();

  const incidentStarted = timer();
  const incidentResult = await gateway.call('cisco_xdr.get_incident', { incident_id: incidentId }, readOnly, callOptions);
  const incidentReport: SourceReport = { tool: 'cisco_xdr.get_incident', subject: incidentId, purpose: 'incident', ok: false, outcome: incidentResult.outcome, count: 0, durationMs: timer() - incidentStarted };
  if (incidentResult.outcome !== 'succeeded') {
    throw new IncidentFetchError(`cannot read incident ${incidentId}: ${describeGatewayFailure(incidentResult)}`, { incidentId, outcome: incidentResult.outcome, notFound: false });
  }
  const parsedIncident = incidentOutputSchema.safeParse(incidentResult.output);
  if (!parsedIncident.success) throw new IncidentFetchError(`cisco_xdr.get_incident returned an unexpected shape for ${incidentId}`, { incidentId, outcome: 'succeeded', notFound: false, cause: parsedIncident.error });
  if (!('incident' in parsedIncident.data) || parsedIncident.data.found !== true) throw new IncidentFetchError(`incident ${incidentId} not found`, { incidentId, outcome: 'succeeded', notFound: true });
  const incident = toSecurityEvent(parsedIncident.data.incident);
  incidentReport.ok = true;
  incidentReport.count = 1;

  const observables = incidentObservables(incident);
  const plan = planSourceCalls(observables, windowHours, { ...DEFAULT_PLAN_LIMITS, ...options.limits });
  const fanOut = await runSourcePlan(gateway, readOnly, plan, { ...options, timer });
  const now = options.clock?.now() ?? new Date();
  const sources: SourceReport[] = [incidentReport, ...fanOut.sources];
  return {
    incident,
    observables,
    window: { from: new Date(now.getTime() - windowHours * 3_600_000).toISOString(), to: now.toISOString() },
    events: fanOut.events,
    enrichment: fanOut.enrichment,
    sources,
    partial: sources.some((source) => !source.ok || source.truncated === true),
    timing: { wallMs: timer() - started, fanOutWallMs: fanOut.wallMs, fanOutSumMs: fanOut.sources.reduce((sum, source) => sum + source.durationMs, 0) },
  };
}

/** What a planned fan-out returned: events (de-duplicated, oldest first), enrichment, one report per call. */
export interface SourcePlanResult {
  events: SecurityEvent[];
  enrichment: IncidentEnrichment;
  sources: SourceReport[];
  wallMs: number;
}

/**
 * Runs planned reads at once (up to `maxConcurrency`) as a read-only caller and folds their
 * outputs; a failed call is reported, never fatal. Used for incidents and for single assets.
 */
export async function runSourcePlan(gateway: ToolCaller, caller: Caller, plan: readonly PlannedCall[], options: Pick<GatherOptions, 'maxConcurrency' | 'timer' | 'signal'> = {}): Promise<SourcePlanResult> {
  const timer = options.timer ?? (() => performance.now());
  const readOnly: Caller = { ...caller, permissions: { tools: caller.permissions.tools, scopes: { read: caller.permissions.scopes.read, write: false, execute: false } } };
  const callOptions: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
  const started = timer();
  const outcomes = await runLimited(plan, options.maxConcurrency ?? 16, async (call) => {
    const callStarted = timer();
    const result = await gateway.call(call.tool, call.input, readOnly, callOptions);
    return { call, result, durationMs: timer() - callStarted };
  });
  const wallMs = timer() - started;
  const byId = new Map<string, SecurityEvent>();
  const enrichment = emptyEnrichment();
  const sources = outcomes.map(({ call, result, durationMs }) => reportOf(call, result, durationMs, byId, enrichment));
  const events = [...byId.values()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id));
  return { events, enrichment, sources, wallMs };
}

function reportOf(call: PlannedCall, result: GatewayResult, durationMs: number, byId: Map<string, SecurityEvent>, enrichment: IncidentEnrichment): SourceReport {
  const base = { tool: call.tool, subject: call.subject, purpose: call.purpose, outcome: result.outcome, durationMs };
  if (result.outcome !== 'succeeded') return { ...base, ok: false, count: 0, error: describeGatewayFailure(result) };
  const truncated = result.truncated ? { truncated: true } : {};
  if (call.purpose === 'enrichment') {
    const before = enrichment.observables.length + enrichment.hosts.length;
    if (!foldEnrichment(enrichment, call.tool, result.output)) return { ...base, ...truncated, ok: false, count: 0, error: 'unexpected output shape' };
    return { ...base, ...truncated, ok: true, count: enrichment.observables.length + enrichment.hosts.length - before };
  }
  const parsed = eventsOutputSchema.safeParse(result.output);
  if (!parsed.success) return { ...base, ...truncated, ok: false, count: 0, error: 'output has no events list' };
  let count = 0;
  // Items that are not events (a size-cap marker, a malformed record) are skipped, not fatal.
  for (const item of parsed.data.events) {
    const event = eventSchema.safeParse(item);
    if (!event.success) continue;
    count += 1;
    if (!byId.has(event.data.id)) byId.set(event.data.id, toSecurityEvent(event.data));
  }
  return { ...base, ...truncated, ok: true, count };
}


