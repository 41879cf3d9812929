import type { ConnectorDependencies } from '../connector.js';
import { httpDependencies } from '../connector.js';
import { ConnectorInvalidResponseError, ConnectorNotFoundError, HttpClient, oauth2ClientCredentials, type AuthStrategy, type HttpResponse } from '../http/index.js';
import { incidentListSchema, logAnalyticsResponseSchema, sentinelIncidentSchema, type LogAnalyticsResponse, type SentinelIncident } from './schemas.js';

/** Entra ID scopes: the audience of each token (Log Analytics and ARM need separate tokens). */
export const LOG_ANALYTICS_SCOPE = 'https://api.loganalytics.io/.default';
export const MANAGEMENT_SCOPE = 'https://management.azure.com/.default';
/** A GA api-version of Microsoft.SecurityInsights (connectors.md §7.3). */
export const SENTINEL_API_VERSION = '2024-03-01';
/** Largest `$top` the incidents list accepts. */
export const INCIDENT_PAGE_MAX = 1000;

export interface SentinelClientOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  /** Log Analytics workspace GUID (not the name) for the query API. */
  workspaceId: string;
  /** e.g. https://login.microsoftonline.com */
  loginUrl: string;
  /** e.g. https://management.azure.com */
  managementUrl: string;
  /** e.g. https://api.loganalytics.io */
  logAnalyticsUrl: string;
  apiVersion?: string;
  dependencies: ConnectorDependencies;
}

export interface IncidentListOptions {
  /** OData, e.g. `properties/status eq 'New'`. */
  filter?: string;
  /** e.g. `properties/createdTimeUtc desc`. */
  orderBy?: string;
  /** Incidents per page (`$top`). */
  pageSize?: number;
  /** Stop after this many incidents in all. */
  maxResults?: number;
  signal?: AbortSignal;
}

/** Updatable incident properties; the rest of the incident is sent back as read. */
export interface IncidentChanges {
  status?: 'New' | 'Active' | 'Closed';
  severity?: 'High' | 'Medium' | 'Low' | 'Informational';
  classification?: 'Undetermined' | 'TruePositive' | 'BenignPositive' | 'FalsePositive';
  classificationReason?: string;
  classificationComment?: string;
  owner?: { email?: string; userPrincipalName?: string; assignedTo?: string; objectId?: string } | null;
  title?: string;
}

/**
 * Microsoft Sentinel through two APIs with two Entra ID tokens: the Log Analytics query API
 * (KQL) and Azure Resource Manager (incidents). The token endpoint is shared; the scope decides
 * the audience, so each HttpClient has its own token cache.
 */
export class SentinelClient {
  readonly logAnalytics: HttpClient;
  readonly management: HttpClient;
  private readonly options: SentinelClientOptions;
  private readonly apiVersion: string;

  constructor(options: SentinelClientOptions) {
    this.options = options;
    this.apiVersion = options.apiVersion ?? SENTINEL_API_VERSION;
    const { dependencies } = options;
    const tokenUrl = `${options.loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`;
    const auth = (scope: string): AuthStrategy =>
      oauth2ClientCredentials({
        product: 'sentinel',
        tokenUrl,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        scope,
        credentials: 'body',
        clock: dependencies.clock,
        ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
        ...(dependencies.timeoutMs === undefined ? {} : { timeoutMs: dependencies.timeoutMs }),
      });
    const shared = {
      product: 'sentinel',
      ...httpDependencies(dependencies),
    };
    this.logAnalytics = new HttpClient({ ...shared, baseUrl: options.logAnalyticsUrl, auth: auth(LOG_ANALYTICS_SCOPE) });
    this.management = new HttpClient({ ...shared, baseUrl: options.managementUrl, auth: auth(MANAGEMENT_SCOPE) });
  }

