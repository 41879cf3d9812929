import { z } from 'zod';
import type { ConnectorDependencies } from '../connector.js';
import { httpDependencies } from '../connector.js';
import { ConnectorInvalidResponseError, HttpClient, joinUrl, oauth2ClientCredentials, type AuthStrategy, type HttpResponse } from '../http/index.js';
import { ctiaShortId } from './ctia-id.js';
import type { XdrBaseUrls } from './hosts.js';
import {
  enrichResponseSchema,
  incidentSchema,
  inspectResponseSchema,
  responseActionsSchema,
  sightingSchema,
  triggerResponseSchema,
  type Observable,
  type XdrEnrichResponse,
  type XdrIncident,
  type XdrModuleError,
  type XdrResponseAction,
  type XdrSighting,
} from './schemas.js';

export const XDR_PRODUCT = 'cisco-xdr';

/** Rate-limit header XDR sends on every response (8000 per rolling hour per org, §1.3). */
export const XDR_RATE_LIMIT_HEADER = 'X-Ratelimit-Org-Limit';
export const XDR_RATE_REMAINING_HEADER = 'X-Ratelimit-Org-Remaining';

export interface CiscoXdrClientOptions {
  baseUrls: XdrBaseUrls;
  clientId: string;
  clientSecret: string;
  /** Records per CTIA page (default 100); tests use small pages to exercise paging. */
  pageSize?: number;
}

export interface PageWalkOptions {
  /** Stop after this many records in all (default 1000). */
  maxRecords?: number;
}

export interface IncidentSearchOptions extends PageWalkOptions {
  /** Lucene query; `*` (default) matches everything. */
  query?: string;
  status?: string;
  /** ISO-8601 window on the incident timestamp. */
  from?: string;
  to?: string;
}

export interface SightingSearchOptions extends PageWalkOptions {
  from?: string;
  to?: string;
}

export interface PagedResult<T> {
  records: T[];
  /** `X-Total-Hits` of the first page, when sent. */
  total?: number;
  /** More records existed than maxRecords allowed. */
  truncated: boolean;
}

const DEFAULT_MAX_RECORDS = 1000;
const CTIA_MAX_PAGE_SIZE = 10_000;

/**
 * Cisco XDR over three host families (IROH, CTIA, Conure) that share one OAuth2 client-credentials
 * token from IROH. Paging of CTIA searches follows the `X-Next` header until it disappears.
 */
export class CiscoXdrClient {
  readonly iroh: HttpClient;
  readonly privateIntel: HttpClient;
  readonly conure: HttpClient;
  private readonly pageSize: number;

  constructor(options: CiscoXdrClientOptions, dependencies: ConnectorDependencies) {
    const auth: AuthStrategy = oauth2ClientCredentials({
      product: XDR_PRODUCT,
      tokenUrl: joinUrl(options.baseUrls.iroh, '/iroh/oauth2/token').toString(),
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      credentials: 'basic',
      clock: dependencies.clock,
      ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
      ...(dependencies.timeoutMs === undefined ? {} : { timeoutMs: dependencies.timeoutMs }),
    });
    const shared = {
      product: XDR_PRODUCT,
      auth,
      ...httpDependencies(dependencies),
    };
    this.iroh = new HttpClient({ ...shared, baseUrl: options.baseUrls.iroh });
    this.privateIntel = new HttpClient({ ...shared, baseUrl: options.baseUrls.privateIntel });
    this.conure = new HttpClient({ ...shared, baseUrl: options.baseUrls.conure });
    this.pageSize = Math.min(Math.max(1, options.pageSize ?? 100), CTIA_MAX_PAGE_SIZE);
  }

  /** CTIA incident search, every page (`GET /ctia/incident/search`). */
  searchIncidents(options: IncidentSearchOptions = {}): Promise<PagedResult<XdrIncident>> {
    return this.walkCtia('/ctia/incident/search', incidentSchema, options, {
      query: options.query ?? '*',
      status: options.status,
      from: options.from,
      to: options.to,
      sort_by: 'timestamp',
      sort_order: 'desc',
    });
  }

  /**
   * One incident by CTIA id (`incident-<uuid>` or the full CTIA URL) or by external id such as
   * `XDR-2026-001234` (`GET /ctia/incident/external_id/{id}`). Undefined when none exists.
   */
  async getIncident(id: string, signal?: AbortSignal): Promise<XdrIncident | undefined> {
    const ctiaId = ctiaShortId(id, 'incident');
    const path = ctiaId !== undefined ? `/ctia/incident/${encodeURIComponent(ctiaId)}` : `/ctia/incident/external_id/${encodeURIComponent(id)}`;
    // 404 means "no such incident"; its body is an error envelope, so it is validated only on success.
    const response = await this.privateIntel.get(path, { okStatuses: [404], ...(signal === undefined ? {} : { signal }) });
    if (response.status === 404) return undefined;
    // The external-id lookup answers a list of matches.
    const body = ctiaId !== undefined ? response.data : Array.isArray(response.data) ? response.data[0] : response.data;
    if (body === undefined) return undefined;
    const parsed = incidentSchema.safeParse(body);
    if (!parsed.success) {
      throw new ConnectorInvalidResponseError(`${XDR_PRODUCT} GET ${path.split('/').slice(0, 3).join('/')} returned something that is not an incident`, {
        product: XDR_PRODUCT,
        status: response.status,
        path: '(root)',
      });
    }
    return parsed.data;
  }

