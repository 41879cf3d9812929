import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../http/index.js';

/*
 * Secure Endpoint API v1 (connectors.md §3): Basic client_id:api_key, the v1 envelope, limit/offset
 * paging that follows metadata.links.next, isolation PUT/GET/DELETE.
 */

export const computerSchema = z
  .object({
    connector_guid: z.string(),
    hostname: z.string(),
    active: z.boolean().optional(),
    connector_version: z.string().optional(),
    operating_system: z.string().optional(),
    os_version: z.string().optional(),
    internal_ips: z.array(z.string()).optional(),
    external_ip: z.string().optional(),
    windows_processor_id: z.string().optional(),
    last_seen: z.string().optional(),
    is_compromised: z.boolean().optional(),
    network_addresses: z.array(z.object({ mac: z.string().optional(), ip: z.string().optional() }).loose()).optional(),
    policy: z.object({ name: z.string().optional() }).loose().optional(),
    groups: z.array(z.object({ name: z.string().optional() }).loose()).optional(),
    isolation: z.object({ available: z.boolean().optional(), status: z.string().optional() }).loose().optional(),
  })
  .loose();

export const eventSchema = z
  .object({
    id: z.union([z.number(), z.string()]),
    timestamp: z.number().optional(),
    date: z.string(),
    event_type: z.string(),
    event_type_id: z.number().optional(),
    severity: z.string().optional(),
    detection: z.string().optional(),
    connector_guid: z.string().optional(),
    computer: z.object({ hostname: z.string().optional(), connector_guid: z.string().optional(), network_addresses: z.array(z.object({ ip: z.string().optional() }).loose()).optional() }).loose().optional(),
    file: z
      .object({
        disposition: z.string().optional(),
        file_name: z.string().optional(),
        file_path: z.string().optional(),
        identity: z.object({ sha256: z.string().optional() }).loose().optional(),
        parent: z.object({ file_name: z.string().optional() }).loose().optional(),
      })
      .loose()
      .optional(),
    network_info: z.object({ local_ip: z.string().optional(), remote_ip: z.string().optional(), remote_port: z.number().optional(), dirty_url: z.string().optional() }).loose().optional(),
    command_line: z.object({ arguments: z.string().optional() }).loose().optional(),
    cloud_ioc: z.object({ description: z.string().optional(), short_description: z.string().optional() }).loose().optional(),
  })
  .loose();

export const isolationSchema = z
  .object({ available: z.boolean().optional(), status: z.string(), comment: z.string().optional(), unlock_code: z.string().optional() })
  .loose();

export type SecureEndpointComputer = z.infer<typeof computerSchema>;
export type SecureEndpointEvent = z.infer<typeof eventSchema>;
export type SecureEndpointIsolation = z.infer<typeof isolationSchema>;

const links = z.object({ self: z.string().optional(), next: z.string().optional() }).loose();
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ version: z.string().optional(), metadata: z.object({ links: links.optional(), results: z.object({ total: z.number().optional() }).loose().optional() }).loose(), data: z.array(item) }).loose();
/** A page checked without copying: the fields of each record the connector reads, in strip mode (see `#pages`). */
const pageCheckOf = <T extends z.ZodObject>(item: T) =>
  z.object({ metadata: z.object({ links: links.optional(), results: z.object({ total: z.number().optional() }).loose().optional() }).loose(), data: z.array(z.object(item.shape)) });
const one = <T extends z.ZodType>(item: T) => z.object({ data: item }).loose();

export interface ComputerFilter {
  hostname?: string;
  internalIp?: string;
  /** Seen within this many seconds. */
  lastSeenWithinSeconds?: number;
}

export interface EventFilter {
  connectorGuid?: string;
  sha256?: string;
  /** ISO-8601. */
  since?: string;
  eventTypeIds?: number[];
}

/** Page size the API allows at most. */
export const MAX_PAGE_SIZE = 500;

