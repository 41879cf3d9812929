import { z } from 'zod';
import { ConnectorInvalidResponseError, ConnectorUpstreamError, type HttpClient, type HttpResponse } from '../http/index.js';

/*
 * Typed calls to Splunk (connectors.md §5): search jobs (create → poll → results with
 * count/offset), export (newline-delimited JSON in one response) and the HTTP Event Collector.
 * Everything asks for output_mode=json; the default is Atom XML.
 */

const JOBS_PATH = '/services/search/v2/jobs';
const EXPORT_PATH = '/services/search/v2/jobs/export';
const HEC_EVENT_PATH = '/services/collector/event';
/** Rows per results page when walking a job's results. */
export const SPLUNK_RESULTS_PAGE_SIZE = 1000;
/** Upper bound on rows collected from one search. */
export const SPLUNK_MAX_ROWS = 50_000;

/** One result row: Splunk sends every value as a string, multivalue fields as string arrays. */
export type SplunkRow = Record<string, string | string[]>;

const messageSchema = z.object({ type: z.string().optional(), text: z.string().optional() }).loose();
const jobCreatedSchema = z.object({ sid: z.string().min(1) }).loose();
const jobStatusSchema = z
  .object({
    entry: z
      .array(
        z
          .object({
            content: z
              .object({
                sid: z.string().optional(),
                dispatchState: z.string(),
                isDone: z.boolean().optional(),
                isFailed: z.boolean().optional(),
                resultCount: z.number().optional(),
                eventCount: z.number().optional(),
                messages: z.array(messageSchema).optional(),
              })
              .loose(),
          })
          .loose(),
      )
      .min(1),
  })
  .loose();
const resultsSchema = z.object({ results: z.array(z.record(z.string(), z.unknown())).default([]), messages: z.array(messageSchema).optional() }).loose();
const hecResponseSchema = z.object({ text: z.string(), code: z.number() }).loose();
const exportLineSchema = z
  .object({
    result: z.record(z.string(), z.unknown()).optional(),
    results: z.array(z.record(z.string(), z.unknown())).optional(),
    messages: z.array(messageSchema).optional(),
    preview: z.boolean().optional(),
  })
  .loose();

export interface JobStatus {
  sid: string;
  dispatchState: string;
  isDone: boolean;
  isFailed: boolean;
  resultCount: number;
  messages: string[];
}

export interface SearchOptions {
  /** Splunk time modifier, e.g. `-4h`, `-7d@d`, epoch seconds. */
  earliest?: string;
  latest?: string;
  /** Most rows to collect. */
  maxRows?: number;
  signal?: AbortSignal;
}

/** One HEC envelope (connectors.md §5.4). */
export interface HecEnvelope {
  event: string | Record<string, unknown>;
  /** Epoch seconds, fractions allowed. */
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  fields?: Record<string, string | string[]>;
}

export interface SplunkClientOptions {
  rest: HttpClient;
  /** The HEC client; absent when `hec_url`/`hec_token` are not configured. */
  hec?: HttpClient;
  sleep?: (milliseconds: number) => Promise<void>;
  /** Interval between job status polls, in milliseconds. Default 1000. */
  pollIntervalMs?: number;
  /** Polls before giving up on a job. Default 300. */
  maxPolls?: number;
}

/** Splunk REST searches must start with a generating command; a bare query gets `search `. */
export function withGeneratingCommand(query: string): string {
  const trimmed = query.trim();
  return /^(search\b|\|)/i.test(trimmed) ? trimmed : `search ${trimmed}`;
}

