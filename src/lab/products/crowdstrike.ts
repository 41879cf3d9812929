import { randomBytes } from 'node:crypto';
import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { authorizationToken, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import type { ProductRouter } from '../lab-router.js';
import { stableHex, type LabHost, type ScenarioEvent } from '../scenario/index.js';

/*
 * CrowdStrike Falcon simulator (connectors.md §6): OAuth2 token (201, 1799 s), the
 * {meta, resources, errors} envelope on every answer, X-Cs-Traceid / X-Cs-Region and
 * X-RateLimit-* headers, FQL filters, offset pagination (the first 10,000 devices), scroll paging
 * (opaque `offset` token) and the combined alerts endpoint's `after` cursor, Hosts and Alerts v2
 * endpoints (and the legacy Detects API over the same alerts), and containment that changes device
 * status. Everything shown is derived from the lab world.
 */

const PRODUCT = 'crowdstrike';
const TOKEN_TTL_SECONDS = 1799;
const REGION = 'us-1';
/** 6000 requests per minute per CID (§6.3). */
const RATE_LIMIT = 6000;
const RATE_WINDOW_MS = 60_000;
/** How long a contain or lift stays `*_pending` before it takes effect, in lab-clock milliseconds. */
const ACTION_PENDING_MS = 5_000;
const MAX_QUERY_LIMIT = 5000;
/** Offset paging of the device query reaches this many devices (offset + limit); the scroll endpoint goes further. */
const OFFSET_WINDOW = 10_000;
/** How long a scroll token stays valid, in milliseconds. */
const SCROLL_TTL_MS = 120_000;
/** Alerts per page of the combined alerts endpoint. */
const MAX_COMBINED_ALERTS = 1000;
const MAX_ALERT_QUERY_LIMIT = 10_000;
const MAX_ENTITY_GET_IDS = 100;
const MAX_ENTITY_POST_IDS = 5000;
const MAX_ACTION_IDS = 100;
const DEVICE_ACTIONS = ['contain', 'lift_containment', 'hide_host', 'unhide_host'] as const;
type DeviceAction = (typeof DEVICE_ACTIONS)[number];

type DeviceStatus = 'normal' | 'containment_pending' | 'contained' | 'lift_containment_pending';

/** What the simulator changes: containment, hidden hosts, alert status. */
interface CrowdStrikeState {
  containment: Map<string, { target: 'contained' | 'normal'; effectiveAtMs: number }>;
  hidden: Set<string>;
  alertStatus: Map<string, string>;
  /** Status of legacy detections (Detects API), by detection id. */
  detectionStatus: Map<string, string>;
}

const SEVERITY_SCORE: Record<ScenarioEvent['severity'], number> = { info: 10, low: 30, medium: 50, high: 70, critical: 90 };
const SEVERITY_NAME: Record<ScenarioEvent['severity'], string> = { info: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/** MITRE ATT&CK reference names (public reference data, not scenario facts). */
const TACTICS: Record<string, { id: string; name: string }> = {
  'initial-access': { id: 'TA0001', name: 'Initial Access' },
  execution: { id: 'TA0002', name: 'Execution' },
  persistence: { id: 'TA0003', name: 'Persistence' },
  'privilege-escalation': { id: 'TA0004', name: 'Privilege Escalation' },
  'defense-evasion': { id: 'TA0005', name: 'Defense Evasion' },
  'credential-access': { id: 'TA0006', name: 'Credential Access' },
  discovery: { id: 'TA0007', name: 'Discovery' },
  'lateral-movement': { id: 'TA0008', name: 'Lateral Movement' },
  collection: { id: 'TA0009', name: 'Collection' },
  exfiltration: { id: 'TA0010', name: 'Exfiltration' },
  'command-and-control': { id: 'TA0011', name: 'Command and Control' },
};
const TECHNIQUES: Record<string, string> = {
  T1003: 'OS Credential Dumping',
  T1021: 'Remote Services',
  T1059: 'Command and Scripting Interpreter',
  T1078: 'Valid Accounts',
  T1105: 'Ingress Tool Transfer',
  T1110: 'Brute Force',
  T1204: 'User Execution',
  T1566: 'Phishing',
  T1569: 'System Services',
  T1071: 'Application Layer Protocol',
};

type Entity = Record<string, unknown>;

export const crowdStrikeSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: '/crowdstrike',
  register(router: ProductRouter, context: LabContext) {
    const state = () =>
      context.state<CrowdStrikeState>(PRODUCT, () => ({ containment: new Map(), hidden: new Set(), alertStatus: new Map(), detectionStatus: new Map() }));
    const cid = stableHex(context.world.seed, 'crowdstrike:cid', 32);

    router.post('/oauth2/token', (request) => {
      const limited = rateLimit(context, request, 'crowdstrike:oauth2', 300);
      if (limited !== undefined) return limited;
      const form = request.form();
      const clientId = form.get('client_id');
      const clientSecret = form.get('client_secret');
      if (clientId === null || clientSecret === null || clientId === '' || clientSecret === '') {
        return envelope(400, [], { errors: [{ code: 400, message: 'client_id and client_secret are required' }] });
      }
      if (clientId !== LAB_CREDENTIALS.crowdstrike.clientId || clientSecret !== LAB_CREDENTIALS.crowdstrike.clientSecret) {
        return envelope(401, [], { errors: [{ code: 401, message: 'access denied, invalid client credentials' }] });
      }
      const issued = context.tokens(PRODUCT, TOKEN_TTL_SECONDS).issue(form.get('member_cid') ?? cid);
      const traceId = newTraceId();
      return json(
        201,
        { access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresIn },
        { 'X-Cs-Region': REGION, 'X-Cs-Traceid': traceId, 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '299' },
      );
    });

    router.post('/oauth2/revoke', (request) => {
      const token = request.form().get('token');
      if (token !== null) context.tokens(PRODUCT, TOKEN_TTL_SECONDS).revoke(token);
      return envelope(200, []);
    });

    /** Every data endpoint: bearer token, then the per-CID rate limit. */
    const guarded =
      (handler: (request: LabRequest, rate: RateHeaders) => LabResponse) =>
      (request: LabRequest): LabResponse => {
        const check = context.tokens(PRODUCT, TOKEN_TTL_SECONDS).check(authorizationToken(request));
        if (check.state !== 'valid') {
          return envelope(401, [], { errors: [{ code: 401, message: 'access denied, invalid bearer token' }] });
        }
        const limiter = context.limiter(PRODUCT, RATE_LIMIT, RATE_WINDOW_MS);
        const taken = limiter.take(check.subject);
        const rate: RateHeaders = { 'X-RateLimit-Limit': String(taken.limit), 'X-RateLimit-Remaining': String(taken.remaining) };
        if (!taken.allowed) {
          const retryAt = Math.ceil((context.clock.now().getTime() + taken.resetMs) / 1000);
          return envelope(429, [], { errors: [{ code: 429, message: 'API rate limit exceeded.' }], headers: { ...rate, 'X-RateLimit-RetryAfter': String(retryAt) } });
        }
        return handler(request, rate);
      };

    // Device records are built once per inventory phase (10,000+ devices in load tests); only
    // the status, which changes with containment and time, is filled in per request.
    const cache = new Map<string, { hosts: LabHost[]; entities: Entity[]; byId: Map<string, number> }>();
    const built = () => {
      let entry = cache.get(context.inventoryPhase);
      if (entry === undefined) {
        const hosts = context.hosts().filter((host) => host.crowdstrike !== undefined);
        entry = { hosts, entities: hosts.map((host) => deviceEntity(host, cid, 'normal')), byId: new Map(hosts.map((host, index) => [host.crowdstrike!.deviceId, index])) };
        cache.set(context.inventoryPhase, entry);
      }
      return entry;
    };
    const withStatus = (index: number, now: number): Entity => {
      const { hosts, entities } = built();
      const status = deviceStatus(hosts[index]!, state(), now);
      return status === 'normal' ? entities[index]! : { ...entities[index]!, status };
    };
    const devices = (): Entity[] => {
      const now = context.clock.now().getTime();
      const { hosts } = built();
      const hidden = state().hidden;
      const out: Entity[] = [];
      hosts.forEach((host, index) => {
        if (!hidden.has(host.crowdstrike!.deviceId)) out.push(withStatus(index, now));
      });
      return out;
    };
    // An unfiltered sweep sorted by host name asks for the same order page after page: keep it
    // (per inventory phase and hidden set) instead of sorting 10,000 devices per request.
    const sweepOrder = new Map<string, Entity[]>();
    const deviceQueryPage = (request: LabRequest): ReturnType<typeof queryPage> => {
      const filter = request.query.get('filter');
      const sort = request.query.get('sort');
      if ((filter !== null && filter.trim() !== '') || (sort !== null && sort !== 'hostname.asc')) {
        return queryPage(request, devices(), DEVICE_FIELDS, 'hostname.asc', MAX_QUERY_LIMIT);
      }
      const key = `${context.inventoryPhase}|${[...state().hidden].sort().join(',')}`;
      let ordered = sweepOrder.get(key);
      if (ordered === undefined) {
        const page = queryPage(request, devices(), DEVICE_FIELDS, 'hostname.asc', Number.MAX_SAFE_INTEGER, true);
        if ('error' in page) return page;
        ordered = page.items;
        sweepOrder.clear();
        sweepOrder.set(key, ordered);
      }
      const limitText = request.query.get('limit');
      const offsetText = request.query.get('offset');
      const limit = limitText === null ? 100 : Number(limitText);
      const offset = offsetText === null || offsetText === '' ? 0 : Number(offsetText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) return { error: `Invalid limit: must be between 1 and ${MAX_QUERY_LIMIT}` };
      if (!Number.isInteger(offset) || offset < 0) return { error: 'Invalid offset: must be a non-negative integer' };
      return { items: ordered.slice(offset, offset + limit), pagination: { offset, limit, total: ordered.length } };
    };

    /** The device with this id, or undefined (hidden devices are not found). */
    const deviceById = (id: string, now: number): Entity | undefined => {
      const index = built().byId.get(id);
      return index === undefined || state().hidden.has(id) ? undefined : withStatus(index, now);
    };

    router.get(
      '/devices/queries/devices/v1',
      guarded((request, rate) => {
        // Offset paging reaches the first 10,000 devices only; the scroll endpoint goes further.
        const limit = Number(request.query.get('limit') ?? 100);
        const offset = Number(request.query.get('offset') || 0);
        if (Number.isInteger(limit) && Number.isInteger(offset) && offset + limit > OFFSET_WINDOW) {
          return envelope(400, [], { errors: [{ code: 400, message: `offset + limit must be at most ${OFFSET_WINDOW}; use /devices/queries/devices-scroll/v1 to page further` }], headers: rate, poweredBy: 'device-api' });
        }
        const page = deviceQueryPage(request);
        if ('error' in page) return envelope(400, [], { errors: [{ code: 400, message: page.error }], headers: rate });
        return envelope(200, page.items.map((device) => device.device_id), { pagination: page.pagination, headers: rate, poweredBy: 'device-api' });
      }),
    );

    // Scroll paging: `offset` is an opaque token naming the query and the position, valid for two minutes.
    router.get(
      '/devices/queries/devices-scroll/v1',
      guarded((request, rate) => {
        const limitText = request.query.get('limit');
        const limit = limitText === null ? 100 : Number(limitText);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
          return envelope(400, [], { errors: [{ code: 400, message: `Invalid limit: must be between 1 and ${MAX_QUERY_LIMIT}` }], headers: rate });
        }
        const filter = request.query.get('filter') ?? '';
        const sort = request.query.get('sort') ?? '';
        const nowMs = context.clock.now().getTime();
        let position = 0;
        const token = request.query.get('offset');
        if (token !== null && token !== '') {
          const cursor = readScrollToken(token);
          if (cursor === undefined || cursor.filter !== filter || cursor.sort !== sort) {
            return envelope(400, [], { errors: [{ code: 400, message: 'Invalid offset: not a scroll token of this query' }], headers: rate });
          }
          if (cursor.expiresAtMs <= nowMs) return envelope(400, [], { errors: [{ code: 400, message: 'Invalid offset: the scroll expired' }], headers: rate });
          position = cursor.position;
        }
        const everything = queryPage(request, devices(), DEVICE_FIELDS, 'hostname.asc', Number.MAX_SAFE_INTEGER, true);
        if ('error' in everything) return envelope(400, [], { errors: [{ code: 400, message: everything.error }], headers: rate });
        const items = everything.items.slice(position, position + limit);
        const expiresAtMs = nowMs + SCROLL_TTL_MS;
        const next = scrollToken({ filter, sort, position: position + items.length, expiresAtMs });
        return envelope(200, items.map((device) => device.device_id), {
          pagination: { offset: next, expires_at: expiresAtMs * 1_000_000, limit, total: everything.items.length },
          headers: rate,
          poweredBy: 'device-api',
        });
      }),
    );

    // Each device record is serialised once (load tests fetch 10,000 at a time).
    // Kept as UTF-8 bytes: the response is assembled with one Buffer.concat, no re-encoding.
    const serialised = new WeakMap<Entity, Buffer>();
    const deviceJson = (device: Entity): Buffer => {
      let bytes = serialised.get(device);
      if (bytes === undefined) {
        bytes = Buffer.from(JSON.stringify(device));
        serialised.set(device, bytes);
      }
      return bytes;
    };
    const COMMA = Buffer.from(',');
    const deviceEntities = (ids: string[], rate: RateHeaders): LabResponse => {
      const now = context.clock.now().getTime();
      const { entities, byId } = built();
      const current = state();
      // Nothing contained or hidden (the usual case): cached records serve as they are.
      const plain = current.containment.size === 0 && current.hidden.size === 0;
      const parts: Buffer[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        const index = byId.get(id);
        const device = index === undefined ? undefined : plain ? entities[index] : deviceById(id, now);
        if (device === undefined) {
          missing.push(id);
          continue;
        }
        if (parts.length > 0) parts.push(COMMA);
        parts.push(deviceJson(device));
      }
      const errors = missing.map((id) => ({ code: 404, message: `Device not found: ${id}` }));
      const status = parts.length === 0 && missing.length > 0 ? 404 : 200;
      const traceId = newTraceId();
      const meta = { query_time: 0.004, powered_by: 'device-api', trace_id: traceId };
      return {
        status,
        headers: { 'content-type': 'application/json', 'X-Cs-Traceid': traceId, 'X-Cs-Region': REGION, ...rate },
        parts: [Buffer.from(`{"meta":${JSON.stringify(meta)},"resources":[`), ...parts, Buffer.from(`],"errors":${JSON.stringify(errors)}}`)],
      };
    };

    router.get(
      '/devices/entities/devices/v2',
      guarded((request, rate) => {
        const ids = request.query.getAll('ids').filter((id) => id !== '');
        if (ids.length === 0) return envelope(400, [], { errors: [{ code: 400, message: 'ids is required' }], headers: rate });
        if (ids.length > MAX_ENTITY_GET_IDS) {
          return envelope(400, [], { errors: [{ code: 400, message: `too many ids: at most ${MAX_ENTITY_GET_IDS} per GET, use POST for more` }], headers: rate });
        }
        return deviceEntities(ids, rate);
      }),
    );

    router.post(
      '/devices/entities/devices/v2',
      guarded((request, rate) => {
        const ids = idList(request.json(), 'ids', MAX_ENTITY_POST_IDS);
        if (typeof ids === 'string') return envelope(400, [], { errors: [{ code: 400, message: ids }], headers: rate });
        return deviceEntities(ids, rate);
      }),
    );

    router.post(
      '/devices/entities/devices-actions/v2',
      guarded((request, rate) => {
        const action = request.query.get('action_name');
        if (action === null || !DEVICE_ACTIONS.includes(action as DeviceAction)) {
          return envelope(400, [], { errors: [{ code: 400, message: `invalid action_name; expected one of ${DEVICE_ACTIONS.join(', ')}` }], headers: rate });
        }
        const ids = idList(request.json(), 'ids', MAX_ACTION_IDS);
        if (typeof ids === 'string') return envelope(400, [], { errors: [{ code: 400, message: ids }], headers: rate });
        const known = new Set(
          context
            .hosts()
            .map((host) => host.crowdstrike?.deviceId)
            .filter((id): id is string => id !== undefined),
        );
        const missing = ids.filter((id) => !known.has(id));
        if (missing.length > 0) {
          return envelope(404, [], { errors: missing.map((id) => ({ code: 404, message: `Device not found: ${id}` })), headers: rate, poweredBy: 'device-api' });
        }
        const effectiveAtMs = context.clock.now().getTime() + ACTION_PENDING_MS;
        for (const id of ids) {
          if (action === 'contain') state().containment.set(id, { target: 'contained', effectiveAtMs });
          else if (action === 'lift_containment') state().containment.set(id, { target: 'normal', effectiveAtMs });
          else if (action === 'hide_host') state().hidden.add(id);
          else state().hidden.delete(id);
        }
        return envelope(202, ids.map((id) => ({ id, path: '' })), { headers: rate, poweredBy: 'device-api', writes: ids.length });
      }),
    );

    const alerts = (): Entity[] => {
      const hostsByName = new Map(context.hosts().map((host) => [host.hostname, host]));
      return context.world.events
        .filter((event) => event.products.includes('crowdstrike'))
        .map((event) => alertEntity(event, event.host === undefined ? undefined : hostsByName.get(event.host), cid, state()))
        .filter((alert): alert is Entity => alert !== undefined);
    };

    router.get(
      '/alerts/queries/alerts/v2',
      guarded((request, rate) => {
        const page = queryPage(request, alerts(), ALERT_FIELDS, 'timestamp.desc', MAX_ALERT_QUERY_LIMIT);
        if ('error' in page) return envelope(400, [], { errors: [{ code: 400, message: page.error }], headers: rate });
        return envelope(200, page.items.map((alert) => alert.composite_id), { pagination: page.pagination, headers: rate, poweredBy: 'detectsapi' });
      }),
    );

    router.post(
      '/alerts/entities/alerts/v2',
      guarded((request, rate) => {
        const ids = idList(request.json(), 'composite_ids', MAX_ENTITY_POST_IDS);
        if (typeof ids === 'string') return envelope(400, [], { errors: [{ code: 400, message: ids }], headers: rate });
        const byId = new Map(alerts().map((alert) => [alert.composite_id as string, alert]));
        const found = ids.map((id) => byId.get(id)).filter((alert): alert is Entity => alert !== undefined);
        const errors = ids.filter((id) => !byId.has(id)).map((id) => ({ code: 404, message: `Alert not found: ${id}` }));
        return envelope(found.length === 0 && errors.length > 0 ? 404 : 200, found, { errors, headers: rate, poweredBy: 'detectsapi' });
      }),
    );

    // Query and details in one call, paged with an `after` cursor (the next page's position, opaque to clients).
    router.post(
      '/alerts/combined/alerts/v1',
      guarded((request, rate) => {
        const body = request.json<{ filter?: unknown; sort?: unknown; limit?: unknown; after?: unknown }>() ?? {};
        const limit = body.limit === undefined ? 100 : Number(body.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_COMBINED_ALERTS) {
          return envelope(400, [], { errors: [{ code: 400, message: `Invalid limit: must be between 1 and ${MAX_COMBINED_ALERTS}` }], headers: rate });
        }
        if ((body.filter !== undefined && typeof body.filter !== 'string') || (body.sort !== undefined && typeof body.sort !== 'string') || (body.after !== undefined && typeof body.after !== 'string')) {
          return envelope(400, [], { errors: [{ code: 400, message: 'filter, sort and after must be strings' }], headers: rate });
        }
        const filter = (body.filter as string | undefined) ?? '';
        const sort = (body.sort as string | undefined) ?? 'timestamp.desc';
        let position = 0;
        if (body.after !== undefined && body.after !== '') {
          const cursor = readScrollToken(body.after as string);
          if (cursor === undefined || cursor.filter !== filter || cursor.sort !== sort) {
            return envelope(400, [], { errors: [{ code: 400, message: 'Invalid after: not a cursor of this query' }], headers: rate });
          }
          position = cursor.position;
        }
        const query = new URLSearchParams({ ...(filter === '' ? {} : { filter }), sort });
        const everything = queryPage({ ...request, query }, alerts(), ALERT_FIELDS, 'timestamp.desc', Number.MAX_SAFE_INTEGER, true);
        if ('error' in everything) return envelope(400, [], { errors: [{ code: 400, message: everything.error }], headers: rate });
        const items = everything.items.slice(position, position + limit);
        const end = position + items.length;
        const after = end < everything.items.length ? scrollToken({ filter, sort, position: end, expiresAtMs: context.clock.now().getTime() + SCROLL_TTL_MS }) : '';
        return envelope(200, items, { pagination: { offset: position, limit, total: everything.items.length, after }, headers: rate, poweredBy: 'detectsapi' });
      }),
    );

    // ---- The legacy Detects API (§6.6): one detection per alert, with the alert as its one behavior.
    const detections = (): Entity[] => alerts().map((alert) => detectionEntity(alert, state()));
    router.get(
      '/detects/queries/detects/v1',
      guarded((request, rate) => {
        const page = queryPage(request, detections(), DETECTION_FIELDS, 'last_behavior.desc', MAX_QUERY_LIMIT);
        if ('error' in page) return envelope(400, [], { errors: [{ code: 400, message: page.error }], headers: rate });
        return envelope(200, page.items.map((detection) => detection.detection_id), { pagination: page.pagination, headers: rate, poweredBy: 'detectsapi' });
      }),
    );
    router.post(
      '/detects/entities/summaries/GET/v1',
      guarded((request, rate) => {
        const ids = idList(request.json(), 'ids', 1000);
        if (typeof ids === 'string') return envelope(400, [], { errors: [{ code: 400, message: ids }], headers: rate });
        const byId = new Map(detections().map((detection) => [detection.detection_id as string, detection]));
        const found = ids.map((id) => byId.get(id)).filter((detection): detection is Entity => detection !== undefined);
        const errors = ids.filter((id) => !byId.has(id)).map((id) => ({ code: 404, message: `Detection not found: ${id}` }));
        return envelope(found.length === 0 && errors.length > 0 ? 404 : 200, found, { errors, headers: rate, poweredBy: 'detectsapi' });
      }),
    );
    router.patch(
      '/detects/entities/detects/v2',
      guarded((request, rate) => {
        const body = request.json<{ ids?: unknown; status?: unknown }>();
        const ids = idList(body, 'ids', 1000);
        if (typeof ids === 'string') return envelope(400, [], { errors: [{ code: 400, message: ids }], headers: rate });
        const status = body?.status;
        if (status !== undefined && (typeof status !== 'string' || !DETECTION_STATUSES.includes(status))) {
          return envelope(400, [], { errors: [{ code: 400, message: `status must be one of ${DETECTION_STATUSES.join(', ')}` }], headers: rate });
        }
        const known = new Set(detections().map((detection) => detection.detection_id as string));
        const missing = ids.filter((id) => !known.has(id));
        if (missing.length > 0) return envelope(404, [], { errors: missing.map((id) => ({ code: 404, message: `Detection not found: ${id}` })), headers: rate });
        if (typeof status === 'string') for (const id of ids) state().detectionStatus.set(id, status);
        return envelope(200, [], { headers: rate, poweredBy: 'detectsapi', writes: ids.length });
      }),
    );

    router.patch(
      '/alerts/entities/alerts/v3',
      guarded((request, rate) => {
        const body = request.json<{ composite_ids?: unknown; action_parameters?: unknown }>();
        const ids = idList(body, 'composite_ids', MAX_ENTITY_POST_IDS);
        if (typeof ids === 'string') return envelope(400, [], { errors: [{ code: 400, message: ids }], headers: rate });
        const parameters = Array.isArray(body?.action_parameters) ? (body.action_parameters as Array<{ name?: unknown; value?: unknown }>) : [];
        const status = parameters.find((parameter) => parameter.name === 'update_status')?.value;
        if (typeof status !== 'string' || !['new', 'in_progress', 'closed', 'reopened'].includes(status)) {
          return envelope(400, [], { errors: [{ code: 400, message: 'action_parameters must include update_status with new|in_progress|closed|reopened' }], headers: rate });
        }
        for (const id of ids) state().alertStatus.set(id, status);
        return envelope(200, ids, { headers: rate, poweredBy: 'detectsapi', writes: ids.length });
      }),
    );
  },
  errorResponse(status: number, message: string): LabResponse {
    return envelope(status, [], { errors: [{ code: status, message: status === 429 ? 'API rate limit exceeded.' : message }] });
  },
  rateLimitHeaders(retryAfterSeconds, _request, context) {
    // Falcon says when to retry as Unix epoch seconds (§6.3); without a wait, the next second.
    const retryAt = Math.ceil(context.clock.now().getTime() / 1000 + (retryAfterSeconds ?? 1));
    return { 'X-RateLimit-Limit': String(RATE_LIMIT), 'X-RateLimit-Remaining': '0', 'X-RateLimit-RetryAfter': String(retryAt) };
  },
};

