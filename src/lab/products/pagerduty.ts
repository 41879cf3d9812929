import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { authorizationToken, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import { stableHex } from '../scenario/index.js';

/*
 * PagerDuty: two API families under one prefix.
 *   /pagerduty/events/v2/enqueue  Events API v2 (routing key in the body, no auth header)
 *   /pagerduty/api/incidents      REST API v2 (Authorization: Token token=…, versioned Accept):
 *                                 list, get, create (POST, From header), update status (PUT, one or bulk);
 *                                 /pagerduty/api/services lists the one service incidents are opened on
 * Events create, acknowledge and resolve incidents that the REST API then lists, keyed by
 * dedup_key = incident_key, as the real service does.
 */

const PRODUCT = 'pagerduty';
const VERSIONED_ACCEPT = 'application/vnd.pagerduty+json;version=2';
/** Historical published REST figure: 900 requests per minute per account. */
const REST_LIMIT_PER_MINUTE = 900;
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
const STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
const SERVICE = { id: 'PSOCLAB', summary: 'SOC Alerts' };
const ESCALATION_POLICY = { id: 'PESCLAB', summary: 'SOC on-call' };
const ON_CALL = { id: 'PUSRLAB1', summary: 'On-call Analyst' };

type IncidentStatus = (typeof STATUSES)[number];

export interface PagerDutyIncident {
  id: string;
  incidentNumber: number;
  title: string;
  status: IncidentStatus;
  urgency: 'high' | 'low';
  incidentKey: string;
  createdAt: Date;
  updatedAt: Date;
  /** Events deduplicated into this incident (the first trigger included). */
  alertCount: number;
  severity: (typeof SEVERITIES)[number];
  source: string;
  customDetails: Record<string, unknown>;
}

interface PagerDutyState {
  incidents: PagerDutyIncident[];
  nextNumber: number;
}

function createState(context: LabContext): PagerDutyState {
  const state: PagerDutyState = { incidents: [], nextNumber: 1001 };
  const now = context.world.startedAt.getTime();
  const add = (label: string, fields: Omit<PagerDutyIncident, 'id' | 'incidentNumber' | 'updatedAt' | 'alertCount' | 'customDetails'>) => {
    state.incidents.push({
      ...fields,
      id: incidentId(context, label),
      incidentNumber: state.nextNumber++,
      updatedAt: fields.status === 'resolved' ? new Date(fields.createdAt.getTime() + 45 * 60_000) : fields.createdAt,
      alertCount: 1,
      customDetails: {},
    });
  };
  // Earlier pages the SOC already handled: the world's non-story incidents…
  for (const incident of context.world.incidents.filter((item) => item.id !== context.world.story.incidentId)) {
    add(`world:${incident.id}`, {
      title: `${incident.severity} severity XDR incident: ${incident.title}`,
      status: incident.status === 'Closed' ? 'resolved' : incident.status === 'Open' ? 'acknowledged' : 'triggered',
      urgency: incident.severity === 'Low' ? 'low' : 'high',
      incidentKey: `xdr-${incident.id}`,
      createdAt: incident.createdAt,
      severity: incident.severity === 'Low' ? 'warning' : 'error',
      source: incident.hosts[0] ?? 'cisco-xdr',
    });
  }
  // …and operational noise on the world's servers, so lists page and filters discriminate.
  const servers = context.hosts().filter((host) => host.kind === 'server' && host.hostname !== context.world.story.targetHost).slice(0, 5);
  const problems = ['Disk usage above 90%', 'Backup job failed', 'Certificate expires in 7 days', 'Service health check failing', 'High CPU for 15 minutes'];
  servers.forEach((host, index) => {
    add(`ops:${host.hostname}`, {
      title: `${problems[index % problems.length]} on ${host.hostname}`,
      status: index % 3 === 0 ? 'triggered' : 'resolved',
      urgency: index % 2 === 0 ? 'high' : 'low',
      incidentKey: `ops-${host.hostname}-${index}`,
      createdAt: new Date(now - (6 + index * 5) * 3_600_000),
      severity: index % 2 === 0 ? 'error' : 'warning',
      source: `${host.hostname}.${host.domain}`,
    });
  });
  return state;
}

/** PagerDuty ids look like `Q1ABCDEF2GHIJK`: 14 upper-case letters and digits. */
function incidentId(context: LabContext, label: string): string {
  return `Q${stableHex(context.world.seed, `pagerduty:${label}`, 13).toUpperCase()}`;
}

function stateOf(context: LabContext): PagerDutyState {
  return context.state(PRODUCT, () => createState(context));
}

function eventError(status: number, message: string, errors: string[]): LabResponse {
  return json(status, { status: 'invalid event', message, errors });
}

function restError(status: number, message: string, code: number, errors: string[] = [], headers: Record<string, string> = {}): LabResponse {
  return json(status, { error: { message, code, ...(errors.length > 0 ? { errors } : {}) } }, headers);
}

function enqueue(request: LabRequest, context: LabContext): LabResponse {
  const body = request.json<Record<string, unknown>>();
  if (body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    return eventError(400, 'Event object is invalid', ['Request body is not a JSON object']);
  }
  const errors: string[] = [];
  const routingKey = body.routing_key;
  if (typeof routingKey !== 'string' || routingKey.trim() === '') errors.push("'routing_key' is missing or blank");
  else if (routingKey !== LAB_CREDENTIALS.pagerduty.routingKey) errors.push('Invalid routing key');
  const action = body.event_action;
  if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve') errors.push("'event_action' must be one of trigger, acknowledge, resolve");
  const dedupKey = body.dedup_key;
  if (dedupKey !== undefined && (typeof dedupKey !== 'string' || dedupKey.length > 255)) errors.push("'dedup_key' must be a string of at most 255 characters");
  if ((action === 'acknowledge' || action === 'resolve') && (typeof dedupKey !== 'string' || dedupKey === '')) errors.push("'dedup_key' is missing or blank");
  const payload = body.payload as Record<string, unknown> | undefined;
  if (action === 'trigger') {
    if (payload === undefined || typeof payload !== 'object' || payload === null) errors.push("'payload' is missing");
    else {
      for (const field of ['summary', 'source', 'severity']) {
        if (typeof payload[field] !== 'string' || (payload[field] as string).trim() === '') errors.push(`'payload.${field}' is missing or blank`);
      }
      if (typeof payload.severity === 'string' && !(SEVERITIES as readonly string[]).includes(payload.severity)) {
        errors.push("'payload.severity' must be one of critical, error, warning, info");
      }
      if (typeof payload.summary === 'string' && payload.summary.length > 1024) errors.push("'payload.summary' must be at most 1024 characters");
    }
  }
  if (errors.length > 0) return eventError(400, 'Event object is invalid', errors);

  const state = stateOf(context);
  const now = context.clock.now();
  const open = (key: string) => state.incidents.find((incident) => incident.incidentKey === key && incident.status !== 'resolved');
  if (action === 'trigger') {
    const key = typeof dedupKey === 'string' && dedupKey !== '' ? dedupKey : stableHex(now.getTime(), `dedup:${state.nextNumber}:${request.rawBody}`, 32);
    const existing = open(key);
    if (existing !== undefined) {
      // Same dedup_key while the incident is open: PagerDuty adds the event to the same alert.
      existing.alertCount += 1;
      existing.updatedAt = now;
    } else {
      const p = payload as { summary: string; source: string; severity: PagerDutyIncident['severity']; custom_details?: unknown };
      state.incidents.push({
        id: incidentId(context, `event:${state.nextNumber}:${key}`),
        incidentNumber: state.nextNumber++,
        title: p.summary,
        status: 'triggered',
        urgency: p.severity === 'critical' || p.severity === 'error' ? 'high' : 'low',
        incidentKey: key,
        createdAt: now,
        updatedAt: now,
        alertCount: 1,
        severity: p.severity,
        source: p.source,
        customDetails: typeof p.custom_details === 'object' && p.custom_details !== null ? (p.custom_details as Record<string, unknown>) : {},
      });
    }
    return json(202, { status: 'success', message: 'Event processed', dedup_key: key });
  }
  // Acknowledge/resolve of an unknown or already resolved key is accepted and changes nothing.
  const existing = open(dedupKey as string);
  if (existing !== undefined) {
    if (action === 'resolve') existing.status = 'resolved';
    else if (existing.status === 'triggered') existing.status = 'acknowledged';
    existing.updatedAt = now;
  }
  return json(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
}

/** Checks the REST headers; returns an error response or the rate-limit headers to send. */
function restGate(request: LabRequest, context: LabContext): { refused: LabResponse } | { headers: Record<string, string> } {
  const window = context.limiter(`${PRODUCT}:rest`, REST_LIMIT_PER_MINUTE, 60_000).take(LAB_CREDENTIALS.pagerduty.apiToken);
  const headers = {
    'ratelimit-limit': String(window.limit),
    'ratelimit-remaining': String(window.remaining),
    'ratelimit-reset': String(Math.ceil(window.resetMs / 1000)),
  };
  const token = authorizationToken(request, 'token')?.replace(/^token=/i, '');
  if (token !== LAB_CREDENTIALS.pagerduty.apiToken) return { refused: restError(401, 'Unauthorized', 2006, [], headers) };
  if (!window.allowed) return { refused: restError(429, 'Rate Limit Exceeded', 2020, [], { ...headers, 'retry-after': String(Math.ceil(window.resetMs / 1000)) }) };
  const accept = request.header('accept') ?? '';
  if (!accept.replace(/\s+/g, '').toLowerCase().includes(VERSIONED_ACCEPT)) {
    return { refused: restError(400, 'Invalid Input Provided', 2001, [`Accept header must be ${VERSIONED_ACCEPT}`], headers) };
  }
  return { headers };
}

function presentIncident(incident: PagerDutyIncident, request: LabRequest): Record<string, unknown> {
  const api = `${request.baseUrl}/pagerduty/api`;
  return {
    id: incident.id,
    type: 'incident',
    summary: `[#${incident.incidentNumber}] ${incident.title}`,
    incident_number: incident.incidentNumber,
    title: incident.title,
    description: incident.title,
    status: incident.status,
    urgency: incident.urgency,
    incident_key: incident.incidentKey,
    created_at: isoSeconds(incident.createdAt),
    updated_at: isoSeconds(incident.updatedAt),
    last_status_change_at: isoSeconds(incident.updatedAt),
    alert_counts: {
      all: incident.alertCount,
      triggered: incident.status === 'resolved' ? 0 : incident.alertCount,
      resolved: incident.status === 'resolved' ? incident.alertCount : 0,
    },
    service: {
      id: SERVICE.id,
      type: 'service_reference',
      summary: SERVICE.summary,
      self: `${api}/services/${SERVICE.id}`,
      html_url: `${request.baseUrl}/pagerduty/service-directory/${SERVICE.id}`,
    },
    assignments:
      incident.status === 'resolved'
        ? []
        : [{ at: isoSeconds(incident.createdAt), assignee: { id: ON_CALL.id, type: 'user_reference', summary: ON_CALL.summary } }],
    escalation_policy: { id: ESCALATION_POLICY.id, type: 'escalation_policy_reference', summary: ESCALATION_POLICY.summary },
    priority: null,
    html_url: `${request.baseUrl}/pagerduty/incidents/${incident.id}`,
    self: `${api}/incidents/${incident.id}`,
  };
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function listIncidents(request: LabRequest, context: LabContext): LabResponse {
  const gate = restGate(request, context);
  if ('refused' in gate) return gate.refused;
  const { headers } = gate;
  const query = request.query;
  const statuses = query.getAll('statuses[]');
  const invalid = statuses.filter((status) => !(STATUSES as readonly string[]).includes(status));
  if (invalid.length > 0) return restError(400, 'Invalid Input Provided', 2001, [`Statuses must be one of ${STATUSES.join(', ')}.`], headers);
  const urgencies = query.getAll('urgencies[]');
  const limitText = query.get('limit') ?? '25';
  const offsetText = query.get('offset') ?? '0';
  if (!/^\d+$/.test(limitText) || !/^\d+$/.test(offsetText)) return restError(400, 'Invalid Input Provided', 2001, ['limit and offset must be non-negative integers.'], headers);
  // PagerDuty caps a page at 100 and answers with the limit it used.
  const limit = Math.min(Math.max(Number(limitText), 1), 100);
  const offset = Number(offsetText);
  if (offset + limit > 10_000) return restError(400, 'Invalid Input Provided', 2001, ['Offset must be less than 10000.'], headers);
  const since = query.get('since');
  const until = query.get('until');
  for (const [name, value] of [['since', since], ['until', until]] as const) {
    if (value !== null && Number.isNaN(Date.parse(value))) return restError(400, 'Invalid Input Provided', 2001, [`${name} is not a valid date.`], headers);
  }
  const incidentKey = query.get('incident_key');
  const sortBy = query.get('sort_by') ?? 'created_at:asc';
  const descending = /:desc$/i.test(sortBy);
  const matches = stateOf(context)
    .incidents.filter(
      (incident) =>
        (statuses.length === 0 || statuses.includes(incident.status)) &&
        (urgencies.length === 0 || urgencies.includes(incident.urgency)) &&
        (incidentKey === null || incident.incidentKey === incidentKey) &&
        (since === null || incident.createdAt.getTime() >= Date.parse(since)) &&
        (until === null || incident.createdAt.getTime() < Date.parse(until)),
    )
    .sort((a, b) => (a.createdAt.getTime() - b.createdAt.getTime() || a.incidentNumber - b.incidentNumber) * (descending ? -1 : 1));
  const page = matches.slice(offset, offset + limit);
  return json(
    200,
    {
      incidents: page.map((incident) => presentIncident(incident, request)),
      limit,
      offset,
      total: query.get('total') === 'true' ? matches.length : null,
      more: offset + page.length < matches.length,
    },
    headers,
  );
}

function getIncident(request: LabRequest, context: LabContext): LabResponse {
  const gate = restGate(request, context);
  if ('refused' in gate) return gate.refused;
  const { headers } = gate;
  const incident = findIncident(context, request.params.id);
  if (incident === undefined) return restError(404, 'Not Found', 2100, [], headers);
  return json(200, { incident: presentIncident(incident, request) }, headers);
}

/** restGate for writes, which also need the acting user's e-mail in `From` (account-level API keys). */
function restWriteGate(request: LabRequest, context: LabContext): { refused: LabResponse } | { headers: Record<string, string> } {
  const gate = restGate(request, context);
  if ('refused' in gate) return gate;
  const from = request.header('from')?.trim() ?? '';
  if (/^[^@\s]+@[^@\s]+$/.test(from)) return gate;
  return { refused: restError(400, 'Invalid Input Provided', 2001, ['The From header must be the email address of a valid user.'], gate.headers) };
}

function presentService(request: LabRequest): Record<string, unknown> {
  return {
    id: SERVICE.id,
    type: 'service',
    name: SERVICE.summary,
    summary: SERVICE.summary,
    status: 'active',
    self: `${request.baseUrl}/pagerduty/api/services/${SERVICE.id}`,
    html_url: `${request.baseUrl}/pagerduty/service-directory/${SERVICE.id}`,
    escalation_policy: { id: ESCALATION_POLICY.id, type: 'escalation_policy_reference', summary: ESCALATION_POLICY.summary },
  };
}

function listServices(request: LabRequest, context: LabContext): LabResponse {
  const gate = restGate(request, context);
  if ('refused' in gate) return gate.refused;
  return json(200, { services: [presentService(request)], limit: 25, offset: 0, total: null, more: false }, gate.headers);
}

/** POST /incidents: `{incident: {type: 'incident', title, service: {id, type: 'service_reference'}, urgency?, incident_key?, body?}}`. */
function createIncident(request: LabRequest, context: LabContext): LabResponse {
  const gate = restWriteGate(request, context);
  if ('refused' in gate) return gate.refused;
  const { headers } = gate;
  const incident = request.json<{ incident?: Record<string, unknown> }>()?.incident;
  const errors: string[] = [];
  if (typeof incident !== 'object' || incident === null) errors.push('Incident must be an object.');
  else {
    if (incident.type !== 'incident') errors.push("Incident type must be 'incident'.");
    if (typeof incident.title !== 'string' || incident.title.trim() === '') errors.push('Title cannot be empty.');
    const service = incident.service as { id?: unknown } | undefined;
    if (typeof service !== 'object' || service === null || typeof service.id !== 'string') errors.push('Service is required.');
    else if (service.id !== SERVICE.id) errors.push('Service not found.');
    if (incident.urgency !== undefined && incident.urgency !== 'high' && incident.urgency !== 'low') errors.push('Urgency must be one of high, low.');
    if (incident.incident_key !== undefined && typeof incident.incident_key !== 'string') errors.push('Incident key must be a string.');
  }
  if (errors.length > 0) return restError(400, 'Invalid Input Provided', 2001, errors, headers);
  const fields = incident as { title: string; urgency?: 'high' | 'low'; incident_key?: string; body?: { details?: unknown } };
  const state = stateOf(context);
  const now = context.clock.now();
  const key = fields.incident_key ?? stableHex(now.getTime(), `rest:${state.nextNumber}:${request.rawBody}`, 32);
  if (state.incidents.some((candidate) => candidate.incidentKey === key && candidate.status !== 'resolved')) {
    return restError(400, 'Invalid Input Provided', 2001, [`Open incident with key '${key}' already exists.`], headers);
  }
  const created: PagerDutyIncident = {
    id: incidentId(context, `rest:${state.nextNumber}:${key}`),
    incidentNumber: state.nextNumber++,
    title: fields.title,
    status: 'triggered',
    urgency: fields.urgency ?? 'high',
    incidentKey: key,
    createdAt: now,
    updatedAt: now,
    alertCount: 0,
    severity: fields.urgency === 'low' ? 'warning' : 'error',
    source: 'rest-api',
    customDetails: typeof fields.body?.details === 'string' ? { details: fields.body.details } : {},
  };
  state.incidents.push(created);
  return json(201, { incident: presentIncident(created, request) }, headers);
}

/** One status change (`acknowledged`, `resolved`), plus title/urgency edits; a resolved incident stays resolved. */
function applyUpdate(incident: PagerDutyIncident, update: Record<string, unknown>, now: Date): string | undefined {
  if (update.status !== undefined) {
    if (update.status !== 'acknowledged' && update.status !== 'resolved') return 'Status must be one of acknowledged, resolved.';
    if (incident.status === 'resolved' && update.status !== 'resolved') return 'Incident Already Resolved';
  }
  if (update.urgency !== undefined && update.urgency !== 'high' && update.urgency !== 'low') return 'Urgency must be one of high, low.';
  if (update.title !== undefined && (typeof update.title !== 'string' || update.title.trim() === '')) return 'Title cannot be empty.';
  if (update.status !== undefined) incident.status = update.status as IncidentStatus;
  if (update.urgency !== undefined) incident.urgency = update.urgency as 'high' | 'low';
  if (typeof update.title === 'string') incident.title = update.title;
  incident.updatedAt = now;
  return undefined;
}

function findIncident(context: LabContext, id: string | undefined): PagerDutyIncident | undefined {
  return stateOf(context).incidents.find((item) => item.id === id || String(item.incidentNumber) === id);
}

/** PUT /incidents/{id}: `{incident: {type: 'incident' | 'incident_reference', status?, title?, urgency?}}`. */
function updateIncident(request: LabRequest, context: LabContext): LabResponse {
  const gate = restWriteGate(request, context);
  if ('refused' in gate) return gate.refused;
  const { headers } = gate;
  const incident = findIncident(context, request.params.id);
  if (incident === undefined) return restError(404, 'Not Found', 2100, [], headers);
  const update = request.json<{ incident?: Record<string, unknown> }>()?.incident;
  if (typeof update !== 'object' || update === null || (update.type !== 'incident' && update.type !== 'incident_reference')) {
    return restError(400, 'Invalid Input Provided', 2001, ["Incident type must be 'incident' or 'incident_reference'."], headers);
  }
  const problem = applyUpdate(incident, update, context.clock.now());
  if (problem !== undefined) return restError(400, 'Invalid Input Provided', 2001, [problem], headers);
  return json(200, { incident: presentIncident(incident, request) }, headers);
}

/** PUT /incidents: bulk `{incidents: [{id, type, status}]}`; all or nothing. */
function updateIncidents(request: LabRequest, context: LabContext): LabResponse {
  const gate = restWriteGate(request, context);
  if ('refused' in gate) return gate.refused;
  const { headers } = gate;
  const updates = request.json<{ incidents?: unknown }>()?.incidents;
  if (!Array.isArray(updates) || updates.length === 0 || updates.length > 250) {
    return restError(400, 'Invalid Input Provided', 2001, ['Incidents must be an array of 1 to 250 incident references.'], headers);
  }
  const targets: Array<{ incident: PagerDutyIncident; update: Record<string, unknown> }> = [];
  for (const update of updates as Array<Record<string, unknown> | null>) {
    const incident = typeof update === 'object' && update !== null ? findIncident(context, String(update.id)) : undefined;
    if (incident === undefined) return restError(404, 'Not Found', 2100, [], headers);
    targets.push({ incident, update: update! });
  }
  const now = context.clock.now();
  for (const { incident, update } of targets) {
    const copy = { ...incident };
    const problem = applyUpdate(copy, update, now);
    if (problem !== undefined) return restError(400, 'Invalid Input Provided', 2001, [problem], headers);
  }
  for (const { incident, update } of targets) applyUpdate(incident, update, now);
  return json(200, { incidents: targets.map(({ incident }) => presentIncident(incident, request)) }, headers);
}

export const pagerdutySimulator: LabProductModule = {
  product: PRODUCT,
  prefix: '/pagerduty',
  endpoints: { events: '/events', rest: '/api' },
  register(router) {
    router.post('/events/v2/enqueue', enqueue);
    router.get('/api/incidents', listIncidents);
    router.get('/api/incidents/:id', getIncident);
    router.post('/api/incidents', createIncident);
    router.put('/api/incidents', updateIncidents);
    router.put('/api/incidents/:id', updateIncident);
    router.get('/api/services', listServices);
  },
  errorResponse(status, message, request) {
    if (request.path.startsWith('/events')) {
      if (status === 429) return json(429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.' });
      return json(status, { status: status >= 500 ? 'error' : 'invalid event', message, errors: [message] });
    }
    const code = status === 401 ? 2006 : status === 404 ? 2100 : status === 429 ? 2020 : status >= 500 ? 2000 : 2001;
    return restError(status, status === 429 ? 'Rate Limit Exceeded' : message, code);
  },
  rateLimitHeaders(retryAfterSeconds, request): Record<string, string> {
    // Events API throttling carries no headers; REST reports the window (`ratelimit-reset`: seconds to wait).
    if (request.path.startsWith('/events')) return {};
    return { 'ratelimit-limit': String(REST_LIMIT_PER_MINUTE), 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.ceil(retryAfterSeconds ?? 60)) };
  },
};