  /**
   * Runs KQL against the workspace. A POST, but a read: safe to send again. `timespan` is an
   * ISO-8601 duration (`PT4H`, `P1D`) or `start/end`, applied on top of any time filter in the query.
   */
  async query(query: string, timespan?: string, signal?: AbortSignal): Promise<LogAnalyticsResponse> {
    const response = await this.logAnalytics.post(`/v1/workspaces/${encodeURIComponent(this.options.workspaceId)}/query`, {
      json: { query, ...(timespan === undefined ? {} : { timespan }) },
      idempotent: true,
      schema: logAnalyticsResponseSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  private incidentsPath(name?: string): string {
    const { subscriptionId, resourceGroup, workspaceName } = this.options;
    const base =
      `/subscriptions/${encodeURIComponent(subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroup)}` +
      `/providers/Microsoft.OperationalInsights/workspaces/${encodeURIComponent(workspaceName)}/providers/Microsoft.SecurityInsights/incidents`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  /** One page of incidents: the first (from options) or the one a `nextLink` points at. */
  async listIncidentsPage(options: IncidentListOptions & { nextLink?: string }): Promise<HttpResponse<{ value: SentinelIncident[]; nextLink?: string | null | undefined }>> {
    const request = { schema: incidentListSchema, ...(options.signal === undefined ? {} : { signal: options.signal }) };
    if (options.nextLink !== undefined) return this.management.get(this.sameHostPath(options.nextLink), request);
    return this.management.get(this.incidentsPath(), {
      ...request,
      query: {
        'api-version': this.apiVersion,
        $filter: options.filter,
        $orderby: options.orderBy,
        $top: options.pageSize === undefined ? undefined : Math.min(INCIDENT_PAGE_MAX, Math.max(1, Math.floor(options.pageSize))),
      },
    });
  }

  /** Every incident matching the filter, following `nextLink` until it is absent or the cap is hit. */
  async listIncidents(options: IncidentListOptions = {}): Promise<{ records: SentinelIncident[]; truncated: boolean }> {
    const cap = options.maxResults ?? Number.POSITIVE_INFINITY;
    const seen = new Set<string>();
    const records: SentinelIncident[] = [];
    let nextLink: string | undefined;
    for (let pages = 0; ; pages += 1) {
      const response = await this.listIncidentsPage({ ...options, ...(nextLink === undefined ? {} : { nextLink }) });
      for (const incident of response.data.value) {
        if (seen.has(incident.name)) continue;
        if (records.length >= cap) return { records, truncated: true };
        seen.add(incident.name);
        records.push(incident);
      }
      nextLink = response.data.nextLink ?? undefined;
      if (nextLink === undefined || nextLink === '') return { records, truncated: false };
      if (records.length >= cap) return { records, truncated: true };
      // A product that keeps handing out links would otherwise loop for ever.
      if (pages > 10_000) throw new ConnectorInvalidResponseError('sentinel GET incidents: more than 10 000 pages', { product: 'sentinel', path: 'nextLink' });
    }
  }

  async getIncident(name: string, signal?: AbortSignal): Promise<SentinelIncident> {
    const response = await this.management.get(this.incidentsPath(name), {
      query: { 'api-version': this.apiVersion },
      schema: sentinelIncidentSchema,
      ...(signal === undefined ? {} : { signal }),
    });
    return response.data;
  }

  /** An incident by its name (GUID) or its number. */
  async findIncident(nameOrNumber: string, signal?: AbortSignal): Promise<SentinelIncident> {
    const value = nameOrNumber.trim();
    if (/^\d+$/.test(value)) {
      const found = await this.listIncidents({ filter: `properties/incidentNumber eq ${Number(value)}`, maxResults: 1, ...(signal === undefined ? {} : { signal }) });
      const incident = found.records[0];
      if (incident === undefined) throw new ConnectorNotFoundError(`sentinel: no incident number ${value}`, { product: 'sentinel' });
      return incident;
    }
    return this.getIncident(value, signal);
  }

  /**
   * Applies changes to an incident: PUT of the full properties as read plus the changes, with
   * the etag read (or the one given), so a concurrent edit fails instead of being overwritten.
   * Mutating: never re-sent once the product may have seen it.
   */
  async updateIncident(incident: SentinelIncident, changes: IncidentChanges, options: { etag?: string; signal?: AbortSignal } = {}): Promise<SentinelIncident> {
    const current = incident.properties;
    const owner =
      changes.owner === undefined
        ? current.owner
        : changes.owner === null
          ? { objectId: null, email: null, assignedTo: null, userPrincipalName: null }
          : {
              objectId: changes.owner.objectId ?? null,
              email: changes.owner.email ?? null,
              assignedTo: changes.owner.assignedTo ?? changes.owner.email ?? changes.owner.userPrincipalName ?? null,
              userPrincipalName: changes.owner.userPrincipalName ?? changes.owner.email ?? null,
            };
    const status = changes.status ?? current.status;
    const properties = {
      title: changes.title ?? current.title,
      description: current.description ?? undefined,
      severity: changes.severity ?? current.severity,
      status,
      classification: changes.classification ?? (status === 'Closed' ? current.classification : undefined) ?? undefined,
      classificationReason: changes.classificationReason ?? (status === 'Closed' ? current.classificationReason : undefined) ?? undefined,
      classificationComment: changes.classificationComment ?? (status === 'Closed' ? current.classificationComment : undefined) ?? undefined,
      ...(owner === undefined || owner === null ? {} : { owner }),
      ...(current.labels === undefined || current.labels === null ? {} : { labels: current.labels }),
    };
    const etag = options.etag ?? incident.etag ?? undefined;
    const response = await this.management.put(this.incidentsPath(incident.name), {
      query: { 'api-version': this.apiVersion },
      json: { ...(etag === undefined ? {} : { etag }), properties },
      schema: sentinelIncidentSchema,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return response.data;
  }

  /**
   * The path (with query) of a `nextLink` below the management base URL. A link to any other
   * host or path is refused: following it would hand the ARM token to someone else.
   */
  private sameHostPath(nextLink: string): string {
    const base = new URL(this.options.managementUrl);
    let link: URL;
    try {
      link = new URL(nextLink, base);
    } catch (error) {
      throw new ConnectorInvalidResponseError('sentinel GET incidents: nextLink is not a URL', { product: 'sentinel', path: 'nextLink', cause: error });
    }
    const prefix = base.pathname.replace(/\/+$/, '');
    if (link.origin !== base.origin || !link.pathname.startsWith(`${prefix}/`)) {
      throw new ConnectorInvalidResponseError('sentinel GET incidents: nextLink points outside the management endpoint', { product: 'sentinel', path: 'nextLink' });
    }
    return `${link.pathname.slice(prefix.length)}${link.search}`;
  }
}
