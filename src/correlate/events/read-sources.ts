import type { SecurityEvent } from '../../connectors/model/index.js';
import type { Caller } from '../../gateway/caller.js';
import { runLimited } from '../../core/run-limited.js';
import { describeGatewayFailure, type GatewayResult } from '../../gateway/gateway-result.js';
import type { ToolCaller } from '../../investigate/gather/index.js';
import type { EventSourceName, SourceRead } from './event-sources.js';
import { eventsOfOutput } from './security-event-schema.js';

/** How one read went. A failed source is reported here, never fatal. */
export interface SourceReport {
  source: EventSourceName;
  tool: string;
  subject: string;
  ok: boolean;
  /** The gateway outcome: succeeded, failed, denied, invalid, … */
  outcome: string;
  /** Events it returned. */
  count: number;
  /** As many records as asked for came back (or the gateway cut the output): some may be missing. */
  truncated?: boolean;
  error?: string;
  durationMs: number;
}

export interface ReadSourcesResult {
  /** Every event returned, de-duplicated by id, oldest first. */
  events: SecurityEvent[];
  /** One report per read, in read order. */
  reports: SourceReport[];
}

export interface ReadSourcesOptions {
  /** Most reads in flight at once. Default 8. */
  maxConcurrency?: number;
  signal?: AbortSignal;
  timer?: () => number;
  /** A product's "not found" (an unknown host) is an empty answer, not a failure (pivots). */
  notFoundIsEmpty?: boolean;
}

/**
 * Runs reads through the gateway at once (bounded), as `caller` (read scope only). Tool outputs
 * are untrusted: events are checked one by one and malformed items skipped.
 */
export async function readSources(gateway: ToolCaller, caller: Caller, reads: readonly SourceRead[], options: ReadSourcesOptions = {}): Promise<ReadSourcesResult> {
  const timer = options.timer ?? (() => performance.now());
  const readOnly: Caller = { ...caller, permissions: { tools: caller.permissions.tools, scopes: { read: caller.permissions.scopes.read, write: false, execute: false } } };
  const results = await runLimited(reads, options.maxConcurrency ?? 8, async (read) => {
    const started = timer();
    let result: GatewayResult | { thrown: string };
    try {
      result = await gateway.call(read.tool, read.input, readOnly, options.signal === undefined ? {} : { signal: options.signal });
    } catch (error) {
      result = { thrown: error instanceof Error ? error.message : String(error) };
    }
    return { read, result, durationMs: timer() - started };
  });
  const byId = new Map<string, SecurityEvent>();
  const reports = results.map(({ read, result, durationMs }): SourceReport => {
    const base = { source: read.source, tool: read.tool, subject: read.subject, durationMs };
    if ('thrown' in result) return { ...base, ok: false, outcome: 'failed', count: 0, error: result.thrown };
    if (result.outcome !== 'succeeded') {
      if (options.notFoundIsEmpty === true && result.outcome === 'failed' && result.error.code === 'connector_not_found') return { ...base, ok: true, outcome: 'not_found', count: 0 };
      return { ...base, ok: false, outcome: result.outcome, count: 0, error: describeGatewayFailure(result) };
    }
    const events = eventsOfOutput(result.output, read.tool === 'cisco_xdr.search_incidents' ? 'incidents' : 'events');
    if (events === undefined) return { ...base, ok: false, outcome: result.outcome, count: 0, error: 'output has no events list' };
    for (const event of events) if (!byId.has(event.id)) byId.set(event.id, event);
    const truncated = result.truncated || events.length >= read.limit;
    return { ...base, ok: true, outcome: result.outcome, count: events.length, ...(truncated ? { truncated: true } : {}) };
  });
  const events = [...byId.values()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id));
  return { events, reports };
}