export class SecureEndpointClient {
  constructor(
    readonly http: HttpClient,
    readonly pageSize = MAX_PAGE_SIZE,
    /** Pages requested at once after the first (the queue still caps concurrency). */
    readonly parallelPages = 4,
  ) {}

  /** Every computer matching the filter (at most `max`), page by page. */
  async *computers(filter: ComputerFilter = {}, signal?: AbortSignal, max = Number.POSITIVE_INFINITY): AsyncGenerator<SecureEndpointComputer> {
    // An unfiltered listing is an inventory sweep: large, so worth asking for pages ahead.
    const sweep = filter.hostname === undefined && filter.internalIp === undefined && filter.lastSeenWithinSeconds === undefined;
    yield* this.#pages('/v1/computers', computerQuery(filter), computerSchema, signal, sweep, max);
  }

  async listComputers(filter: ComputerFilter = {}, max = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<SecureEndpointComputer[]> {
    const out: SecureEndpointComputer[] = [];
    for await (const computer of this.computers(filter, signal, max)) {
      out.push(computer);
      if (out.length >= max) break;
    }
    return out;
  }

  async getComputer(connectorGuid: string, signal?: AbortSignal): Promise<SecureEndpointComputer> {
    const response = await this.http.request({ method: 'GET', path: `/v1/computers/${encodeURIComponent(connectorGuid)}`, schema: one(computerSchema), ...(signal === undefined ? {} : { signal }) });
    return response.data.data;
  }

  /** The computer for a host name (short or FQDN) or a connector GUID; undefined when none. */
  async resolveComputer(hostOrGuid: string, signal?: AbortSignal): Promise<SecureEndpointComputer | undefined> {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hostOrGuid)) return this.getComputer(hostOrGuid, signal);
    const wanted = hostOrGuid.toLowerCase();
    const candidates = await this.listComputers({ hostname: wanted }, 50, signal);
    return candidates.find((computer) => computer.hostname.toLowerCase() === wanted || computer.hostname.toLowerCase().split('.')[0] === wanted.split('.')[0]);
  }

  async trajectory(connectorGuid: string, options: { query?: string; limit?: number } = {}, signal?: AbortSignal): Promise<{ computer: SecureEndpointComputer; events: SecureEndpointEvent[] }> {
    const response = await this.http.request({
      method: 'GET',
      path: `/v1/computers/${encodeURIComponent(connectorGuid)}/trajectory`,
      query: { q: options.query, limit: options.limit },
      schema: one(z.object({ computer: computerSchema, events: z.array(eventSchema) }).loose()),
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data.data;
  }

  async *events(filter: EventFilter = {}, signal?: AbortSignal): AsyncGenerator<SecureEndpointEvent> {
    yield* this.#pages(
      '/v1/events',
      {
        'connector_guid[]': filter.connectorGuid === undefined ? undefined : [filter.connectorGuid],
        detection_sha256: filter.sha256,
        start_date: filter.since,
        'event_type[]': filter.eventTypeIds,
      },
      eventSchema,
      signal,
    );
  }

  async listEvents(filter: EventFilter = {}, max = 1000, signal?: AbortSignal): Promise<SecureEndpointEvent[]> {
    const out: SecureEndpointEvent[] = [];
    for await (const event of this.events(filter, signal)) {
      out.push(event);
      if (out.length >= max) break;
    }
    return out;
  }

  async isolation(connectorGuid: string, signal?: AbortSignal): Promise<SecureEndpointIsolation> {
    const response = await this.http.request({ method: 'GET', path: `/v1/computers/${encodeURIComponent(connectorGuid)}/isolation`, schema: one(isolationSchema), ...(signal === undefined ? {} : { signal }) });
    return response.data.data;
  }

  async startIsolation(connectorGuid: string, comment: string, signal?: AbortSignal): Promise<SecureEndpointIsolation> {
    const response = await this.http.request({ method: 'PUT', path: `/v1/computers/${encodeURIComponent(connectorGuid)}/isolation`, json: { comment }, schema: one(isolationSchema), ...(signal === undefined ? {} : { signal }) });
    return response.data.data;
  }

  async stopIsolation(connectorGuid: string, comment: string, signal?: AbortSignal): Promise<SecureEndpointIsolation> {
    const response = await this.http.request({ method: 'DELETE', path: `/v1/computers/${encodeURIComponent(connectorGuid)}/isolation`, json: { comment }, schema: one(isolationSchema), ...(signal === undefined ? {} : { signal }) });
    return response.data.data;
  }

  /** Cheapest authenticated read (doctor). */
  async version(signal?: AbortSignal): Promise<HttpResponse<unknown>> {
    return this.http.request({ method: 'GET', path: '/v1/version', ...(signal === undefined ? {} : { signal }) });
  }

  /**
   * Walks limit/offset pages, `parallelPages` requests at a time (the connector's queue still
   * caps concurrency and rate), yielding records in order. The first page gives the total; a
   * full scan (`speculative`) does not wait for it and asks for the first window of pages at
   * once, so 20 pages cost 20 / parallelPages round trips. A product that sends no total is
   * walked one `links.next` at a time.
   */
  async *#pages<T extends z.ZodObject>(
    path: string,
    query: Record<string, string | number | boolean | undefined | Array<string | number>>,
    item: T,
    signal?: AbortSignal,
    speculative = false,
    /** Records wanted at most: no page past it is requested. */
    max = Number.POSITIVE_INFINITY,
  ): AsyncGenerator<z.output<T>> {
    // Pages are checked, not copied: a sweep reads 10,000 computers, and zod's copy of each record
    // (every unknown field included) cost more than the check. The records carry no transforms, so
    // the record as received is what the loose schema would have returned.
    const check = pageCheckOf(item);
    // Offsets advance by the product's page size: ours, unless the first page shows a smaller one.
    let step = this.pageSize;
    const fetchPage = (offset: number) => {
      const pending = this.http.request<z.output<ReturnType<typeof pageOf<T>>>>({
        method: 'GET',
        path,
        query: { ...query, limit: step, offset },
        check,
        ...(signal === undefined ? {} : { signal }),
      });
      // A page the consumer never awaits (it stopped early) must not become an unhandled rejection.
      pending.catch(() => {});
      return pending;
    };
    let total: number | undefined;
    let sequential = false;
    let nextOffset = 0;
    const inFlight: Array<ReturnType<typeof fetchPage>> = [];
    const refill = () => {
      const end = Math.min(max, total ?? (speculative ? this.parallelPages * step : step));
      while (!sequential && inFlight.length < this.parallelPages && nextOffset < end) {
        inFlight.push(fetchPage(nextOffset));
        nextOffset += step;
      }
    };
    refill();
    while (inFlight.length > 0) {
      const page = await inFlight.shift()!;
      if (total === undefined) {
        total = page.data.metadata.results?.total;
        if (total === undefined) sequential = page.data.metadata.links?.next !== undefined;
        const size = page.data.data.length;
        if (total !== undefined && size > 0 && size < step && size < total) {
          // The product serves smaller pages than asked: the pages asked for ahead would leave
          // gaps, so they are dropped and the walk goes on in the product's page size.
          step = size;
          inFlight.length = 0;
          nextOffset = size;
        }
      }
      refill();
      for (const entry of page.data.data) yield entry as z.output<T>;
      if (sequential) {
        const next = page.data.metadata.links?.next;
        const offset = next === undefined || page.data.data.length === 0 ? Number.NaN : Number(new URL(next).searchParams.get('offset'));
        if (Number.isFinite(offset) && offset >= nextOffset) {
          nextOffset = offset + step;
          inFlight.push(fetchPage(offset));
        }
      }
    }
  }
}

function computerQuery(filter: ComputerFilter): Record<string, string | number | undefined | string[]> {
  return {
    'hostname[]': filter.hostname === undefined ? undefined : [filter.hostname],
    internal_ip: filter.internalIp,
    last_seen_within: filter.lastSeenWithinSeconds,
  };
}