function toRow(record: Record<string, unknown>): SplunkRow {
  const row: SplunkRow = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') row[key] = value;
    else if (Array.isArray(value)) row[key] = value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
    else row[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return row;
}

function failureText(messages: Array<z.infer<typeof messageSchema>> | undefined): string | undefined {
  const bad = (messages ?? []).find((message) => message.type === 'FATAL' || message.type === 'ERROR');
  return bad?.text;
}

export class SplunkClient {
  readonly rest: HttpClient;
  readonly hec: HttpClient | undefined;
  private readonly sleep: (milliseconds: number) => Promise<void>;
  private readonly pollIntervalMs: number;
  private readonly maxPolls: number;

  constructor(options: SplunkClientOptions) {
    this.rest = options.rest;
    this.hec = options.hec;
    this.sleep = options.sleep ?? ((milliseconds) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxPolls = options.maxPolls ?? 300;
  }

  private form(query: string, options: SearchOptions, extra: Record<string, string> = {}): Record<string, string> {
    return {
      search: withGeneratingCommand(query),
      output_mode: 'json',
      ...(options.earliest === undefined ? {} : { earliest_time: options.earliest }),
      ...(options.latest === undefined ? {} : { latest_time: options.latest }),
      ...extra,
    };
  }

  /** Starts a search job. Not idempotent: a re-send would start a second job. */
  async createJob(query: string, options: SearchOptions = {}): Promise<string> {
    const response = await this.rest.post(JOBS_PATH, {
      form: this.form(query, options, { exec_mode: 'normal' }),
      schema: jobCreatedSchema,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return response.data.sid;
  }

  async jobStatus(sid: string, signal?: AbortSignal): Promise<JobStatus> {
    const response = await this.rest.get(`${JOBS_PATH}/${encodeURIComponent(sid)}`, {
      query: { output_mode: 'json' },
      schema: jobStatusSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    const content = response.data.entry[0]!.content;
    return {
      sid,
      dispatchState: content.dispatchState,
      isDone: content.isDone ?? content.dispatchState === 'DONE',
      isFailed: content.isFailed ?? content.dispatchState === 'FAILED',
      resultCount: content.resultCount ?? 0,
      messages: (content.messages ?? []).flatMap((message) => (message.text === undefined ? [] : [message.text])),
    };
  }

  /** Polls until the job is done; a failed job is a ConnectorUpstreamError with Splunk's message. */
  async waitForJob(sid: string, signal?: AbortSignal): Promise<JobStatus> {
    for (let poll = 0; poll < this.maxPolls; poll += 1) {
      if (poll > 0) await this.sleep(this.pollIntervalMs);
      const status = await this.jobStatus(sid, signal);
      if (status.isFailed) {
        throw new ConnectorUpstreamError(`splunk search job ${sid} failed${status.messages[0] === undefined ? '' : `: ${status.messages[0]}`}`, { product: this.rest.product });
      }
      if (status.isDone) return status;
    }
    throw new ConnectorUpstreamError(`splunk search job ${sid} not done after ${this.maxPolls} polls`, { product: this.rest.product, retryable: true });
  }

  /** Walks a finished job's results with count/offset. */
  async jobResults(sid: string, options: { pageSize?: number; maxRows?: number; signal?: AbortSignal } = {}): Promise<SplunkRow[]> {
    const pageSize = Math.min(Math.max(1, options.pageSize ?? SPLUNK_RESULTS_PAGE_SIZE), SPLUNK_RESULTS_PAGE_SIZE * 10);
    const maxRows = Math.min(options.maxRows ?? SPLUNK_MAX_ROWS, SPLUNK_MAX_ROWS);
    const rows: SplunkRow[] = [];
    for (let offset = 0; rows.length < maxRows; offset += pageSize) {
      const count = Math.min(pageSize, maxRows - rows.length);
      const response = await this.rest.get(`${JOBS_PATH}/${encodeURIComponent(sid)}/results`, {
        query: { output_mode: 'json', count, offset },
        schema: resultsSchema.optional(),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const page = response.data?.results ?? [];
      rows.push(...page.map(toRow));
      if (page.length < count) break;
    }
    return rows;
  }

  /** A search through a job: create, wait, read every page. */
  async searchJob(query: string, options: SearchOptions & { pageSize?: number } = {}): Promise<{ sid: string; rows: SplunkRow[]; resultCount: number }> {
    const sid = await this.createJob(query, options);
    const status = await this.waitForJob(sid, options.signal);
    const rows = await this.jobResults(sid, {
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return { sid, rows, resultCount: status.resultCount };
  }

  /**
   * A search through /export: one response of newline-delimited JSON objects, no job to poll.
   * A read, so safe to re-send (`idempotent`).
   */
  async exportSearch(query: string, options: SearchOptions = {}): Promise<SplunkRow[]> {
    const response = await this.rest.post<string>(EXPORT_PATH, {
      form: this.form(query, options),
      idempotent: true,
      responseType: 'text',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const maxRows = Math.min(options.maxRows ?? SPLUNK_MAX_ROWS, SPLUNK_MAX_ROWS);
    const rows: SplunkRow[] = [];
    const lines = response.data.split(/\r?\n/);
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      let parsed: z.infer<typeof exportLineSchema>;
      try {
        parsed = exportLineSchema.parse(JSON.parse(line));
      } catch (error) {
        throw new ConnectorInvalidResponseError(`splunk POST ${EXPORT_PATH} returned a line that is not a JSON object (line ${index + 1})`, {
          product: this.rest.product,
          status: response.status,
          path: `line ${index + 1}`,
          cause: error,
        });
      }
      const failure = failureText(parsed.messages);
      if (failure !== undefined) throw new ConnectorUpstreamError(`splunk POST ${EXPORT_PATH} reported: ${failure.slice(0, 200)}`, { product: this.rest.product, status: response.status, summary: failure.slice(0, 200) });
      // Preview rows of a transforming search are superseded by the final ones.
      if (parsed.preview === true) continue;
      if (parsed.result !== undefined) rows.push(toRow(parsed.result));
      if (parsed.results !== undefined) rows.push(...parsed.results.map(toRow));
      if (rows.length >= maxRows) return rows.slice(0, maxRows);
    }
    return rows;
  }

  /**
   * Sends envelopes to HEC in one batch (concatenated, no array). Never re-sent after a response:
   * Splunk may have indexed part of the batch.
   */
  async sendEvents(envelopes: HecEnvelope[], signal?: AbortSignal): Promise<{ text: string; code: number }> {
    if (this.hec === undefined) throw new TypeError('splunk: HEC is not configured (integrations.splunk.hec_url and hec_token)');
    const response = await this.hec.post(HEC_EVENT_PATH, {
      body: envelopes.map((envelope) => JSON.stringify(envelope)).join('\n'),
      headers: { 'content-type': 'application/json' },
      schema: hecResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return { text: response.data.text, code: response.data.code };
  }

  /** One cheap authenticated read, for `doctor`. */
  async serverInfo(signal?: AbortSignal): Promise<HttpResponse<{ version?: string; serverName?: string }>> {
    const response = await this.rest.get('/services/server/info', {
      query: { output_mode: 'json' },
      schema: z.object({ entry: z.array(z.object({ content: z.object({ version: z.string().optional(), serverName: z.string().optional() }).loose() }).loose()).min(1) }).loose(),
      ...(signal === undefined ? {} : { signal }),
    });
    const content = response.data.entry[0]!.content;
    return { ...response, data: { ...(content.version === undefined ? {} : { version: content.version }), ...(content.serverName === undefined ? {} : { serverName: content.serverName }) } };
  }
}
