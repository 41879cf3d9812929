import type { HttpDependencies } from '../connector.js';
import { z } from 'zod';
import { ConfigError } from '../../core/errors/index.js';
import { HttpClient, noAuth, staticHeader, type HttpResponse } from '../http/index.js';

/** The REST API's versioned media type; without it PagerDuty does not know which API version is meant. */
export const PAGERDUTY_ACCEPT = 'application/vnd.pagerduty+json;version=2';
/** Largest page the REST API serves. */
export const PAGERDUTY_MAX_PAGE_SIZE = 100;
/** Offset paging stops working past this many records. */
const PAGERDUTY_MAX_OFFSET = 10_000;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type PagerDutyIncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** Events API v2 reply (202 on success). */
export const eventResponseSchema = z
  .object({
    status: z.string(),
    message: z.string().optional(),
    dedup_key: z.string().optional(),
    errors: z.union([z.array(z.string()), z.string()]).optional(),
  })
  .loose();
export type PagerDutyEventResponse = z.infer<typeof eventResponseSchema>;

const referenceSchema = z.object({ id: z.string(), summary: z.string().optional() }).loose();

export const pagerDutyIncidentSchema = z
  .object({
    id: z.string(),
    incident_number: z.number().optional(),
    title: z.string().optional(),
    summary: z.string().optional(),
    status: z.string(),
    urgency: z.string().optional(),
    incident_key: z.string().nullable().optional(),
    created_at: z.string(),
    updated_at: z.string().optional(),
    service: referenceSchema.optional(),
    assignments: z.array(z.object({ assignee: referenceSchema.optional() }).loose()).optional(),
    html_url: z.string().optional(),
  })
  .loose();
export type PagerDutyIncident = z.infer<typeof pagerDutyIncidentSchema>;

const incidentListSchema = z
  .object({
    incidents: z.array(pagerDutyIncidentSchema),
    limit: z.number().optional(),
    offset: z.number().optional(),
    more: z.boolean().optional(),
    total: z.number().nullable().optional(),
  })
  .loose();

const incidentEnvelopeSchema = z.object({ incident: pagerDutyIncidentSchema }).loose();

export interface PagerDutyTrigger {
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  dedupKey: string;
  component?: string;
  group?: string;
  class?: string;
  customDetails?: Record<string, unknown>;
  links?: Array<{ href: string; text?: string }>;
}

export interface ListIncidentsOptions {
  statuses?: PagerDutyIncidentStatus[];
  urgencies?: Array<'high' | 'low'>;
  since?: Date;
  until?: Date;
  incidentKey?: string;
  /** Records per request (1–100). */
  pageSize?: number;
  /** Stop after this many records in all. */
  maxRecords?: number;
  signal?: AbortSignal;
}

export interface PagerDutyClientOptions extends HttpDependencies {
  /** REST base, e.g. https://api.pagerduty.com or `${lab}/pagerduty/api`. */
  restUrl: string;
  /** Events base, e.g. https://events.pagerduty.com or `${lab}/pagerduty/events`. */
  eventsUrl: string;
  /** Read lazily: an integration may use only one of the two APIs. */
  apiToken: () => string | undefined;
  routingKey: () => string | undefined;
  fromEmail?: string;
}

/**
 * PagerDuty over two host families: Events API v2 (trigger/acknowledge/resolve, authenticated by
 * the routing key in the body) and REST API v2 (incidents, `Authorization: Token token=…`).
 */
export class PagerDutyClient {
  readonly #options: PagerDutyClientOptions;
  #rest: HttpClient | undefined;
  readonly #events: HttpClient;

  constructor(options: PagerDutyClientOptions) {
    this.#options = options;
    this.#events = new HttpClient({ ...this.#shared(), product: 'pagerduty', baseUrl: options.eventsUrl, auth: noAuth() });
  }

