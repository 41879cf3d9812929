import { z } from 'zod';
import type { SecurityEvent } from '../model/index.js';
import { defineTool, type AnyTool } from '../tool.js';
import type { HecEnvelope, SplunkClient, SplunkRow } from './client.js';
import { normalizeSearchRows } from './normalize.js';

/** Rows shown to the model; the full result stays in the tool output. */
const MODEL_ROW_CAP = 50;
/** `_raw` characters shown to the model per row. */
const MODEL_RAW_CHARS = 300;
/** Up to this many rows, `auto` mode uses export (one request, no job to poll). */
const EXPORT_MAX_ROWS = 1000;

export interface SplunkToolOptions {
  /** Index for events sent without one (`integrations.splunk.index`). */
  defaultIndex: string;
}

const fieldValue = z.union([z.string().max(1000), z.array(z.string().max(1000)).max(50)]);

const envelopeSchema = z.object({
  event: z.union([z.string().min(1).max(100_000), z.record(z.string(), z.unknown())]).describe('The event: a string or a JSON object'),
  time: z.number().positive().optional().describe('Event time in epoch seconds (fractions allowed); now when omitted'),
  host: z.string().min(1).max(255).optional(),
  source: z.string().min(1).max(255).optional(),
  sourcetype: z.string().min(1).max(255).optional().describe('Sourcetype, default defenseclaw'),
  index: z.string().regex(/^[a-z0-9_][a-z0-9_-]*$/).optional().describe('Target index; the configured index when omitted'),
  fields: z.record(z.string(), fieldValue).optional().describe('Indexed fields (flat: string or string list)'),
});

function trimRow(row: SplunkRow): SplunkRow {
  const raw = row._raw;
  if (typeof raw !== 'string' || raw.length <= MODEL_RAW_CHARS) return row;
  return { ...row, _raw: `${raw.slice(0, MODEL_RAW_CHARS)}…` };
}

export function splunkTools(client: SplunkClient, options: SplunkToolOptions): AnyTool[] {
  const search = defineTool({
    id: 'splunk.search',
    connector: 'splunk',
    description: 'Runs an SPL search and returns its rows (and the event rows as normalised security events).',
    scope: 'read',
    input: z.object({
      query: z.string().trim().min(1).max(10_000).describe('SPL, e.g. index=wineventlog EventCode=4625 | stats count by src_ip, dest ("search" is added when missing)'),
      earliest: z.string().trim().min(1).max(64).default('-24h').describe('Start of the time range: -4h, -7d@d, epoch seconds or ISO time'),
      latest: z.string().trim().min(1).max(64).default('now').describe('End of the time range'),
      max_results: z.number().int().min(1).max(50_000).default(1000).describe('Most rows to return'),
      mode: z.enum(['auto', 'export', 'job']).default('auto').describe('export streams results in one call; job creates a search job and pages its results; auto picks export up to 1000 rows'),
    }),
    async handler(input, context): Promise<{ mode: 'export' | 'job'; sid?: string; count: number; rows: SplunkRow[]; events: SecurityEvent[] }> {
      const mode = input.mode === 'auto' ? (input.max_results <= EXPORT_MAX_ROWS ? 'export' : 'job') : input.mode;
      const searchOptions = { earliest: input.earliest, latest: input.latest, maxRows: input.max_results, ...(context.signal === undefined ? {} : { signal: context.signal }) };
      if (mode === 'export') {
        const rows = await client.exportSearch(input.query, searchOptions);
        return { mode, count: rows.length, rows, events: normalizeSearchRows(rows) };
      }
      const result = await client.searchJob(input.query, searchOptions);
      return { mode, sid: result.sid, count: result.rows.length, rows: result.rows, events: normalizeSearchRows(result.rows) };
    },
    toModelOutput: (output) => ({
      count: output.count,
      rows: output.rows.slice(0, MODEL_ROW_CAP).map(trimRow),
      ...(output.rows.length > MODEL_ROW_CAP ? { truncated: output.rows.length - MODEL_ROW_CAP } : {}),
    }),
  });

  const sendEvent = defineTool({
    id: 'splunk.send_event',
    connector: 'splunk',
    description: 'Sends events to Splunk through the HTTP Event Collector, in one batch.',
    scope: 'write',
    input: z.object({
      events: z.array(envelopeSchema).min(1).max(100).describe('Events to send (1 to 100)'),
    }),
    async handler(input, context) {
      const envelopes: HecEnvelope[] = input.events.map((event) => ({
        ...(event.time === undefined ? {} : { time: event.time }),
        ...(event.host === undefined ? {} : { host: event.host }),
        source: event.source ?? 'defenseclaw',
        sourcetype: event.sourcetype ?? 'defenseclaw',
        index: event.index ?? options.defaultIndex,
        event: event.event,
        ...(event.fields === undefined ? {} : { fields: event.fields }),
      }));
      const reply = await client.sendEvents(envelopes, context.signal);
      return { sent: envelopes.length, indexes: [...new Set(envelopes.map((envelope) => envelope.index!))], code: reply.code, text: reply.text };
    },
  });

  return [search, sendEvent] as AnyTool[];
}
