import { z } from 'zod';
import type { ConnectorDependencies } from '../connector.js';
import { httpDependencies } from '../connector.js';
import { HttpClient, joinUrl, oauth2ClientCredentials, type HttpResponse } from '../http/index.js';
import {
  activityResponseSchema,
  categorizationResponseSchema,
  destinationListResponseSchema,
  destinationListsPageSchema,
  destinationsPageSchema,
  latestDomainsSchema,
  riskScoreSchema,
  securityInfoSchema,
  type ActivityRow,
  type Destination,
  type DestinationList,
  type DomainCategorization,
  type RiskScore,
  type SecurityInfo,
} from './schemas.js';

export const UMBRELLA_PRODUCT = 'umbrella';

export interface UmbrellaClientOptions {
  /** `https://api.umbrella.com` or an override such as the lab's `${lab}/umbrella`. */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Rows per reports page (default 500, at most 5000). */
  reportPageSize?: number;
  /** Records per policies page (default 100, the destinations maximum). */
  policyPageSize?: number;
}

export interface ActivitySearch {
  /** Window start and end, epoch milliseconds. */
  fromMs: number;
  toMs: number;
  domains?: string;
  ip?: string;
  verdict?: 'allowed' | 'blocked' | 'proxied';
  /** Stop after this many rows (default 5000). */
  maxRecords?: number;
}

export interface DestinationInput {
  destination: string;
  comment?: string;
}

const REPORT_MAX_LIMIT = 5000;
/** Reports refuse offsets past this [U: commonly cited], so a walk stops there. */
const REPORT_MAX_OFFSET = 10_000;
const DESTINATIONS_MAX_LIMIT = 100;

/**
 * Cisco Umbrella API v2 on one host: investigate, reports (offset/limit paging, walked until a
 * short page) and policies destination lists (page/limit paging with `meta.total`).
 */
export class UmbrellaClient {
  readonly http: HttpClient;
  private readonly reportPageSize: number;
  private readonly policyPageSize: number;

  constructor(options: UmbrellaClientOptions, dependencies: ConnectorDependencies) {
    const auth = oauth2ClientCredentials({
      product: UMBRELLA_PRODUCT,
      tokenUrl: joinUrl(options.baseUrl, '/auth/v2/token').toString(),
      clientId: options.apiKey,
      clientSecret: options.apiSecret,
      credentials: 'basic',
      clock: dependencies.clock,
      ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
      ...(dependencies.timeoutMs === undefined ? {} : { timeoutMs: dependencies.timeoutMs }),
    });
    this.http = new HttpClient({
      product: UMBRELLA_PRODUCT,
      baseUrl: options.baseUrl,
      auth,
      ...httpDependencies(dependencies),
    });
    this.reportPageSize = clamp(options.reportPageSize ?? 500, 1, REPORT_MAX_LIMIT);
    this.policyPageSize = clamp(options.policyPageSize ?? DESTINATIONS_MAX_LIMIT, 1, DESTINATIONS_MAX_LIMIT);
  }