  /** Sends a trigger. A repeat with the same dedup key while the incident is open adds to it instead of paging again. */
  trigger(event: PagerDutyTrigger, signal?: AbortSignal): Promise<PagerDutyEventResponse> {
    return this.#enqueue(
      {
        event_action: 'trigger',
        dedup_key: event.dedupKey,
        payload: {
          summary: event.summary,
          source: event.source,
          severity: event.severity,
          timestamp: this.#options.clock.now().toISOString(),
          ...(event.component === undefined ? {} : { component: event.component }),
          ...(event.group === undefined ? {} : { group: event.group }),
          ...(event.class === undefined ? {} : { class: event.class }),
          ...(event.customDetails === undefined ? {} : { custom_details: event.customDetails }),
        },
        client: 'DefenseClaw',
        ...(event.links === undefined || event.links.length === 0 ? {} : { links: event.links }),
      },
      signal,
    );
  }

  acknowledge(dedupKey: string, signal?: AbortSignal): Promise<PagerDutyEventResponse> {
    return this.#enqueue({ event_action: 'acknowledge', dedup_key: dedupKey }, signal);
  }

  resolve(dedupKey: string, signal?: AbortSignal): Promise<PagerDutyEventResponse> {
    return this.#enqueue({ event_action: 'resolve', dedup_key: dedupKey }, signal);
  }

  async #enqueue(event: Record<string, unknown>, signal: AbortSignal | undefined): Promise<PagerDutyEventResponse> {
    const routingKey = this.#options.routingKey();
    if (routingKey === undefined || routingKey === '') {
      throw new ConfigError({ path: 'integrations.pagerduty.routing_key', message: 'is not set; the Events API needs an integration routing key' });
    }
    // Not marked idempotent: a mutating call is never re-sent once PagerDuty may have seen it.
    const response = await this.#events.post('/v2/enqueue', {
      json: { routing_key: routingKey, ...event },
      schema: eventResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /** Incidents matching the filters, oldest first, walking every page (offset/limit until `more` is false). */
  async *incidents(options: ListIncidentsOptions = {}): AsyncGenerator<PagerDutyIncident> {
    const pageSize = Math.min(Math.max(options.pageSize ?? PAGERDUTY_MAX_PAGE_SIZE, 1), PAGERDUTY_MAX_PAGE_SIZE);
    const maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
    let offset = 0;
    let yielded = 0;
    for (;;) {
      const { data } = await this.#restClient().get('/incidents', {
        query: {
          'statuses[]': options.statuses,
          'urgencies[]': options.urgencies,
          since: options.since?.toISOString(),
          until: options.until?.toISOString(),
          incident_key: options.incidentKey,
          sort_by: 'created_at:asc',
          limit: pageSize,
          offset,
        },
        schema: incidentListSchema,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      for (const incident of data.incidents) {
        if (yielded >= maxRecords) return;
        yielded += 1;
        yield incident;
      }
      if (data.more !== true || data.incidents.length === 0) return;
      offset += data.incidents.length;
      if (offset >= PAGERDUTY_MAX_OFFSET) return;
    }
  }

  async listIncidents(options: ListIncidentsOptions = {}): Promise<PagerDutyIncident[]> {
    const all: PagerDutyIncident[] = [];
    for await (const incident of this.incidents(options)) all.push(incident);
    return all;
  }

  async getIncident(id: string, signal?: AbortSignal): Promise<PagerDutyIncident> {
    const { data } = await this.#restClient().get(`/incidents/${encodeURIComponent(id)}`, {
      schema: incidentEnvelopeSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return data.incident;
  }

  /** One cheap authenticated REST read (for `doctor`). */
  probe(signal?: AbortSignal): Promise<HttpResponse<z.infer<typeof incidentListSchema>>> {
    return this.#restClient().get('/incidents', { query: { limit: 1 }, schema: incidentListSchema, ...(signal === undefined ? {} : { signal }) });
  }

  get hasRestApi(): boolean {
    const token = this.#options.apiToken();
    return token !== undefined && token !== '';
  }

  #restClient(): HttpClient {
    if (this.#rest !== undefined) return this.#rest;
    const token = this.#options.apiToken();
    if (token === undefined || token === '') {
      throw new ConfigError({ path: 'integrations.pagerduty.api_token', message: 'is not set; the REST API needs an API token' });
    }
    this.#rest = new HttpClient({
      ...this.#shared(),
      product: 'pagerduty',
      baseUrl: this.#options.restUrl,
      auth: staticHeader('authorization', `Token token=${token}`),
      defaultHeaders: {
        accept: PAGERDUTY_ACCEPT,
        // Account-level keys need a user on writes; harmless on reads.
        ...(this.#options.fromEmail === undefined ? {} : { from: this.#options.fromEmail }),
      },
    });
    return this.#rest;
  }

  #shared() {
    const options = this.#options;
    return {
      clock: options.clock,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
  }
}