  /** Sightings of one observable in private intelligence, every page (`GET /ctia/{type}/{value}/sightings`). */
  sightings(observable: Observable, options: SightingSearchOptions = {}): Promise<PagedResult<XdrSighting>> {
    const path = `/ctia/${encodeURIComponent(observable.type)}/${encodeURIComponent(observable.value)}/sightings`;
    return this.walkCtia(path, sightingSchema, options, { from: options.from, to: options.to });
  }

  /** Context from every integration module: sightings, judgements (`POST /iroh/iroh-enrich/observe/observables`). */
  async observe(observables: Observable[], signal?: AbortSignal): Promise<XdrEnrichResponse> {
    return this.enrich('/iroh/iroh-enrich/observe/observables', observables, signal);
  }

  /** Verdicts from every integration module (`POST /iroh/iroh-enrich/deliberate/observables`). */
  async deliberate(observables: Observable[], signal?: AbortSignal): Promise<XdrEnrichResponse> {
    return this.enrich('/iroh/iroh-enrich/deliberate/observables', observables, signal);
  }

  /** Observables found in free text (`POST /iroh/iroh-inspect/inspect`). */
  async inspect(content: string, signal?: AbortSignal): Promise<Observable[]> {
    const response = await this.iroh.post('/iroh/iroh-inspect/inspect', {
      json: { content },
      // Extraction changes nothing, so a lost answer may be asked for again.
      idempotent: true,
      schema: inspectResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /** Response actions the modules offer for these observables (`POST /iroh/iroh-response/respond/observables`). */
  async responseActions(observables: Observable[], signal?: AbortSignal): Promise<{ actions: XdrResponseAction[]; errors: XdrModuleError[] }> {
    const response = await this.iroh.post('/iroh/iroh-response/respond/observables', {
      json: observables,
      idempotent: true,
      schema: responseActionsSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return { actions: response.data.data, errors: response.data.errors };
  }

  /**
   * Triggers one response action. Real side effects and no idempotency key (§1.6.3), so it is
   * never re-sent once the product may have seen it.
   */
  async triggerResponseAction(
    moduleInstanceId: string,
    actionId: string,
    observable: Observable,
    extraQuery: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<{ status: string; errors: XdrModuleError[] }> {
    const response = await this.iroh.post(
      `/iroh/iroh-response/respond/trigger/${encodeURIComponent(moduleInstanceId)}/${encodeURIComponent(actionId)}`,
      {
        query: { ...extraQuery, observable_type: observable.type, observable_value: observable.value },
        schema: triggerResponseSchema,
        ...(signal === undefined ? {} : { signal }),
      },
    );
    return { status: response.data.data.status, errors: response.data.errors };
  }

  /** One cheap authenticated read for `doctor`: a one-record incident search. */
  async probe(signal?: AbortSignal): Promise<HttpResponse<unknown[]>> {
    return this.privateIntel.get('/ctia/incident/search', {
      query: { query: '*', limit: 1 },
      schema: z.array(z.unknown()),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  private async enrich(path: string, observables: Observable[], signal: AbortSignal | undefined): Promise<XdrEnrichResponse> {
    const response = await this.iroh.post(path, {
      json: observables.map(({ type, value }) => ({ type, value })),
      // Enrichment only reads, so a POST that got no answer may be sent again.
      idempotent: true,
      schema: enrichResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /**
   * Walks a CTIA search: the body is a plain array, paging lives in `X-Total-Hits` and `X-Next`
   * (a form-encoded `limit=&offset=&search_after=` map). Stops when `X-Next` is absent.
   */
  private async walkCtia<T>(
    path: string,
    schema: z.ZodType<T>,
    options: PageWalkOptions,
    query: Record<string, string | undefined>,
  ): Promise<PagedResult<T>> {
    const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    const records: T[] = [];
    let total: number | undefined;
    let paging: Record<string, string> = { limit: String(Math.min(this.pageSize, maxRecords)), offset: '0' };
    for (;;) {
      const response = await this.privateIntel.get(path, { query: { ...query, ...paging }, schema: z.array(schema) });
      if (total === undefined) {
        const hits = Number(response.headers.get('x-total-hits'));
        if (response.headers.has('x-total-hits') && Number.isFinite(hits)) total = hits;
      }
      records.push(...response.data);
      const next = response.headers.get('x-next');
      if (next === null || next.trim() === '' || response.data.length === 0) return { records, truncated: false, ...(total === undefined ? {} : { total }) };
      if (records.length >= maxRecords) {
        return { records: records.slice(0, maxRecords), truncated: true, ...(total === undefined ? {} : { total }) };
      }
      paging = Object.fromEntries(new URLSearchParams(next));
    }
  }
}
