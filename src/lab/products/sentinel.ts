import { randomUUID } from 'node:crypto';
import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { authorizationToken, basicCredentials, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import type { ProductRouter } from '../lab-router.js';
import { stableHex, stableUuid, type LabIncident, type ScenarioEvent } from '../scenario/index.js';

/*
 * Microsoft Sentinel simulator (connectors.md §7), three hosts under one prefix:
 *   /sentinel/login         Entra ID client-credentials token, one audience per scope
 *   /sentinel/loganalytics  Log Analytics query API with a real (small) KQL subset
 *   /sentinel/management    ARM Sentinel incidents: list ($filter/$orderby/$top + nextLink), get, PUT with etag
 * Tables and incidents are derived from the lab world (events whose products include sentinel,
 * world incidents, and simple analytics rules over the events).
 */

const PRODUCT = 'sentinel';
const TOKEN_TTL_SECONDS = 3599;
const LOG_ANALYTICS_AUDIENCE = 'https://api.loganalytics.io';
const MANAGEMENT_AUDIENCE = 'https://management.azure.com';
/** Scopes (and the resource they stand for) the token endpoint accepts. */
const SCOPES: Record<string, string> = {
  'https://api.loganalytics.io/.default': LOG_ANALYTICS_AUDIENCE,
  'https://api.loganalytics.azure.com/.default': LOG_ANALYTICS_AUDIENCE,
  'https://management.azure.com/.default': MANAGEMENT_AUDIENCE,
  'https://management.core.windows.net/.default': MANAGEMENT_AUDIENCE,
};
/** Log Analytics: 200 queries per 30 s per user (§7.2). */
const QUERY_LIMIT = 200;
const QUERY_WINDOW_MS = 30_000;
/** ARM: 12 000 reads and 1 200 writes per hour per subscription. */
const ARM_READS_PER_HOUR = 12_000;
const ARM_WRITES_PER_HOUR = 1_200;
const HOUR_MS = 3_600_000;
const MAX_RESULT_ROWS = 500_000;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;
const STATUSES = ['New', 'Active', 'Closed'] as const;
const CLASSIFICATIONS = ['Undetermined', 'TruePositive', 'BenignPositive', 'FalsePositive'] as const;

interface IncidentOwner {
  objectId: string | null;
  email: string | null;
  assignedTo: string | null;
  userPrincipalName: string | null;
}

interface SentinelIncident {
  name: string;
  version: number;
  title: string;
  description: string;
  severity: (typeof SEVERITIES)[number];
  status: (typeof STATUSES)[number];
  classification: string | null;
  classificationReason: string | null;
  classificationComment: string | null;
  owner: IncidentOwner;
  labels: Array<{ labelName: string; labelType: string }>;
  incidentNumber: number;
  createdTimeUtc: string;
  lastModifiedTimeUtc: string;
  firstActivityTimeUtc: string;
  lastActivityTimeUtc: string;
  alertsCount: number;
  tactics: string[];
  techniques: string[];
  alertIds: string[];
}

interface SentinelState {
  incidents: Map<string, SentinelIncident>;
}

export const sentinelSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: '/sentinel',
  endpoints: { entra_login: '/login', management: '/management', log_analytics: '/loganalytics' },
  register(router: ProductRouter, context: LabContext) {
    const credentials = LAB_CREDENTIALS.sentinel;
    const state = () => context.state<SentinelState>(PRODUCT, () => ({ incidents: deriveIncidents(context) }));
    const tokens = () => context.tokens(PRODUCT, TOKEN_TTL_SECONDS);

    // ---- Entra ID token endpoint (v2.0 with `scope`; the v1 endpoint with `resource` as older SDKs send it) ----
    const issueToken = (request: LabRequest, requestedScope: string | null): LabResponse => {
      const form = request.form();
      const basic = basicCredentials(request);
      if (request.params.tenant !== credentials.tenantId) {
        return aadError(400, 'invalid_request', 90002, `AADSTS90002: Tenant '${request.params.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      }
      if (form.get('grant_type') !== 'client_credentials') {
        return aadError(400, 'unsupported_grant_type', 70003, 'AADSTS70003: The app requested an unsupported grant type.');
      }
      // client_secret_post (form fields) or client_secret_basic (Authorization: Basic id:secret).
      if ((form.get('client_id') ?? basic?.username) !== credentials.clientId) {
        return aadError(400, 'unauthorized_client', 700016, `AADSTS700016: Application with identifier was not found in the directory.`);
      }
      if ((form.get('client_secret') ?? basic?.password) !== credentials.clientSecret) {
        return aadError(401, 'invalid_client', 7000215, 'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
      }
      const audience = SCOPES[requestedScope ?? ''];
      if (audience === undefined) {
        return aadError(400, 'invalid_scope', 1002012, 'AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).');
      }
      const issued = tokens().issue(credentials.clientId, audience);
      return json(200, { token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.token });
    };
    router.post('/login/:tenant/oauth2/v2.0/token', (request) => issueToken(request, request.form().get('scope')));
    router.post('/login/:tenant/oauth2/token', (request) => {
      const resource = request.form().get('resource');
      return issueToken(request, resource === null ? null : `${resource.replace(/\/+$/, '')}/.default`);
    });

    // ---- Log Analytics query API ----
    const laAuth = (request: LabRequest): LabResponse | undefined => {
      const check = tokens().check(authorizationToken(request));
      if (check.state === 'unknown') return laError(401, 'AuthorizationRequiredError', 'Valid authentication was not provided');
      if (check.state === 'expired') return laError(401, 'InvalidTokenError', 'The provided authentication is not valid for this resource', { code: 'TokenExpired', message: 'The token has expired' });
      if (check.scope !== LOG_ANALYTICS_AUDIENCE) return laError(401, 'InvalidTokenError', 'The provided authentication is not valid for this resource', { code: 'InvalidAudience', message: `Token audience ${check.scope ?? '(none)'} is not valid for Log Analytics` });
      const taken = context.limiter('sentinel:loganalytics', QUERY_LIMIT, QUERY_WINDOW_MS).take(check.subject);
      if (!taken.allowed) {
        return { ...laError(429, 'ThrottledError', 'Too many requests. Please retry later.'), headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil(taken.resetMs / 1000)) } };
      }
      return undefined;
    };
    const runQuery = (request: LabRequest, query: unknown, timespan: unknown): LabResponse => {
      const refused = laAuth(request);
      if (refused !== undefined) return refused;
      if (request.params.workspaceId !== credentials.workspaceId) {
        return laError(404, 'PathNotFoundError', `The requested path does not exist`, { code: 'WorkspaceNotFoundError', message: `Workspace ${request.params.workspaceId} was not found` });
      }
      if (typeof query !== 'string' || query.trim() === '') {
        return laError(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'QueryMissing', message: "The 'query' property is required" });
      }
      let window: { fromMs: number; toMs: number } | undefined;
      if (timespan !== undefined && timespan !== null && timespan !== '') {
        window = typeof timespan === 'string' ? parseTimespan(timespan, context.clock.now().getTime()) : undefined;
        if (window === undefined) {
          return laError(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'InvalidTimespan', message: `Invalid timespan: ${String(timespan).slice(0, 100)}` });
        }
      }
      const outcome = executeKql(query, {
        now: context.clock.now().getTime(),
        table: (name) => tableOf(name, context, [...state().incidents.values()]),
        ...(window === undefined ? {} : { window }),
      });
      if ('error' in outcome) return { ...json(400, { error: { ...outcome.error, correlationId: randomUUID() } }) };
      return json(200, { tables: [{ name: 'PrimaryResult', columns: outcome.columns, rows: outcome.rows }] }, { 'x-ms-request-id': randomUUID() });
    };
    router.post('/loganalytics/v1/workspaces/:workspaceId/query', (request) => {
      const body = request.json<{ query?: unknown; timespan?: unknown }>();
      if (body === undefined || typeof body !== 'object') {
        return laError(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'InvalidBody', message: 'The body must be a JSON object with a query' });
      }
      return runQuery(request, body.query, body.timespan);
    });
    router.get('/loganalytics/v1/workspaces/:workspaceId/query', (request) => runQuery(request, request.query.get('query'), request.query.get('timespan') ?? undefined));

    // ---- ARM: Sentinel incidents ----
    const armAuth = (request: LabRequest, kind: 'reads' | 'writes'): LabResponse | Record<string, string> => {
      const header = authorizationToken(request);
      const check = tokens().check(header);
      if (header === undefined) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      if (check.state === 'unknown') return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      if (check.state === 'expired') return armError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.');
      if (check.scope !== MANAGEMENT_AUDIENCE) {
        return armError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${check.scope ?? ''}'. It should exactly match with one of the allowed audiences '${MANAGEMENT_AUDIENCE}/'.`);
      }
      const taken = context
        .limiter(`sentinel:arm:${kind}`, kind === 'reads' ? ARM_READS_PER_HOUR : ARM_WRITES_PER_HOUR, HOUR_MS)
        .take(request.params.subscriptionId ?? 'default');
      const headers = { [`x-ms-ratelimit-remaining-subscription-${kind}`]: String(taken.remaining), 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID() };
      if (!taken.allowed) return { ...armError(429, 'TooManyRequests', 'The request is being throttled.'), headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil(taken.resetMs / 1000)), ...headers } };
      return headers;
    };
    const armScope = (request: LabRequest): LabResponse | undefined => {
      const apiVersion = request.query.get('api-version');
      if (apiVersion === null || apiVersion === '') return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
      if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) return armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid.`);
      if (request.params.subscriptionId !== credentials.subscriptionId) return armError(404, 'SubscriptionNotFound', `The subscription '${request.params.subscriptionId}' could not be found.`);
      if (request.params.resourceGroup !== credentials.resourceGroup) return armError(404, 'ResourceGroupNotFound', `Resource group '${request.params.resourceGroup}' could not be found.`);
      if (request.params.workspace !== credentials.workspaceName) return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.OperationalInsights/workspaces/${request.params.workspace}' under resource group '${request.params.resourceGroup}' was not found.`);
      return undefined;
    };
    const basePath =
      '/management/subscriptions/:subscriptionId/resourceGroups/:resourceGroup/providers/Microsoft.OperationalInsights/workspaces/:workspace/providers/Microsoft.SecurityInsights';
    const resourceId = (name: string) =>
      `/subscriptions/${credentials.subscriptionId}/resourceGroups/${credentials.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${credentials.workspaceName}/providers/Microsoft.SecurityInsights/Incidents/${name}`;
    const render = (incident: SentinelIncident) => incidentResource(incident, resourceId(incident.name), context.world.seed);

    const listIncidents = (request: LabRequest): LabResponse => {
      const auth = armAuth(request, 'reads');
      if ('status' in auth) return auth as LabResponse;
      const refused = armScope(request);
      if (refused !== undefined) return refused;
      const topText = request.query.get('$top');
      const top = topText === null ? DEFAULT_PAGE_SIZE : Number(topText);
      if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) return armError(400, 'BadRequest', `Invalid $top: must be an integer between 1 and ${MAX_PAGE_SIZE}.`);
      let items = [...state().incidents.values()].map(render);
      const filterText = request.query.get('$filter');
      if (filterText !== null && filterText.trim() !== '') {
        const filter = parseODataFilter(filterText);
        if (typeof filter === 'string') return armError(400, 'BadRequest', `Invalid $filter: ${filter}`);
        items = items.filter((item) => evaluateOData(filter, item));
      }
      const orderText = request.query.get('$orderby') ?? 'properties/createdTimeUtc desc';
      const orderMatch = /^\s*([A-Za-z/]+)(?:\s+(asc|desc))?\s*$/i.exec(orderText);
      if (orderMatch === null) return armError(400, 'BadRequest', `Invalid $orderby: ${orderText}`);
      const direction = (orderMatch[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
      const key = (item: Record<string, unknown>) => {
        const value = odataPath(item, orderMatch[1]!);
        return typeof value === 'number' ? value : String(value ?? '');
      };
      items.sort((a, b) => {
        const left = key(a);
        const right = key(b);
        if (left < right) return -direction;
        if (left > right) return direction;
        return String(a.name).localeCompare(String(b.name));
      });
      const skipToken = request.query.get('$skipToken');
      let offset = 0;
      if (skipToken !== null) {
        try {
          offset = (JSON.parse(Buffer.from(skipToken, 'base64url').toString('utf8')) as { offset: number }).offset;
        } catch {
          offset = Number.NaN;
        }
        if (!Number.isInteger(offset) || offset < 0) return armError(400, 'BadRequest', 'Invalid $skipToken.');
      }
      const page = items.slice(offset, offset + top);
      const body: Record<string, unknown> = { value: page };
      if (offset + top < items.length) {
        const next = new URLSearchParams();
        for (const [name, value] of request.query) if (name !== '$skipToken') next.append(name, value);
        next.set('$skipToken', Buffer.from(JSON.stringify({ offset: offset + top })).toString('base64url'));
        body.nextLink = `${request.baseUrl}${request.fullPath}?${next.toString()}`;
      }
      return json(200, body, auth as Record<string, string>);
    };
    const getIncident = (request: LabRequest): LabResponse => {
      const auth = armAuth(request, 'reads');
      if ('status' in auth) return auth as LabResponse;
      const refused = armScope(request);
      if (refused !== undefined) return refused;
      const incident = state().incidents.get(request.params.incidentId ?? '');
      if (incident === undefined) return armError(404, 'NotFound', `Incident ${request.params.incidentId} was not found.`);
      return json(200, render(incident), auth as Record<string, string>);
    };
    const putIncident = (request: LabRequest): LabResponse => {
      const auth = armAuth(request, 'writes');
      if ('status' in auth) return auth as LabResponse;
      const refused = armScope(request);
      if (refused !== undefined) return refused;
      const body = request.json<{ etag?: unknown; properties?: Record<string, unknown> }>();
      const problem = validateIncidentBody(body);
      if (problem !== undefined) return armError(400, 'BadRequest', problem);
      const properties = body!.properties!;
      const name = request.params.incidentId!;
      const existing = state().incidents.get(name);
      const etag = request.header('if-match') ?? (typeof body!.etag === 'string' ? body!.etag : undefined);
      if (existing !== undefined && etag !== undefined && etag !== '*' && etag !== etagOf(existing, context.world.seed)) {
        return armError(412, 'PreconditionFailed', 'The incident was modified since it was read: the etag does not match. Read it again and retry.');
      }
      const now = context.clock.now().toISOString();
      const owner = (properties.owner ?? {}) as Partial<IncidentOwner>;
      const incident: SentinelIncident = {
        ...(existing ?? {
          name,
          version: 0,
          description: '',
          incidentNumber: Math.max(1000, ...[...state().incidents.values()].map((item) => item.incidentNumber)) + 1,
          createdTimeUtc: now,
          firstActivityTimeUtc: now,
          lastActivityTimeUtc: now,
          alertsCount: 0,
          tactics: [],
          techniques: [],
          alertIds: [],
          labels: [],
        }),
        title: properties.title as string,
        ...(typeof properties.description === 'string' ? { description: properties.description } : {}),
        severity: properties.severity as SentinelIncident['severity'],
        status: properties.status as SentinelIncident['status'],
        classification: (properties.classification as string | undefined) ?? null,
        classificationReason: (properties.classificationReason as string | undefined) ?? null,
        classificationComment: (properties.classificationComment as string | undefined) ?? null,
        owner: {
          objectId: owner.objectId ?? null,
          email: owner.email ?? null,
          assignedTo: owner.assignedTo ?? null,
          userPrincipalName: owner.userPrincipalName ?? null,
        },
        ...(Array.isArray(properties.labels) ? { labels: properties.labels as SentinelIncident['labels'] } : {}),
        lastModifiedTimeUtc: now,
        version: (existing?.version ?? 0) + 1,
      };
      state().incidents.set(name, incident);
      return json(existing === undefined ? 201 : 200, render(incident), auth as Record<string, string>);
    };
    for (const collection of ['incidents', 'Incidents']) {
      router.get(`${basePath}/${collection}`, listIncidents);
      router.get(`${basePath}/${collection}/:incidentId`, getIncident);
      router.put(`${basePath}/${collection}/:incidentId`, putIncident);
    }
  },
  errorResponse(status: number, message: string, request: LabRequest): LabResponse {
    if (request.path.startsWith('/login')) return aadError(status, status === 401 ? 'invalid_client' : status >= 500 ? 'temporarily_unavailable' : 'invalid_request', 0, `AADSTS50000: ${message}`);
    if (request.path.startsWith('/loganalytics')) return laError(status, LA_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadArgumentError'), message);
    return armError(status, ARM_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest'), message);
  },
};

const LA_CODES: Record<number, string> = {
  400: 'BadArgumentError',
  401: 'AuthorizationRequiredError',
  403: 'InsufficientAccessError',
  404: 'PathNotFoundError',
  429: 'ThrottledError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeout',
};
const ARM_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'AuthenticationFailed',
  403: 'AuthorizationFailed',
  404: 'ResourceNotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

function aadError(status: number, error: string, code: number, description: string): LabResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  return json(status, {
    error,
    error_description: `${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: code === 0 ? [] : [code],
    timestamp: new Date().toISOString(),
    trace_id: traceId,
    correlation_id: correlationId,
  });
}

function laError(status: number, code: string, message: string, inner?: { code: string; message: string; innererror?: unknown }): LabResponse {
  return json(status, { error: { message, code, correlationId: randomUUID(), ...(inner === undefined ? {} : { innererror: inner }) } });
}

function armError(status: number, code: string, message: string): LabResponse {
  const headers: Record<string, string> = { 'x-ms-request-id': randomUUID() };
  if (status === 401) headers['www-authenticate'] = `Bearer authorization_uri="https://login.microsoftonline.com/${LAB_CREDENTIALS.sentinel.tenantId}", error="invalid_token"`;
  return json(status, { error: { code, message } }, headers);
}

function validateIncidentBody(body: { etag?: unknown; properties?: Record<string, unknown> } | undefined): string | undefined {
  if (body === undefined || typeof body !== 'object' || body === null) return 'The request body must be a JSON incident with properties.';
  const properties = body.properties;
  if (typeof properties !== 'object' || properties === null) return "The 'properties' object is required.";
  if (typeof properties.title !== 'string' || properties.title.trim() === '') return "The 'properties.title' field is required.";
  if (!SEVERITIES.includes(properties.severity as never)) return `The 'properties.severity' field must be one of ${SEVERITIES.join(', ')}.`;
  if (!STATUSES.includes(properties.status as never)) return `The 'properties.status' field must be one of ${STATUSES.join(', ')}.`;
  if (properties.classification !== undefined && properties.classification !== null && !CLASSIFICATIONS.includes(properties.classification as never)) {
    return `The 'properties.classification' field must be one of ${CLASSIFICATIONS.join(', ')}.`;
  }
  if (properties.status === 'Closed' && (properties.classification === undefined || properties.classification === null)) return 'Classification is required when closing an incident.';
  if (properties.owner !== undefined && properties.owner !== null && typeof properties.owner !== 'object') return "The 'properties.owner' field must be an object.";
  return undefined;
}

function etagOf(incident: SentinelIncident, seed: number): string {
  const hex = stableHex(seed, `etag:${incident.name}:${incident.version}`, 20);
  return `"${hex.slice(0, 8)}-0000-0000-0000-${hex.slice(8, 20)}"`;
}

function incidentResource(incident: SentinelIncident, id: string, seed: number): Record<string, unknown> {
  return {
    id,
    name: incident.name,
    etag: etagOf(incident, seed),
    type: 'Microsoft.SecurityInsights/Incidents',
    properties: {
      title: incident.title,
      description: incident.description,
      severity: incident.severity,
      status: incident.status,
      classification: incident.classification,
      classificationReason: incident.classificationReason,
      classificationComment: incident.classificationComment,
      owner: incident.owner,
      labels: incident.labels,
      incidentNumber: incident.incidentNumber,
      incidentUrl: `https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident${id}`,
      providerName: 'Azure Sentinel',
      providerIncidentId: String(incident.incidentNumber),
      createdTimeUtc: incident.createdTimeUtc,
      lastModifiedTimeUtc: incident.lastModifiedTimeUtc,
      firstActivityTimeUtc: incident.firstActivityTimeUtc,
      lastActivityTimeUtc: incident.lastActivityTimeUtc,
      relatedAnalyticRuleIds: [],
      additionalData: {
        alertsCount: incident.alertsCount,
        bookmarksCount: 0,
        commentsCount: 0,
        alertProductNames: ['Azure Sentinel'],
        tactics: incident.tactics,
        techniques: incident.techniques,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Incidents: the world's incidents as Sentinel sees them, plus what simple analytics rules raise
// over the Sentinel events (brute force, repeated failed logons, failed sign-ins from unfamiliar IPs).

const TACTIC_NAMES: Record<string, string> = {
  'initial-access': 'InitialAccess',
  execution: 'Execution',
  persistence: 'Persistence',
  'privilege-escalation': 'PrivilegeEscalation',
  'defense-evasion': 'DefenseEvasion',
  'credential-access': 'CredentialAccess',
  discovery: 'Discovery',
  'lateral-movement': 'LateralMovement',
  collection: 'Collection',
  exfiltration: 'Exfiltration',
  'command-and-control': 'CommandAndControl',
};

function deriveIncidents(context: LabContext): Map<string, SentinelIncident> {
  const { world } = context;
  const now = context.clock.now().getTime();
  const eventsById = new Map(world.events.map((event) => [event.id, event]));
  interface Draft {
    key: string;
    title: string;
    description: string;
    severity: SentinelIncident['severity'];
    status: SentinelIncident['status'];
    classification?: string;
    created: number;
    events: ScenarioEvent[];
  }
  const drafts: Draft[] = world.incidents.map((incident: LabIncident) => ({
    key: `world:${incident.id}`,
    title: incident.title,
    description: incident.description,
    // Sentinel has no Critical severity.
    severity: incident.severity === 'Critical' ? 'High' : incident.severity,
    status: incident.status === 'Open' ? 'Active' : incident.status,
    ...(incident.status === 'Closed' ? { classification: 'BenignPositive' } : {}),
    created: incident.createdAt.getTime(),
    events: incident.eventIds.map((id) => eventsById.get(id)).filter((event): event is ScenarioEvent => event !== undefined),
  }));

  const sentinelEvents = world.events.filter((event) => event.products.includes('sentinel'));
  const failures = new Map<string, ScenarioEvent[]>();
  for (const event of sentinelEvents) {
    if (event.kind !== 'logon' || event.outcome !== 'failure') continue;
    const key = `${event.host ?? ''}|${event.user ?? ''}`;
    failures.set(key, [...(failures.get(key) ?? []), event]);
  }
  for (const [key, group] of failures) {
    if (group.length < 2) continue;
    const [host, user] = key.split('|') as [string, string];
    const last = group[group.length - 1]!.time.getTime();
    const success = sentinelEvents.find(
      (event) => event.kind === 'logon' && event.outcome === 'success' && event.host === host && event.user === user && event.time.getTime() >= last && event.time.getTime() - last < 30 * 60_000,
    );
    const bruteForce = group.length >= 10;
    drafts.push({
      key: `rule:logons:${key}`,
      title: bruteForce ? `Brute-force attack against ${host}: ${group.length} failed logons for ${user}` : `Multiple failed logons for ${user} on ${host}`,
      description: bruteForce
        ? `${group.length} failed logons (4625) for ${user} on ${host}${success === undefined ? '' : ', followed by a successful logon (4624)'}.`
        : `${group.length} failed logons (4625) for ${user} on ${host}.`,
      severity: bruteForce ? (success === undefined ? 'Medium' : 'High') : 'Low',
      status: 'New',
      created: Math.min(now, (success ?? group[group.length - 1]!).time.getTime() + 5 * 60_000),
      events: success === undefined ? group : [...group, success],
    });
  }
  const corporateEgress = new Set(context.hosts().map((host) => host.externalIp));
  for (const event of sentinelEvents) {
    if (event.kind !== 'signin' || event.outcome !== 'failure' || event.sourceIp === undefined || corporateEgress.has(event.sourceIp)) continue;
    drafts.push({
      key: `rule:signin:${event.id}`,
      title: `Failed sign-in from an unfamiliar location for ${event.user ?? 'unknown user'}`,
      description: `A sign-in for ${event.user ?? 'unknown user'} from ${event.sourceIp}, an address never used by the organisation, failed.`,
      severity: 'Medium',
      status: 'New',
      created: Math.min(now, event.time.getTime() + 5 * 60_000),
      events: [event],
    });
  }

  drafts.sort((a, b) => a.created - b.created || a.key.localeCompare(b.key));
  const incidents = new Map<string, SentinelIncident>();
  drafts.forEach((draft, index) => {
    const name = stableUuid(world.seed, `sentinel:incident:${draft.key}`);
    const times = draft.events.map((event) => event.time.getTime());
    const iso = (ms: number) => new Date(ms).toISOString();
    const first = times.length === 0 ? draft.created : Math.min(...times);
    const last = times.length === 0 ? draft.created : Math.max(...times);
    incidents.set(name, {
      name,
      version: 1,
      title: draft.title,
      description: draft.description,
      severity: draft.severity,
      status: draft.status,
      classification: draft.classification ?? null,
      classificationReason: draft.classification === undefined ? null : 'SuspiciousButExpected',
      classificationComment: null,
      owner: { objectId: null, email: null, assignedTo: null, userPrincipalName: null },
      labels: [],
      incidentNumber: 1001 + index,
      createdTimeUtc: iso(draft.created),
      lastModifiedTimeUtc: iso(draft.created),
      firstActivityTimeUtc: iso(first),
      lastActivityTimeUtc: iso(last),
      alertsCount: Math.max(1, new Set(draft.events.map((event) => event.kind)).size),
      tactics: [...new Set(draft.events.map((event) => (event.tactic === undefined ? undefined : TACTIC_NAMES[event.tactic])).filter((tactic): tactic is string => tactic !== undefined))],
      techniques: [...new Set(draft.events.map((event) => event.technique?.split('.')[0]).filter((technique): technique is string => technique !== undefined))],
      alertIds: draft.events.slice(0, 20).map((event) => stableUuid(world.seed, `sentinel:alert:${event.id}`)),
    });
  });
  return incidents;
}

// ---------------------------------------------------------------------------------------------
// OData $filter: `properties/status eq 'New' and (properties/severity eq 'High' or properties/incidentNumber gt 1005)`.

type ODataNode =
  | { kind: 'compare'; path: string; operator: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; value: string | number | boolean | null }
  | { kind: 'and' | 'or'; left: ODataNode; right: ODataNode }
  | { kind: 'not'; operand: ODataNode };

function parseODataFilter(text: string): ODataNode | string {
  const tokens = text.match(/\(|\)|'(?:[^']|'')*'|[^\s()]+/g) ?? [];
  let index = 0;
  const peek = () => tokens[index];
  const parseOr = (): ODataNode | string => {
    let left = parseAnd();
    while (typeof left !== 'string' && peek()?.toLowerCase() === 'or') {
      index += 1;
      const right = parseAnd();
      if (typeof right === 'string') return right;
      left = { kind: 'or', left, right };
    }
    return left;
  };
  const parseAnd = (): ODataNode | string => {
    let left = parseUnary();
    while (typeof left !== 'string' && peek()?.toLowerCase() === 'and') {
      index += 1;
      const right = parseUnary();
      if (typeof right === 'string') return right;
      left = { kind: 'and', left, right };
    }
    return left;
  };
  const parseUnary = (): ODataNode | string => {
    if (peek()?.toLowerCase() === 'not') {
      index += 1;
      const operand = parseUnary();
      return typeof operand === 'string' ? operand : { kind: 'not', operand };
    }
    if (peek() === '(') {
      index += 1;
      const inner = parseOr();
      if (typeof inner === 'string') return inner;
      if (peek() !== ')') return 'missing )';
      index += 1;
      return inner;
    }
    const path = tokens[index];
    const operator = tokens[index + 1]?.toLowerCase();
    const raw = tokens[index + 2];
    if (path === undefined || operator === undefined || raw === undefined) return 'incomplete expression';
    if (!/^[A-Za-z][A-Za-z0-9]*(\/[A-Za-z][A-Za-z0-9]*)*$/.test(path)) return `unexpected '${path}'`;
    if (!['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(operator)) return `unknown operator '${operator}'`;
    index += 3;
    let value: string | number | boolean | null;
    if (raw.startsWith("'")) value = raw.slice(1, -1).replaceAll("''", "'");
    else if (raw === 'null') value = null;
    else if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    else if (!Number.isNaN(Date.parse(raw))) value = new Date(raw).toISOString();
    else return `unexpected value '${raw}'`;
    return { kind: 'compare', path, operator: operator as 'eq', value };
  };
  const node = parseOr();
  if (typeof node === 'string') return node;
  if (index < tokens.length) return `unexpected '${tokens[index]}'`;
  return node;
}

function odataPath(item: Record<string, unknown>, path: string): unknown {
  return path.split('/').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), item);
}

function evaluateOData(node: ODataNode, item: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateOData(node.left, item) && evaluateOData(node.right, item);
    case 'or':
      return evaluateOData(node.left, item) || evaluateOData(node.right, item);
    case 'not':
      return !evaluateOData(node.operand, item);
    case 'compare': {
      let actual = odataPath(item, node.path) as string | number | boolean | null | undefined;
      let expected = node.value;
      if (typeof actual === 'string' && typeof expected === 'string' && /Time/.test(node.path)) {
        actual = Date.parse(actual);
        expected = Date.parse(expected);
      }
      if (node.operator === 'eq') return (actual ?? null) === expected;
      if (node.operator === 'ne') return (actual ?? null) !== expected;
      if (actual === null || actual === undefined || expected === null) return false;
      if (node.operator === 'gt') return actual > expected;
      if (node.operator === 'ge') return actual >= expected;
      if (node.operator === 'lt') return actual < expected;
      return actual <= expected;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tables.

type ColumnType = 'datetime' | 'string' | 'int' | 'long' | 'real' | 'bool' | 'dynamic';
interface Column {
  name: string;
  type: ColumnType;
}
type Cell = string | number | boolean | null;
interface Table {
  columns: Column[];
  rows: Cell[][];
}

const SIGNIN_COLUMNS: Column[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Id', type: 'string' },
  { name: 'UserPrincipalName', type: 'string' },
  { name: 'UserDisplayName', type: 'string' },
  { name: 'IPAddress', type: 'string' },
  { name: 'Location', type: 'string' },
  { name: 'ResultType', type: 'string' },
  { name: 'ResultDescription', type: 'string' },
  { name: 'AppDisplayName', type: 'string' },
  { name: 'ClientAppUsed', type: 'string' },
  { name: 'RiskLevelDuringSignIn', type: 'string' },
  { name: 'Type', type: 'string' },
];
const SECURITY_EVENT_COLUMNS: Column[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Computer', type: 'string' },
  { name: 'EventID', type: 'int' },
  { name: 'Activity', type: 'string' },
  { name: 'Account', type: 'string' },
  { name: 'TargetUserName', type: 'string' },
  { name: 'TargetDomainName', type: 'string' },
  { name: 'LogonType', type: 'int' },
  { name: 'IpAddress', type: 'string' },
  { name: 'WorkstationName', type: 'string' },
  { name: 'Status', type: 'string' },
  { name: 'SubStatus', type: 'string' },
  { name: 'EventSourceName', type: 'string' },
  { name: 'EventOriginId', type: 'string' },
  { name: 'Type', type: 'string' },
];
const INCIDENT_COLUMNS: Column[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'IncidentName', type: 'string' },
  { name: 'IncidentNumber', type: 'int' },
  { name: 'Title', type: 'string' },
  { name: 'Description', type: 'string' },
  { name: 'Severity', type: 'string' },
  { name: 'Status', type: 'string' },
  { name: 'Classification', type: 'string' },
  { name: 'Owner', type: 'dynamic' },
  { name: 'ProviderName', type: 'string' },
  { name: 'CreatedTime', type: 'datetime' },
  { name: 'LastModifiedTime', type: 'datetime' },
  { name: 'FirstActivityTime', type: 'datetime' },
  { name: 'LastActivityTime', type: 'datetime' },
  { name: 'AlertIds', type: 'dynamic' },
  { name: 'Type', type: 'string' },
];

const APPLICATIONS = ['Office 365 Exchange Online', 'Microsoft Teams', 'Azure Portal', 'Office 365 SharePoint Online', 'My Apps'];
const FOREIGN_LOCATIONS = ['NL', 'DE', 'RO', 'SE', 'FR', 'BR'];

function tableOf(name: string, context: LabContext, incidents: SentinelIncident[]): Table | undefined {
  const { world } = context;
  const events = world.events.filter((event) => event.products.includes('sentinel'));
  if (name === 'SigninLogs') {
    const corporateEgress = new Set(context.hosts().map((host) => host.externalIp));
    return {
      columns: SIGNIN_COLUMNS,
      rows: events
        .filter((event) => event.kind === 'signin')
        .map((event) => {
          const upn = event.user ?? '';
          const local = upn.split('@')[0] ?? '';
          const failed = event.outcome === 'failure';
          const hash = Number.parseInt(stableHex(world.seed, `signin:${event.id}`, 8), 16);
          const corporate = event.sourceIp !== undefined && corporateEgress.has(event.sourceIp);
          return [
            event.time.toISOString(),
            stableUuid(world.seed, `signin:${event.id}`),
            upn,
            local.split(/[._]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(' '),
            event.sourceIp ?? '',
            corporate ? 'US' : FOREIGN_LOCATIONS[Number.parseInt(stableHex(world.seed, `geo:${event.sourceIp ?? ''}`, 4), 16) % FOREIGN_LOCATIONS.length]!,
            failed ? '50126' : '0',
            failed ? 'Invalid username or password or Invalid on-premise username or password.' : '',
            APPLICATIONS[hash % APPLICATIONS.length]!,
            'Browser',
            failed && !corporate ? 'medium' : 'none',
            'SigninLogs',
          ];
        }),
    };
  }
  if (name === 'SecurityEvent') {
    const byIp = new Map(context.hosts().map((host) => [host.ip, host]));
    return {
      columns: SECURITY_EVENT_COLUMNS,
      rows: events
        .filter((event) => event.kind === 'logon')
        .map((event) => {
          const target = event.host === undefined ? undefined : context.host(event.host);
          const domain = target?.domain ?? 'corp.example.com';
          const netbios = domain.split('.')[0]!.toUpperCase();
          const failed = event.outcome === 'failure';
          const code = event.eventCode ?? (failed ? 4625 : 4624);
          return [
            event.time.toISOString(),
            event.host === undefined ? '' : `${event.host}.${domain}`,
            code,
            code === 4625 ? '4625 - An account failed to log on.' : '4624 - An account was successfully logged on.',
            `${netbios}\\${event.user ?? ''}`,
            event.user ?? '',
            netbios,
            3,
            event.sourceIp ?? '',
            event.sourceIp === undefined ? '' : (byIp.get(event.sourceIp)?.hostname.toUpperCase() ?? ''),
            failed ? '0xc000006d' : '0x0',
            failed ? '0xc000006a' : '0x0',
            'Microsoft-Windows-Security-Auditing',
            event.id,
            'SecurityEvent',
          ];
        }),
    };
  }
  if (name === 'SecurityIncident') {
    return {
      columns: INCIDENT_COLUMNS,
      rows: incidents.map((incident) => [
        incident.lastModifiedTimeUtc,
        incident.name,
        incident.incidentNumber,
        incident.title,
        incident.description,
        incident.severity,
        incident.status,
        incident.classification ?? '',
        // `dynamic` cells are JSON-encoded strings.
        JSON.stringify(incident.owner),
        'Azure Sentinel',
        incident.createdTimeUtc,
        incident.lastModifiedTimeUtc,
        incident.firstActivityTimeUtc,
        incident.lastActivityTimeUtc,
        JSON.stringify(incident.alertIds),
        'SecurityIncident',
      ]),
    };
  }
  return undefined;
}

/** ISO-8601 duration (`PT4H`, `P1D`), or an interval `start/end`, `start/duration`, `duration/end`. */
function parseTimespan(text: string, nowMs: number): { fromMs: number; toMs: number } | undefined {
  const duration = (value: string): number | undefined => {
    const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(value.trim());
    if (match === null || value.trim().toUpperCase() === 'P' || /T$/i.test(value.trim())) return undefined;
    const [, weeks, days, hours, minutes, seconds] = match;
    return ((Number(weeks ?? 0) * 7 + Number(days ?? 0)) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)) * 1000;
  };
  const parts = text.split('/');
  if (parts.length === 1) {
    const length = duration(parts[0]!);
    return length === undefined ? undefined : { fromMs: nowMs - length, toMs: nowMs };
  }
  if (parts.length !== 2) return undefined;
  const [left, right] = parts as [string, string];
  const leftTime = Date.parse(left);
  const rightTime = Date.parse(right);
  if (!Number.isNaN(leftTime) && !Number.isNaN(rightTime)) return { fromMs: leftTime, toMs: rightTime };
  if (!Number.isNaN(leftTime)) {
    const length = duration(right);
    return length === undefined ? undefined : { fromMs: leftTime, toMs: leftTime + length };
  }
  if (!Number.isNaN(rightTime)) {
    const length = duration(left);
    return length === undefined ? undefined : { fromMs: rightTime - length, toMs: rightTime };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// KQL subset: Table | where … | project … | take/limit N | summarize count(), dcount(c) by c, bin(c, span) … | order/sort by … | top N by … | count

interface KqlToken {
  kind: 'identifier' | 'string' | 'number' | 'timespan' | 'symbol' | 'end';
  text: string;
  value?: string | number;
  position: number;
}

interface KqlErrorBody {
  message: string;
  code: string;
  innererror: { code: string; message: string; innererror: { code: string; message: string; line?: number; pos?: number; token?: string } };
}

class KqlError extends Error {
  constructor(
    readonly kind: 'syntax' | 'semantic',
    message: string,
    readonly token?: KqlToken,
  ) {
    super(message);
  }

  body(text: string): KqlErrorBody {
    const position = this.token?.position ?? 0;
    const line = text.slice(0, position).split('\n').length;
    const pos = position - text.lastIndexOf('\n', position - 1) - 1;
    return {
      message: 'The request had some invalid properties',
      code: 'BadArgumentError',
      innererror:
        this.kind === 'syntax'
          ? {
              code: 'SyntaxError',
              message: 'A recognition error occurred in the query.',
              innererror: { code: 'SYN0002', message: this.message, line, pos, ...(this.token === undefined ? {} : { token: this.token.text }) },
            }
          : { code: 'SemanticError', message: 'A semantic error occurred.', innererror: { code: 'SEM0100', message: this.message } },
    };
  }
}

const TIMESPAN_UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, min: 60_000, hr: 3_600_000, hrs: 3_600_000, sec: 1000 };
const SYMBOLS = ['==', '!=', '=~', '!~', '>=', '<=', '|', '(', ')', ',', '>', '<', '=', '-'];

function tokenize(text: string): KqlToken[] {
  const tokens: KqlToken[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    if (text.startsWith('//', index)) {
      const end = text.indexOf('\n', index);
      index = end < 0 ? text.length : end;
      continue;
    }
    const start = index;
    if (char === '"' || char === "'") {
      let value = '';
      index += 1;
      while (index < text.length && text[index] !== char) {
        if (text[index] === '\\' && index + 1 < text.length) index += 1;
        value += text[index];
        index += 1;
      }
      if (index >= text.length) throw new KqlError('syntax', `Query could not be parsed at '${text.slice(start, start + 20)}': unterminated string`, { kind: 'string', text: text.slice(start, start + 20), position: start });
      index += 1;
      tokens.push({ kind: 'string', text: text.slice(start, index), value, position: start });
      continue;
    }
    const number = /^(\d+(?:\.\d+)?)(ms|min|hrs|hr|sec|d|h|m|s)?(?![A-Za-z_0-9])/.exec(text.slice(index));
    if (number !== null) {
      index += number[0].length;
      if (number[2] === undefined) tokens.push({ kind: 'number', text: number[0], value: Number(number[1]), position: start });
      else tokens.push({ kind: 'timespan', text: number[0], value: Number(number[1]) * TIMESPAN_UNITS[number[2]]!, position: start });
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index))![0];
      index += word.length;
      tokens.push({ kind: 'identifier', text: word, position: start });
      continue;
    }
    if (char === '!' && /[A-Za-z]/.test(text[index + 1] ?? '')) {
      // Negated string operators: !contains, !has, !startswith, !in.
      const word = /^![A-Za-z_]+/.exec(text.slice(index))![0];
      index += word.length;
      tokens.push({ kind: 'identifier', text: word, position: start });
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, index));
    if (symbol === undefined) throw new KqlError('syntax', `Query could not be parsed at '${char}'`, { kind: 'symbol', text: char, position: start });
    index += symbol.length;
    tokens.push({ kind: 'symbol', text: symbol, position: start });
  }
  tokens.push({ kind: 'end', text: '<end of query>', position: text.length });
  return tokens;
}

type Expression =
  | { kind: 'column'; name: string; token: KqlToken }
  | { kind: 'literal'; value: Cell; type: 'string' | 'number' | 'bool' | 'datetime' | 'null' }
  | { kind: 'timespan'; milliseconds: number }
  | { kind: 'ago'; milliseconds: number }
  | { kind: 'now' }
  | { kind: 'compare'; operator: string; left: Expression; right: Expression; token: KqlToken }
  | { kind: 'in'; negated: boolean; caseInsensitive: boolean; operand: Expression; values: Expression[] }
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; operand: Expression };

type Stage =
  | { kind: 'where'; predicate: Expression }
  | { kind: 'project'; columns: Array<{ name: string; token: KqlToken }> }
  | { kind: 'take'; count: number }
  | { kind: 'summarize'; aggregates: Array<{ alias: string; function: 'count' | 'dcount'; column?: { name: string; token: KqlToken } }>; by: Array<{ name: string; token: KqlToken; binMs?: number }> }
  | { kind: 'order'; keys: Array<{ name: string; token: KqlToken; descending: boolean }> }
  | { kind: 'top'; count: number; key: { name: string; token: KqlToken; descending: boolean } }
  | { kind: 'count' };

const COMPARISON_OPERATORS = new Set(['==', '!=', '=~', '!~', '>', '<', '>=', '<=']);
const STRING_OPERATORS = new Set(['contains', '!contains', 'has', '!has', 'startswith', '!startswith', 'endswith', '!endswith', 'contains_cs', 'has_cs']);

function parseKql(text: string): { table: { name: string; token: KqlToken }; stages: Stage[] } {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (offset = 0) => tokens[Math.min(index + offset, tokens.length - 1)]!;
  const next = () => tokens[Math.min(index++, tokens.length - 1)]!;
  const fail = (token: KqlToken, detail?: string): never => {
    throw new KqlError('syntax', `Query could not be parsed at '${token.text}'${detail === undefined ? '' : `: ${detail}`}`, token);
  };
  const expectSymbol = (symbol: string) => {
    const token = next();
    if (token.kind !== 'symbol' || token.text !== symbol) fail(token, `expected '${symbol}'`);
  };
  const isWord = (token: KqlToken, word: string) => token.kind === 'identifier' && token.text.toLowerCase() === word;
  const identifier = (): { name: string; token: KqlToken } => {
    const token = next();
    if (token.kind !== 'identifier') return fail(token, 'expected a column name');
    return { name: token.text, token };
  };
  const integer = (): number => {
    const token = next();
    if (token.kind !== 'number' || !Number.isInteger(token.value)) return fail(token, 'expected a whole number');
    return token.value as number;
  };

  const primary = (): Expression => {
    const token = next();
    if (token.kind === 'string') return { kind: 'literal', value: token.value as string, type: 'string' };
    if (token.kind === 'number') return { kind: 'literal', value: token.value as number, type: 'number' };
    if (token.kind === 'timespan') return { kind: 'timespan', milliseconds: token.value as number };
    if (token.kind === 'symbol' && token.text === '-') {
      const operand = next();
      if (operand.kind === 'number') return { kind: 'literal', value: -(operand.value as number), type: 'number' };
      return fail(operand, 'expected a number');
    }
    if (token.kind === 'symbol' && token.text === '(') {
      const inner = orExpression();
      expectSymbol(')');
      return inner;
    }
    if (token.kind !== 'identifier') return fail(token);
    const word = token.text.toLowerCase();
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', type: 'bool' };
    if (peek().kind === 'symbol' && peek().text === '(') {
      next();
      if (word === 'ago') {
        const span = next();
        if (span.kind !== 'timespan') return fail(span, 'ago() needs a timespan such as 4h');
        expectSymbol(')');
        return { kind: 'ago', milliseconds: span.value as number };
      }
      if (word === 'now') {
        expectSymbol(')');
        return { kind: 'now' };
      }
      if (word === 'datetime') {
        // datetime(2026-01-01T00:00:00Z): the raw text up to ')' is the value.
        const startToken = peek();
        while (!(peek().kind === 'symbol' && peek().text === ')') && peek().kind !== 'end') next();
        const closing = peek();
        expectSymbol(')');
        const raw = text.slice(startToken.position, closing.position).trim().replace(/^["']|["']$/g, '');
        if (Number.isNaN(Date.parse(raw))) return fail(startToken, 'invalid datetime literal');
        return { kind: 'literal', value: new Date(raw).toISOString(), type: 'datetime' };
      }
      throw new KqlError('semantic', `Unknown function: '${token.text}'`, token);
    }
    return { kind: 'column', name: token.text, token };
  };

  const comparison = (): Expression => {
    if (isWord(peek(), 'not')) {
      next();
      expectSymbol('(');
      const operand = orExpression();
      expectSymbol(')');
      return { kind: 'not', operand };
    }
    const left = primary();
    const operatorToken = peek();
    if (operatorToken.kind === 'symbol' && COMPARISON_OPERATORS.has(operatorToken.text)) {
      next();
      return { kind: 'compare', operator: operatorToken.text, left, right: primary(), token: operatorToken };
    }
    if (operatorToken.kind === 'identifier') {
      const word = operatorToken.text.toLowerCase();
      if (STRING_OPERATORS.has(word)) {
        next();
        return { kind: 'compare', operator: word, left, right: primary(), token: operatorToken };
      }
      if (word === 'in' || word === '!in') {
        next();
        expectSymbol('(');
        const values: Expression[] = [primary()];
        while (peek().kind === 'symbol' && peek().text === ',') {
          next();
          values.push(primary());
        }
        expectSymbol(')');
        return { kind: 'in', negated: word.startsWith('!'), caseInsensitive: false, operand: left, values };
      }
    }
    return left;
  };
  const andExpression = (): Expression => {
    let left = comparison();
    while (isWord(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: comparison() };
    }
    return left;
  };
  const orExpression = (): Expression => {
    let left = andExpression();
    while (isWord(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: andExpression() };
    }
    return left;
  };
  const sortKey = () => {
    const column = identifier();
    let descending = true; // KQL sorts descending unless told otherwise.
    if (isWord(peek(), 'asc') || isWord(peek(), 'desc')) descending = next().text.toLowerCase() === 'desc';
    return { ...column, descending };
  };

  const tableToken = next();
  if (tableToken.kind !== 'identifier') fail(tableToken, 'expected a table name');
  const stages: Stage[] = [];
  while (peek().kind !== 'end') {
    expectSymbol('|');
    const operator = next();
    if (operator.kind !== 'identifier') fail(operator, 'expected a tabular operator');
    switch (operator.text.toLowerCase()) {
      case 'where':
        stages.push({ kind: 'where', predicate: orExpression() });
        break;
      case 'project': {
        const columns = [identifier()];
        while (peek().kind === 'symbol' && peek().text === ',') {
          next();
          columns.push(identifier());
        }
        stages.push({ kind: 'project', columns });
        break;
      }
      case 'take':
      case 'limit':
        stages.push({ kind: 'take', count: integer() });
        break;
      case 'summarize': {
        const aggregates: Array<{ alias: string; function: 'count' | 'dcount'; column?: { name: string; token: KqlToken } }> = [];
        for (;;) {
          let alias: string | undefined;
          if (peek().kind === 'identifier' && peek(1).kind === 'symbol' && peek(1).text === '=') {
            alias = next().text;
            next();
          }
          const aggregate = next();
          if (isWord(aggregate, 'count')) {
            expectSymbol('(');
            expectSymbol(')');
            aggregates.push({ alias: alias ?? 'count_', function: 'count' });
          } else if (isWord(aggregate, 'dcount')) {
            expectSymbol('(');
            const column = identifier();
            expectSymbol(')');
            aggregates.push({ alias: alias ?? `dcount_${column.name}`, function: 'dcount', column });
          } else {
            throw new KqlError('semantic', `Unsupported aggregation '${aggregate.text}': only count() and dcount() are available`, aggregate);
          }
          if (peek().kind === 'symbol' && peek().text === ',') {
            next();
            continue;
          }
          break;
        }
        // `by` columns, or `bin(Column, timespan)` (the bin keeps the column's name).
        const byEntry = (): { name: string; token: KqlToken; binMs?: number } => {
          if (isWord(peek(), 'bin') && peek(1).kind === 'symbol' && peek(1).text === '(') {
            next();
            next();
            const column = identifier();
            expectSymbol(',');
            const span = next();
            if (span.kind !== 'timespan' || (span.value as number) <= 0) return fail(span, 'bin() needs a timespan such as 10m');
            expectSymbol(')');
            return { ...column, binMs: span.value as number };
          }
          return identifier();
        };
        const by: Array<{ name: string; token: KqlToken; binMs?: number }> = [];
        if (isWord(peek(), 'by')) {
          next();
          by.push(byEntry());
          while (peek().kind === 'symbol' && peek().text === ',') {
            next();
            by.push(byEntry());
          }
        }
        stages.push({ kind: 'summarize', aggregates, by });
        break;
      }
      case 'order':
      case 'sort': {
        const by = next();
        if (!isWord(by, 'by')) fail(by, "expected 'by'");
        const keys = [sortKey()];
        while (peek().kind === 'symbol' && peek().text === ',') {
          next();
          keys.push(sortKey());
        }
        stages.push({ kind: 'order', keys });
        break;
      }
      case 'top': {
        const count = integer();
        const by = next();
        if (!isWord(by, 'by')) fail(by, "expected 'by'");
        stages.push({ kind: 'top', count, key: sortKey() });
        break;
      }
      case 'count':
        stages.push({ kind: 'count' });
        break;
      default:
        fail(operator, `unsupported operator '${operator.text}' (supported: where, project, take, limit, summarize, order by, sort by, top, count)`);
    }
    if (peek().kind !== 'end' && !(peek().kind === 'symbol' && peek().text === '|')) fail(peek());
  }
  return { table: { name: tableToken.text, token: tableToken }, stages };
}

interface TypedValue {
  value: Cell;
  type: 'string' | 'number' | 'bool' | 'datetime' | 'null' | 'timespan';
}

function executeKql(
  text: string,
  environment: { now: number; window?: { fromMs: number; toMs: number }; table: (name: string) => Table | undefined },
): { columns: Column[]; rows: Cell[][] } | { error: KqlErrorBody } {
  try {
    const query = parseKql(text);
    const source = environment.table(query.table.name);
    if (source === undefined) throw new KqlError('semantic', `Failed to resolve table or column expression named '${query.table.name}'`, query.table.token);
    let columns = source.columns;
    let rows = source.rows;
    if (environment.window !== undefined) {
      const { fromMs, toMs } = environment.window;
      const timeIndex = columns.findIndex((column) => column.name === 'TimeGenerated');
      rows = rows.filter((row) => {
        const time = Date.parse(String(row[timeIndex]));
        return time >= fromMs && time <= toMs;
      });
    }
    const columnIndex = (name: string, token: KqlToken, operator: string): number => {
      const found = columns.findIndex((column) => column.name === name);
      if (found < 0) throw new KqlError('semantic', `'${operator}' operator: Failed to resolve scalar expression named '${name}'`, token);
      return found;
    };
    const evaluate = (expression: Expression, row: Cell[]): TypedValue => {
      switch (expression.kind) {
        case 'column': {
          const index = columnIndex(expression.name, expression.token, 'where');
          const column = columns[index]!;
          const value = row[index] ?? null;
          if (value === null) return { value: null, type: 'null' };
          if (column.type === 'datetime') return { value: Date.parse(String(value)), type: 'datetime' };
          if (column.type === 'int' || column.type === 'long' || column.type === 'real') return { value, type: 'number' };
          if (column.type === 'bool') return { value, type: 'bool' };
          return { value: String(value), type: 'string' };
        }
        case 'literal':
          return expression.type === 'datetime' ? { value: Date.parse(String(expression.value)), type: 'datetime' } : { value: expression.value, type: expression.type };
        case 'timespan':
          return { value: expression.milliseconds, type: 'timespan' };
        case 'ago':
          return { value: environment.now - expression.milliseconds, type: 'datetime' };
        case 'now':
          return { value: environment.now, type: 'datetime' };
        case 'and':
          return { value: truthy(evaluate(expression.left, row)) && truthy(evaluate(expression.right, row)), type: 'bool' };
        case 'or':
          return { value: truthy(evaluate(expression.left, row)) || truthy(evaluate(expression.right, row)), type: 'bool' };
        case 'not':
          return { value: !truthy(evaluate(expression.operand, row)), type: 'bool' };
        case 'in': {
          const operand = evaluate(expression.operand, row);
          const found = expression.values.some((candidate) => equal(operand, evaluate(candidate, row), expression.caseInsensitive));
          return { value: expression.negated ? !found : found, type: 'bool' };
        }
        case 'compare':
          return { value: compare(expression.operator, evaluate(expression.left, row), evaluate(expression.right, row)), type: 'bool' };
      }
    };
    const validate = (expression: Expression): void => {
      if (expression.kind === 'column') columnIndex(expression.name, expression.token, 'where');
      else if (expression.kind === 'compare' || expression.kind === 'and' || expression.kind === 'or') {
        validate(expression.left);
        validate(expression.right);
      } else if (expression.kind === 'not') validate(expression.operand);
      else if (expression.kind === 'in') [expression.operand, ...expression.values].forEach(validate);
    };
    const sortRows = (keys: Array<{ name: string; token: KqlToken; descending: boolean }>, operator: string) => {
      const indexes = keys.map((key) => ({ index: columnIndex(key.name, key.token, operator), descending: key.descending }));
      rows = [...rows].sort((a, b) => {
        for (const { index, descending } of indexes) {
          const type = columns[index]!.type;
          const left = type === 'datetime' ? Date.parse(String(a[index])) : a[index];
          const right = type === 'datetime' ? Date.parse(String(b[index])) : b[index];
          if (left === right) continue;
          if (left === null || left === undefined) return 1;
          if (right === null || right === undefined) return -1;
          return (left < right ? -1 : 1) * (descending ? -1 : 1);
        }
        return 0;
      });
    };
    for (const stage of query.stages) {
      switch (stage.kind) {
        case 'where':
          validate(stage.predicate);
          rows = rows.filter((row) => truthy(evaluate(stage.predicate, row)));
          break;
        case 'project': {
          const indexes = stage.columns.map((column) => columnIndex(column.name, column.token, 'project'));
          columns = indexes.map((index) => columns[index]!);
          rows = rows.map((row) => indexes.map((index) => row[index] ?? null));
          break;
        }
        case 'take':
          rows = rows.slice(0, stage.count);
          break;
        case 'summarize': {
          const indexes = stage.by.map((column) => columnIndex(column.name, column.token, 'summarize'));
          const valueIndexes = stage.aggregates.map((aggregate) => (aggregate.column === undefined ? -1 : columnIndex(aggregate.column.name, aggregate.column.token, 'summarize')));
          const groups = new Map<string, { key: Cell[]; count: number; distinct: Array<Set<string>> }>();
          for (const row of rows) {
            const key = indexes.map((index, at) => {
              const value = row[index] ?? null;
              const binMs = stage.by[at]!.binMs;
              if (binMs === undefined || value === null) return value;
              // bin() floors a datetime to the span (from the epoch) and keeps it a datetime.
              const time = Date.parse(String(value));
              return Number.isNaN(time) ? value : new Date(Math.floor(time / binMs) * binMs).toISOString();
            });
            const id = JSON.stringify(key);
            const group = groups.get(id) ?? { key, count: 0, distinct: stage.aggregates.map(() => new Set<string>()) };
            group.count += 1;
            valueIndexes.forEach((index, at) => {
              const value = index < 0 ? null : (row[index] ?? null);
              if (value !== null && value !== '') group.distinct[at]!.add(String(value));
            });
            groups.set(id, group);
          }
          if (indexes.length === 0 && groups.size === 0) groups.set('[]', { key: [], count: 0, distinct: stage.aggregates.map(() => new Set<string>()) });
          columns = [...indexes.map((index) => columns[index]!), ...stage.aggregates.map((aggregate) => ({ name: aggregate.alias, type: 'long' as const }))];
          rows = [...groups.values()].map((group) => [...group.key, ...stage.aggregates.map((aggregate, at) => (aggregate.function === 'count' ? group.count : group.distinct[at]!.size))]);
          break;
        }
        case 'order':
          sortRows(stage.keys, 'order');
          break;
        case 'top':
          sortRows([stage.key], 'top');
          rows = rows.slice(0, stage.count);
          break;
        case 'count':
          columns = [{ name: 'Count', type: 'long' }];
          rows = [[rows.length]];
          break;
      }
    }
    return { columns, rows: rows.slice(0, MAX_RESULT_ROWS) };
  } catch (error) {
    if (error instanceof KqlError) return { error: error.body(text) };
    throw error;
  }
}

function truthy(value: TypedValue): boolean {
  return value.value === true;
}

function equal(left: TypedValue, right: TypedValue, caseInsensitive: boolean): boolean {
  if (left.value === null || right.value === null) return false;
  if (left.type === 'datetime' || right.type === 'datetime') return toMs(left) === toMs(right);
  // Lenient where Kusto would refuse: a string column compared with a number compares as text.
  const a = String(left.value);
  const b = String(right.value);
  return caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function toMs(value: TypedValue): number {
  return value.type === 'datetime' || value.type === 'number' || value.type === 'timespan' ? Number(value.value) : Date.parse(String(value.value));
}

function compare(operator: string, left: TypedValue, right: TypedValue): boolean {
  switch (operator) {
    case '==':
      return equal(left, right, false);
    case '!=':
      return left.value !== null && right.value !== null && !equal(left, right, false);
    case '=~':
      return equal(left, right, true);
    case '!~':
      return left.value !== null && right.value !== null && !equal(left, right, true);
    case '>':
    case '<':
    case '>=':
    case '<=': {
      if (left.value === null || right.value === null) return false;
      const datetime = left.type === 'datetime' || right.type === 'datetime';
      const a = datetime ? toMs(left) : typeof left.value === 'number' ? left.value : String(left.value);
      const b = datetime ? toMs(right) : typeof right.value === 'number' ? right.value : String(right.value);
      if (typeof a === 'number' && Number.isNaN(a)) return false;
      if (typeof b === 'number' && Number.isNaN(b)) return false;
      if (operator === '>') return a > b;
      if (operator === '<') return a < b;
      if (operator === '>=') return a >= b;
      return a <= b;
    }
    default: {
      if (left.value === null) return operator.startsWith('!');
      const negated = operator.startsWith('!');
      const base = negated ? operator.slice(1) : operator;
      const caseSensitive = base.endsWith('_cs');
      const haystack = caseSensitive ? String(left.value) : String(left.value).toLowerCase();
      const needle = caseSensitive ? String(right.value) : String(right.value).toLowerCase();
      let result: boolean;
      if (base.startsWith('contains')) result = haystack.includes(needle);
      else if (base.startsWith('has')) result = new RegExp(`(^|[^a-z0-9])${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`, caseSensitive ? '' : 'i').test(haystack);
      else if (base === 'startswith') result = haystack.startsWith(needle);
      else result = haystack.endsWith(needle);
      return negated ? !result : result;
    }
  }
}