  /** Status and categories (labels) of one domain. */
  async categorization(domain: string, signal?: AbortSignal): Promise<DomainCategorization | undefined> {
    const response = await this.http.get(`/investigate/v2/domains/categorization/${encodeURIComponent(domain)}`, {
      query: { showLabels: 'true' },
      schema: categorizationResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data[domain] ?? Object.values(response.data)[0];
  }

  /** Categorization of many domains in one call (at most 1000 per request). */
  async categorizationBulk(domains: string[], signal?: AbortSignal): Promise<Record<string, DomainCategorization>> {
    if (domains.length === 0) return {};
    const response = await this.http.post('/investigate/v2/domains/categorization', {
      query: { showLabels: 'true' },
      json: domains.slice(0, 1000),
      // A lookup: repeating it changes nothing.
      idempotent: true,
      schema: categorizationResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  async securityInfo(domain: string, signal?: AbortSignal): Promise<SecurityInfo> {
    const response = await this.http.get(`/investigate/v2/security/name/${encodeURIComponent(domain)}`, {
      schema: securityInfoSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  async riskScore(domain: string, signal?: AbortSignal): Promise<RiskScore> {
    const response = await this.http.get(`/investigate/v2/domains/risk-score/${encodeURIComponent(domain)}`, {
      schema: riskScoreSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /** Malicious domains recently seen on an IP. */
  async latestDomains(ip: string, signal?: AbortSignal): Promise<string[]> {
    const response = await this.http.get(`/investigate/v2/ips/${encodeURIComponent(ip)}/latest_domains`, {
      schema: latestDomainsSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data.map((entry) => entry.name);
  }

  /** DNS activity in a window, every page (`GET /reports/v2/activity/dns`, offset/limit). */
  async dnsActivity(search: ActivitySearch, signal?: AbortSignal): Promise<{ rows: ActivityRow[]; truncated: boolean }> {
    const maxRecords = search.maxRecords ?? REPORT_MAX_LIMIT;
    const rows: ActivityRow[] = [];
    for (let offset = 0; ; ) {
      const limit = Math.min(this.reportPageSize, maxRecords - rows.length);
      const response = await this.http.get('/reports/v2/activity/dns', {
        query: {
          from: search.fromMs,
          to: search.toMs,
          limit,
          offset,
          order: 'asc',
          domains: search.domains,
          ip: search.ip,
          verdict: search.verdict,
        },
        schema: activityResponseSchema,
        ...(signal === undefined ? {} : { signal }),
      });
      rows.push(...response.data.data);
      // A short page is the last one: reports carry no total.
      if (response.data.data.length < limit) return { rows, truncated: false };
      offset += limit;
      if (rows.length >= maxRecords || offset > REPORT_MAX_OFFSET) return { rows, truncated: true };
    }
  }

  /** Every destination list (`GET /policies/v2/destinationlists`, page/limit). */
  destinationLists(signal?: AbortSignal): Promise<DestinationList[]> {
    return this.walkPolicies('/policies/v2/destinationlists', destinationListsPageSchema, signal);
  }

  /** Every destination of one list. */
  destinations(listId: number, signal?: AbortSignal): Promise<Destination[]> {
    return this.walkPolicies(`/policies/v2/destinationlists/${listId}/destinations`, destinationsPageSchema, signal);
  }

  /**
   * Adds destinations to a list (at most 500 per call) and returns the updated list. Mutating:
   * never re-sent once Umbrella may have seen it.
   */
  async addDestinations(listId: number, destinations: DestinationInput[], signal?: AbortSignal): Promise<DestinationList> {
    const response = await this.http.post(`/policies/v2/destinationlists/${listId}/destinations`, {
      json: destinations.slice(0, 500).map(({ destination, comment }) => (comment === undefined ? { destination } : { destination, comment })),
      schema: destinationListResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data.data;
  }

  /** One cheap authenticated read for `doctor`. */
  probe(signal?: AbortSignal): Promise<HttpResponse<unknown>> {
    return this.http.get('/policies/v2/destinationlists', { query: { page: 1, limit: 1 }, schema: destinationListsPageSchema, ...(signal === undefined ? {} : { signal }) });
  }

  private async walkPolicies<T>(path: string, schema: z.ZodType<{ meta?: { total?: number | undefined } | undefined; data: T[] }>, signal?: AbortSignal): Promise<T[]> {
    const records: T[] = [];
    for (let page = 1; ; page += 1) {
      const response = await this.http.get(path, { query: { page, limit: this.policyPageSize }, schema, ...(signal === undefined ? {} : { signal }) });
      records.push(...response.data.data);
      const total = response.data.meta?.total;
      const done = total === undefined ? response.data.data.length < this.policyPageSize : records.length >= total;
      if (done || response.data.data.length === 0) return records;
    }
  }
}

function clamp(value: number, minimum: number, maximum: number): number {
  return Math.min(Math.max(Math.trunc(value), minimum), maximum);
}