type RateHeaders = Record<string, string>;

function newTraceId(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The standard Falcon envelope with its trace id in body and header. */
function envelope(
  status: number,
  resources: unknown[],
  options: {
    errors?: Array<{ code: number; message: string }>;
    pagination?: { offset: number | string; limit: number; total: number; expires_at?: number; after?: string };
    headers?: Record<string, string>;
    poweredBy?: string;
    writes?: number;
  } = {},
): LabResponse {
  const traceId = newTraceId();
  return json(
    status,
    {
      meta: {
        query_time: 0.004,
        powered_by: options.poweredBy ?? 'crowdstrike-api-gateway',
        trace_id: traceId,
        ...(options.pagination === undefined ? {} : { pagination: options.pagination }),
        ...(options.writes === undefined ? {} : { writes: { resources_affected: options.writes } }),
      },
      resources,
      errors: options.errors ?? [],
    },
    { 'X-Cs-Traceid': traceId, 'X-Cs-Region': REGION, ...(options.headers ?? {}) },
  );
}

function rateLimit(context: LabContext, request: LabRequest, key: string, limit: number): LabResponse | undefined {
  const taken = context.limiter(key, limit, RATE_WINDOW_MS).take(request.header('x-forwarded-for') ?? 'loopback');
  if (taken.allowed) return undefined;
  const retryAt = Math.ceil((context.clock.now().getTime() + taken.resetMs) / 1000);
  return envelope(429, [], {
    errors: [{ code: 429, message: 'API rate limit exceeded.' }],
    headers: { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-RetryAfter': String(retryAt) },
  });
}

interface ScrollCursor {
  filter: string;
  sort: string;
  position: number;
  expiresAtMs: number;
}

function scrollToken(cursor: ScrollCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function readScrollToken(token: string): ScrollCursor | undefined {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ScrollCursor>;
    const valid = typeof cursor.filter === 'string' && typeof cursor.sort === 'string' && Number.isInteger(cursor.position) && typeof cursor.expiresAtMs === 'number';
    return valid ? (cursor as ScrollCursor) : undefined;
  } catch {
    return undefined;
  }
}

const DETECTION_STATUSES = ['new', 'in_progress', 'true_positive', 'false_positive', 'ignored', 'closed', 'reopened'];

/** A legacy detection (`ldt:<device id>:<indicator>`) made of one alert, shaped as the Detects API's summaries. */
function detectionEntity(alert: Entity, state: CrowdStrikeState): Entity {
  const compositeId = alert.composite_id as string;
  const [, , deviceId = '', indicator = ''] = compositeId.split(':');
  const detectionId = `ldt:${deviceId}:${indicator.split('-')[0]}`;
  const device = alert.device as Entity;
  const behavior = {
    behavior_id: indicator.split('-')[1] ?? indicator,
    device_id: deviceId,
    timestamp: alert.timestamp,
    filename: alert.filename,
    filepath: alert.filepath,
    cmdline: alert.cmdline,
    sha256: alert.sha256,
    user_name: alert.user_name,
    scenario: 'attacker_methodology',
    objective: 'Falcon Detection Method',
    tactic: alert.tactic,
    tactic_id: alert.tactic_id,
    technique: alert.technique,
    technique_id: alert.technique_id,
    display_name: alert.display_name,
    description: alert.description,
    severity: alert.severity,
    confidence: alert.confidence,
    ...(alert.parent_details === undefined ? {} : { parent_details: { parent_cmdline: (alert.parent_details as Entity).filename } }),
  };
  return {
    cid: alert.cid,
    created_timestamp: alert.created_timestamp,
    detection_id: detectionId,
    device,
    behaviors: [behavior],
    email_sent: false,
    first_behavior: alert.timestamp,
    last_behavior: alert.timestamp,
    max_confidence: alert.confidence,
    max_severity: alert.severity,
    max_severity_displayname: alert.severity_name,
    show_in_ui: true,
    status: state.detectionStatus.get(detectionId) ?? 'new',
    hostinfo: { domain: device.machine_domain },
    seconds_to_triaged: 0,
    seconds_to_resolved: 0,
  };
}

/** `{ids: [...]}`-style bodies: a non-empty string list of at most `max` items, or an error message. */
function idList(body: unknown, key: string, max: number): string[] | string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string' && item !== '')) {
    return `body must be JSON {"${key}": ["..."]} with at least one id`;
  }
  if (value.length > max) return `too many ${key}: at most ${max}`;
  return value as string[];
}

function deviceStatus(host: LabHost, state: CrowdStrikeState, nowMs: number): DeviceStatus {
  const change = state.containment.get(host.crowdstrike!.deviceId);
  if (change === undefined) return host.crowdstrike!.contained ? 'contained' : 'normal';
  if (nowMs >= change.effectiveAtMs) return change.target;
  return change.target === 'contained' ? 'containment_pending' : 'lift_containment_pending';
}

const PLATFORM: Record<LabHost['os']['family'], string> = { windows: 'Windows', macos: 'Mac', linux: 'Linux' };

const POLICY_IDS = new Map<string, string>();
function policyId(kind: string): string {
  let id = POLICY_IDS.get(kind);
  if (id === undefined) {
    id = stableHex(0, `policy:${kind}`, 32);
    POLICY_IDS.set(kind, id);
  }
  return id;
}

function deviceEntity(host: LabHost, cid: string, status: DeviceStatus): Entity {
  const falcon = host.crowdstrike!;
  return {
    device_id: falcon.deviceId,
    cid,
    hostname: host.hostname.toUpperCase(),
    local_ip: host.ip,
    external_ip: host.externalIp,
    // Falcon shows MACs lower-case with dashes.
    mac_address: host.mac.toLowerCase().replaceAll(':', '-'),
    platform_name: PLATFORM[host.os.family],
    os_version: host.os.name,
    os_build: host.os.version,
    agent_version: falcon.agentVersion,
    status,
    last_seen: host.lastSeen.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    first_seen: new Date(host.lastSeen.getTime() - 180 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    product_type_desc: host.kind === 'server' ? 'Server' : 'Workstation',
    machine_domain: host.domain,
    serial_number: host.serial,
    ...(host.cloudId === undefined ? {} : { instance_id: host.cloudId, service_provider: 'AWS_EC2_V2' }),
    tags: host.tags.map((tag) => `FalconGroupingTags/${tag}`),
    groups: [],
    policies: [{ policy_type: 'prevention', policy_id: policyId(host.kind), applied: true }],
  };
}

function alertEntity(event: ScenarioEvent, host: LabHost | undefined, cid: string, state: CrowdStrikeState): Entity | undefined {
  if (host?.crowdstrike === undefined) return undefined;
  const deviceId = host.crowdstrike.deviceId;
  const indicator = BigInt(`0x${event.id.replaceAll('-', '').slice(0, 12)}`).toString();
  const compositeId = `${cid}:ind:${deviceId}:${indicator}-${10_000 + (Number(indicator.slice(-4)) % 9000)}`;
  const tactic = event.tactic === undefined ? undefined : TACTICS[event.tactic];
  const technique = event.technique === undefined ? undefined : TECHNIQUES[event.technique.split('.')[0]!];
  const created = new Date(event.time.getTime() + 5_000);
  const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    composite_id: compositeId,
    aggregate_id: `aggind:${deviceId}:${indicator}`,
    cid,
    type: 'ldt',
    product: 'epp',
    status: state.alertStatus.get(compositeId) ?? 'new',
    severity: SEVERITY_SCORE[event.severity],
    severity_name: SEVERITY_NAME[event.severity],
    confidence: event.tag === 'story' ? 90 : 60,
    created_timestamp: iso(created),
    updated_timestamp: iso(created),
    timestamp: iso(event.time),
    name: event.title,
    display_name: event.title,
    description: event.title,
    ...(tactic === undefined ? {} : { tactic: tactic.name, tactic_id: tactic.id }),
    ...(event.technique === undefined ? {} : { technique: technique ?? event.technique, technique_id: event.technique }),
    device: {
      device_id: deviceId,
      hostname: host.hostname.toUpperCase(),
      local_ip: host.ip,
      external_ip: host.externalIp,
      platform_name: PLATFORM[host.os.family],
      os_version: host.os.name,
      agent_version: host.crowdstrike.agentVersion,
      machine_domain: host.domain,
    },
    ...(event.fileName === undefined && event.processName === undefined ? {} : { filename: event.fileName ?? event.processName }),
    ...(event.filePath === undefined ? {} : { filepath: event.filePath }),
    ...(event.commandLine === undefined ? {} : { cmdline: event.commandLine }),
    ...(event.sha256 === undefined ? {} : { sha256: event.sha256 }),
    ...(event.user === undefined ? {} : { user_name: event.user }),
    ...(event.parentProcessName === undefined ? {} : { parent_details: { filename: event.parentProcessName } }),
    falcon_host_link: `https://falcon.crowdstrike.com/activity-v2/detections/${encodeURIComponent(compositeId)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// FQL: `field:'value'`, `field:>'2024-06-01T00:00:00Z'`, `field:>=60`, `field:!'x'`,
// `field:['a','b']`, `*` wildcards in quoted strings, terms joined by `+` (and) or `,` (or).

type FieldType = 'string' | 'number' | 'date' | 'list';
const DEVICE_FIELDS: Record<string, FieldType> = {
  device_id: 'string',
  hostname: 'string',
  local_ip: 'string',
  external_ip: 'string',
  mac_address: 'string',
  platform_name: 'string',
  os_version: 'string',
  agent_version: 'string',
  status: 'string',
  last_seen: 'date',
  first_seen: 'date',
  product_type_desc: 'string',
  machine_domain: 'string',
  serial_number: 'string',
  tags: 'list',
};
const ALERT_FIELDS: Record<string, FieldType> = {
  composite_id: 'string',
  status: 'string',
  severity: 'number',
  severity_name: 'string',
  confidence: 'number',
  created_timestamp: 'date',
  updated_timestamp: 'date',
  timestamp: 'date',
  tactic: 'string',
  tactic_id: 'string',
  technique: 'string',
  technique_id: 'string',
  type: 'string',
  product: 'string',
  filename: 'string',
  sha256: 'string',
  user_name: 'string',
  'device.device_id': 'string',
  'device.hostname': 'string',
  'device.local_ip': 'string',
  'device.platform_name': 'string',
};

const DETECTION_FIELDS: Record<string, FieldType> = {
  detection_id: 'string',
  status: 'string',
  max_severity: 'number',
  max_severity_displayname: 'string',
  max_confidence: 'number',
  first_behavior: 'date',
  last_behavior: 'date',
  created_timestamp: 'date',
  'device.device_id': 'string',
  'device.hostname': 'string',
  'device.local_ip': 'string',
  'device.platform_name': 'string',
};

type Operator = '=' | '!' | '>' | '>=' | '<' | '<=';
interface Condition {
  field: string;
  operator: Operator;
  values: Array<string | number>;
}
/** OR of ANDs (`,` binds looser than `+`, as in Falcon). */
type Filter = Condition[][];

function parseFql(text: string, fields: Record<string, FieldType>): Filter | string {
  const groups: Filter = [[]];
  let index = 0;
  const skipSpace = () => {
    while (index < text.length && /\s/.test(text[index]!)) index += 1;
  };
  const readValue = (): string | number | undefined => {
    skipSpace();
    const quote = text[index];
    if (quote === "'" || quote === '"') {
      const end = text.indexOf(quote, index + 1);
      if (end < 0) return undefined;
      const value = text.slice(index + 1, end);
      index = end + 1;
      return value;
    }
    const match = /^[^+,\]\s]+/.exec(text.slice(index));
    if (match === null) return undefined;
    index += match[0].length;
    const raw = match[0];
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  };
  for (;;) {
    skipSpace();
    const fieldMatch = /^[a-z_][a-z0-9_.]*/i.exec(text.slice(index));
    if (fieldMatch === null) return `Invalid filter: expected a field name at position ${index}`;
    const field = fieldMatch[0].toLowerCase();
    if (fields[field] === undefined) return `Invalid filter: unknown field '${field}'`;
    index += fieldMatch[0].length;
    skipSpace();
    if (text[index] !== ':') return `Invalid filter: expected ':' after '${field}'`;
    index += 1;
    skipSpace();
    let operator: Operator = '=';
    const operatorMatch = /^(>=|<=|>|<|!)/.exec(text.slice(index));
    if (operatorMatch !== null) {
      operator = operatorMatch[0] as Operator;
      index += operatorMatch[0].length;
    }
    skipSpace();
    const values: Array<string | number> = [];
    if (text[index] === '[') {
      index += 1;
      for (;;) {
        const value = readValue();
        if (value === undefined) return `Invalid filter: bad value list for '${field}'`;
        values.push(value);
        skipSpace();
        if (text[index] === ',') {
          index += 1;
          continue;
        }
        if (text[index] === ']') {
          index += 1;
          break;
        }
        return `Invalid filter: unterminated value list for '${field}'`;
      }
    } else {
      const value = readValue();
      if (value === undefined) return `Invalid filter: missing value for '${field}'`;
      values.push(value);
    }
    const type = fields[field]!;
    if (operator !== '=' && operator !== '!' && type !== 'number' && type !== 'date') return `Invalid filter: '${operator}' needs a numeric or date field, not '${field}'`;
    if (type === 'date' && values.some((value) => Number.isNaN(Date.parse(String(value))))) return `Invalid filter: '${field}' needs an ISO-8601 timestamp`;
    groups[groups.length - 1]!.push({ field, operator, values });
    skipSpace();
    if (index >= text.length) return groups;
    if (text[index] === '+') index += 1;
    else if (text[index] === ',') {
      index += 1;
      groups.push([]);
    } else if (text.slice(index, index + 3).toLowerCase() === 'and') index += 3;
    else return `Invalid filter: unexpected '${text[index]}' at position ${index}`;
  }
}

function fieldValue(entity: Entity, field: string): unknown {
  return field.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Entity)[key] : undefined), entity);
}

function matchesCondition(entity: Entity, condition: Condition, type: FieldType): boolean {
  const actual = fieldValue(entity, condition.field);
  const one = (value: string | number): boolean => {
    if (type === 'number' || type === 'date') {
      const left = type === 'date' ? Date.parse(String(actual)) : Number(actual);
      const right = type === 'date' ? Date.parse(String(value)) : Number(value);
      switch (condition.operator) {
        case '>':
          return left > right;
        case '>=':
          return left >= right;
        case '<':
          return left < right;
        case '<=':
          return left <= right;
        default:
          return left === right;
      }
    }
    // FQL string matching is case-insensitive; `*` is a wildcard.
    const pattern = new RegExp(`^${String(value).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    const candidates = Array.isArray(actual) ? actual.map(String) : [String(actual ?? '')];
    return candidates.some((candidate) => pattern.test(candidate));
  };
  const matched = condition.values.some(one);
  return condition.operator === '!' ? !matched : matched;
}

/** Filter, sort and slice one query endpoint's records by the request's filter/sort/offset/limit. */
function queryPage(
  request: LabRequest,
  records: Entity[],
  fields: Record<string, FieldType>,
  defaultSort: string,
  maxLimit: number,
  /** Return every matching record, ignoring limit/offset (to cache a full ordering). */
  everything = false,
): { items: Entity[]; pagination: { offset: number; limit: number; total: number } } | { error: string } {
  const filterText = request.query.get('filter');
  let filtered = records;
  if (filterText !== null && filterText.trim() !== '') {
    const filter = parseFql(filterText, fields);
    if (typeof filter === 'string') return { error: filter };
    filtered = records.filter((record) => filter.some((group) => group.every((condition) => matchesCondition(record, condition, fields[condition.field]!))));
  }
  const sortText = request.query.get('sort') ?? defaultSort;
  const sortMatch = /^([a-z_][a-z0-9_.]*?)(?:[.|](asc|desc))?$/i.exec(sortText.trim());
  if (sortMatch === null || fields[sortMatch[1]!.toLowerCase()] === undefined) return { error: `Invalid sort: ${sortText}` };
  const sortField = sortMatch[1]!.toLowerCase();
  const direction = (sortMatch[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
  const sortType = fields[sortField]!;
  const sortKey = (record: Entity): string | number => {
    const value = fieldValue(record, sortField);
    if (sortType === 'date') return Date.parse(String(value));
    if (sortType === 'number') return Number(value);
    return String(value ?? '').toLowerCase();
  };
  // Ties broken by the record id, so pages never overlap. Keys are computed once per record.
  const idOf = (record: Entity) => String(record.device_id ?? record.composite_id ?? record.detection_id ?? '');
  const sorted = filtered
    .map((record) => ({ record, key: sortKey(record), id: idOf(record) }))
    .sort((a, b) => {
      if (a.key < b.key) return -direction;
      if (a.key > b.key) return direction;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    })
    .map((entry) => entry.record);
  if (everything) return { items: sorted, pagination: { offset: 0, limit: sorted.length, total: sorted.length } };
  const limitText = request.query.get('limit');
  const offsetText = request.query.get('offset');
  const limit = limitText === null ? 100 : Number(limitText);
  const offset = offsetText === null || offsetText === '' ? 0 : Number(offsetText);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return { error: `Invalid limit: must be between 1 and ${maxLimit}` };
  if (!Number.isInteger(offset) || offset < 0) return { error: 'Invalid offset: must be a non-negative integer' };
  return { items: sorted.slice(offset, offset + limit), pagination: { offset, limit, total: sorted.length } };
}
