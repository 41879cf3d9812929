import { randomUUID } from 'node:crypto';
import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { basicCredentials, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import type { LabHost, ScenarioEvent } from '../scenario/index.js';

/*
 * Cisco Secure Endpoint API v1 (connectors.md §3): Basic client_id:api_key, the v1 envelope
 * (version, metadata.links, metadata.results, data), limit/offset paging with links.next only
 * when more pages exist, four x-ratelimit headers (3,000 per hour), the errors[] envelope, and
 * isolation that moves not_isolated → pending_start → isolated (and back through pending_stop).
 */

const PRODUCT = 'secure_endpoint';
const VERSION = 'v1.2.0';
const PAGE_SIZE = 500;
const HOUR_MS = 3_600_000;
/** 3,000 requests per hour per credential, as a recorded real response reports (§3.3). */
const RATE_LIMIT_PER_HOUR = 3000;

type IsolationStatus = 'not_isolated' | 'pending_start' | 'isolated' | 'pending_stop';

interface SecureEndpointState {
  isolation: Map<string, { status: IsolationStatus; comment?: string; unlockCode?: string; isolatedBy?: string }>;
}

const EVENT_TYPES: Record<string, { id: number; name: string }> = {
  scan: { id: 554696714, name: 'Scan Completed, No Detections' },
  threat: { id: 1090519054, name: 'Threat Detected' },
  executed: { id: 1107296272, name: 'Executed malware' },
  ioc: { id: 1107296274, name: 'Cloud IOC' },
  network: { id: 1107296281, name: 'DFC Threat Detected' },
};

function selfLink(request: LabRequest): string {
  const query = request.query.toString();
  return `${request.baseUrl}${request.fullPath}${query === '' ? '' : `?${query}`}`;
}

function envelopeError(status: number, description: string, details: string[], request: LabRequest): LabResponse {
  return json(status, { version: VERSION, metadata: { links: { self: selfLink(request) } }, data: {}, errors: [{ error_code: status, description, details }] });
}

function computerId(host: LabHost): string {
  return host.secureEndpoint!.connectorGuid;
}

function state(context: LabContext): SecureEndpointState {
  return context.state<SecureEndpointState>(PRODUCT, () => ({ isolation: new Map() }));
}

function isolationOf(context: LabContext, host: LabHost): { available: boolean; status: IsolationStatus; comment?: string; unlock_code?: string; isolated_by?: string } {
  const entry = state(context).isolation.get(computerId(host));
  const available = host.os.family === 'windows';
  if (entry === undefined) return { available, status: host.secureEndpoint!.isolated ? 'isolated' : 'not_isolated' };
  return {
    available,
    status: entry.status,
    ...(entry.comment === undefined ? {} : { comment: entry.comment }),
    ...(entry.unlockCode === undefined ? {} : { unlock_code: entry.unlockCode }),
    ...(entry.isolatedBy === undefined ? {} : { isolated_by: entry.isolatedBy }),
  };
}

/** A pending isolation change completes when the computer is next looked at (as the connector checks in). */
function settle(context: LabContext, host: LabHost): void {
  const entry = state(context).isolation.get(computerId(host));
  if (entry?.status === 'pending_start') entry.status = 'isolated';
  else if (entry?.status === 'pending_stop') entry.status = 'not_isolated';
}

function computerJson(request: LabRequest, context: LabContext, host: LabHost): Record<string, unknown> {
  const guid = computerId(host);
  const base = `${request.baseUrl}/secure-endpoint/v1`;
  return {
    connector_guid: guid,
    hostname: `${host.hostname}.${host.domain}`,
    windows_processor_id: host.serial.toLowerCase(),
    active: true,
    connector_version: host.secureEndpoint!.connectorVersion,
    operating_system: host.os.name,
    os_version: host.os.version,
    internal_ips: [host.ip],
    external_ip: host.externalIp,
    group_guid: groupGuid(host.secureEndpoint!.groupName),
    install_date: new Date(context.world.startedAt.getTime() - 400 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    last_seen: host.lastSeen.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    is_compromised: compromisedHosts(context).has(host.hostname),
    network_addresses: [{ mac: host.mac, ip: host.ip }],
    policy: { guid: groupGuid(host.secureEndpoint!.policyName), name: host.secureEndpoint!.policyName },
    groups: [{ guid: groupGuid(host.secureEndpoint!.groupName), name: host.secureEndpoint!.groupName }],
    faults: [],
    isolation: isolationOf(context, host),
    orbital: { status: 'not_enabled' },
    links: { computer: `${base}/computers/${guid}`, trajectory: `${base}/computers/${guid}/trajectory`, group: `${base}/groups/${groupGuid(host.secureEndpoint!.groupName)}` },
  };
}

/** Hosts with a critical Secure Endpoint event (computed once per world). */
const COMPROMISED = new WeakMap<object, Set<string>>();
function compromisedHosts(context: LabContext): Set<string> {
  let hosts = COMPROMISED.get(context.world);
  if (hosts === undefined) {
    hosts = new Set(
      context.world.events
        .filter((event) => event.products.includes('secure_endpoint') && event.severity === 'critical' && event.host !== undefined)
        .map((event) => event.host!),
    );
    COMPROMISED.set(context.world, hosts);
  }
  return hosts;
}

const GROUP_GUIDS = new Map<string, string>();
const COMPUTER_JSON = new WeakMap<LabHost, { key: string; text: string }>();
/** computerJson as text, rebuilt only when the host's isolation or the lab URL changes. */
function cachedComputerJson(request: LabRequest, context: LabContext, host: LabHost): string {
  const isolation = isolationOf(context, host);
  const key = `${request.baseUrl}|${isolation.status}|${isolation.comment ?? ''}`;
  const cached = COMPUTER_JSON.get(host);
  if (cached?.key === key) return cached.text;
  const text = JSON.stringify(computerJson(request, context, host));
  COMPUTER_JSON.set(host, { key, text });
  return text;
}

function groupGuid(name: string): string {
  const known = GROUP_GUIDS.get(name);
  if (known !== undefined) return known;
  const hex = Buffer.from(name.padEnd(16, '-')).toString('hex').slice(0, 32);
  const guid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  GROUP_GUIDS.set(name, guid);
  return guid;
}

function eventTypeOf(event: ScenarioEvent): { id: number; name: string } {
  if (event.kind === 'detection') return event.severity === 'info' ? EVENT_TYPES.scan! : EVENT_TYPES.threat!;
  if (event.kind === 'file') return EVENT_TYPES.executed!;
  if (event.kind === 'network') return EVENT_TYPES.network!;
  return EVENT_TYPES.ioc!;
}

function eventJson(request: LabRequest, context: LabContext, event: ScenarioEvent, index: number): Record<string, unknown> | undefined {
  const host = event.host === undefined ? undefined : context.host(event.host);
  if (host?.secureEndpoint === undefined) return undefined;
  const type = eventTypeOf(event);
  const seconds = Math.floor(event.time.getTime() / 1000);
  const out: Record<string, unknown> = {
    id: 6_159_258_594_000_000 + index,
    timestamp: seconds,
    timestamp_nanoseconds: (event.time.getTime() % 1000) * 1_000_000,
    date: event.time.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    event_type: type.name,
    event_type_id: type.id,
    severity: event.severity === 'critical' ? 'Critical' : event.severity === 'high' ? 'High' : event.severity === 'medium' ? 'Medium' : 'Low',
    connector_guid: computerId(host),
    group_guids: [groupGuid(host.secureEndpoint.groupName)],
    computer: {
      connector_guid: computerId(host),
      hostname: `${host.hostname}.${host.domain}`,
      external_ip: host.externalIp,
      active: true,
      network_addresses: [{ ip: host.ip, mac: host.mac }],
      links: { computer: `${request.baseUrl}/secure-endpoint/v1/computers/${computerId(host)}` },
    },
  };
  if (type === EVENT_TYPES.threat) {
    out.detection = event.title.split(' ')[0];
    out.detection_id = String(6_159_258_594_500_000 + index);
  }
  if (event.fileName !== undefined || event.sha256 !== undefined || event.processName !== undefined) {
    out.file = {
      disposition: event.severity === 'critical' || event.severity === 'high' ? 'Malicious' : 'Clean',
      file_name: event.fileName ?? event.processName,
      ...(event.filePath === undefined ? {} : { file_path: event.filePath }),
      identity: { sha256: event.sha256 ?? '0'.repeat(64) },
      ...(event.parentProcessName === undefined ? {} : { parent: { process_id: 4000 + (index % 900), disposition: 'Clean', file_name: event.parentProcessName, identity: { sha256: 'c'.repeat(64) } } }),
    };
  }
  if (event.commandLine !== undefined) out.command_line = { arguments: event.commandLine };
  if (event.kind === 'network') {
    out.network_info = {
      local_ip: event.sourceIp,
      remote_ip: event.destinationIp,
      remote_port: event.destinationPort,
      ...(event.url === undefined ? {} : { dirty_url: event.url }),
      nfm: { direction: 'Outgoing connection from', protocol: (event.protocol ?? 'tcp').toUpperCase() },
    };
  }
  if (type === EVENT_TYPES.ioc) out.cloud_ioc = { description: event.title, short_description: event.technique ?? 'IOC' };
  return out;
}

function page<T>(request: LabRequest, items: T[]): { data: T[]; metadata: Record<string, unknown> } | LabResponse {
  const limitText = request.query.get('limit');
  const offsetText = request.query.get('offset');
  const limit = limitText === null ? PAGE_SIZE : Number(limitText);
  const offset = offsetText === null ? 0 : Number(offsetText);
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_SIZE || !Number.isInteger(offset) || offset < 0) {
    return envelopeError(400, 'Bad Request', [`limit must be 1..${PAGE_SIZE} and offset >= 0`], request);
  }
  const data = items.slice(offset, offset + limit);
  const links: Record<string, string> = { self: selfLink(request) };
  if (offset + limit < items.length) {
    const next = new URLSearchParams(request.query);
    next.set('offset', String(offset + limit));
    next.set('limit', String(limit));
    links.next = `${request.baseUrl}${request.fullPath}?${next.toString()}`;
  }
  if (offset > 0) {
    const previous = new URLSearchParams(request.query);
    previous.set('offset', String(Math.max(0, offset - limit)));
    previous.set('limit', String(limit));
    links.prev = `${request.baseUrl}${request.fullPath}?${previous.toString()}`;
  }
  return { data, metadata: { links, results: { total: items.length, current_item_count: data.length, index: offset, items_per_page: limit } } };
}

function ok(request: LabRequest, body: { data: unknown; metadata?: Record<string, unknown> }): LabResponse {
  return json(200, { version: VERSION, metadata: body.metadata ?? { links: { self: selfLink(request) } }, data: body.data });
}

function managedHosts(context: LabContext): LabHost[] {
  return context.hosts().filter((host) => host.secureEndpoint !== undefined);
}

function findComputer(context: LabContext, guid: string): LabHost | undefined {
  return managedHosts(context).find((host) => computerId(host) === guid);
}

export const secureEndpointSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: '/secure-endpoint',

  errorResponse(status, message, request) {
    const description = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 429: 'Too Many Requests' }[status] ?? 'Internal Server Error';
    return envelopeError(status, description, [message], request);
  },

  rateLimitHeaders(retryAfterSeconds, _request, context) {
    const resetSeconds = Math.ceil(retryAfterSeconds ?? 60);
    return {
      'x-ratelimit-limit': String(RATE_LIMIT_PER_HOUR),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(resetSeconds),
      'x-ratelimit-resetdate': new Date(context.clock.now().getTime() + resetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  },

  register(router, context) {
    const limiter = context.limiter(PRODUCT, RATE_LIMIT_PER_HOUR, HOUR_MS);
    // Every route: Basic auth, then the four rate-limit headers.
    const guarded = (handler: (request: LabRequest) => LabResponse) => (request: LabRequest): LabResponse => {
      const credentials = basicCredentials(request);
      if (credentials?.username !== LAB_CREDENTIALS.secureEndpoint.clientId || credentials.password !== LAB_CREDENTIALS.secureEndpoint.apiKey) {
        return envelopeError(401, 'Unauthorized', ['Unknown API key or Client ID'], request);
      }
      const window = limiter.take(credentials.username);
      const resetSeconds = Math.ceil(window.resetMs / 1000);
      const headers = {
        'x-ratelimit-limit': String(window.limit),
        'x-ratelimit-remaining': String(window.remaining),
        'x-ratelimit-reset': String(resetSeconds),
        'x-ratelimit-resetdate': new Date(context.clock.now().getTime() + window.resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        'x-request-id': randomUUID(),
      };
      const response = window.allowed ? handler(request) : { ...envelopeError(429, 'Too Many Requests', ['API rate limit exceeded'], request), headers: { 'retry-after': String(resetSeconds) } };
      return { ...response, headers: { ...response.headers, ...headers } };
    };

    router.get('/v1/version', guarded((request) => ok(request, { data: { version: VERSION } })));

    router.get('/v1/event_types', guarded((request) => ok(request, { data: Object.values(EVENT_TYPES).map((type) => ({ id: type.id, name: type.name, description: type.name })) })));

    router.get(
      '/v1/computers',
      guarded((request) => {
        let hosts = managedHosts(context);
        const names = [...request.query.getAll('hostname[]'), ...request.query.getAll('hostname')].map((name) => name.toLowerCase());
        if (names.length > 0) hosts = hosts.filter((host) => names.some((name) => `${host.hostname}.${host.domain}`.startsWith(name) || host.hostname === name));
        const internalIp = request.query.get('internal_ip');
        if (internalIp !== null) hosts = hosts.filter((host) => host.ip === internalIp);
        const externalIp = request.query.get('external_ip');
        if (externalIp !== null) hosts = hosts.filter((host) => host.externalIp === externalIp);
        const within = request.query.get('last_seen_within');
        if (within !== null) hosts = hosts.filter((host) => context.clock.now().getTime() - host.lastSeen.getTime() <= Number(within) * 1000);
        const over = request.query.get('last_seen_over');
        if (over !== null) hosts = hosts.filter((host) => context.clock.now().getTime() - host.lastSeen.getTime() > Number(over) * 1000);
        const paged = page(request, hosts);
        if ('status' in paged) return paged;
        // Built as text from per-host cached JSON: load tests page 10,000 computers.
        return json(200, `{"version":${JSON.stringify(VERSION)},"metadata":${JSON.stringify(paged.metadata)},"data":[${paged.data.map((host) => cachedComputerJson(request, context, host)).join(',')}]}`);
      }),
    );

    router.get(
      '/v1/computers/activity',
      guarded((request) => {
        const term = request.query.get('q');
        if (term === null || term === '') return envelopeError(400, 'Bad Request', ['q is required'], request);
        const matches = context.world.events.filter((event) => event.products.includes('secure_endpoint') && [event.sha256, event.destinationIp, event.sourceIp, event.url, event.fileName, event.domain].some((value) => value !== undefined && value.toLowerCase().includes(term.toLowerCase())));
        const hosts = [...new Set(matches.map((event) => event.host).filter((name): name is string => name !== undefined))]
          .map((name) => context.host(name))
          .filter((host): host is LabHost => host?.secureEndpoint !== undefined);
        const paged = page(request, hosts);
        if ('status' in paged) return paged;
        return ok(request, {
          data: paged.data.map((host) => ({ connector_guid: computerId(host), hostname: `${host.hostname}.${host.domain}`, active: true, links: { computer: `${request.baseUrl}/secure-endpoint/v1/computers/${computerId(host)}` } })),
          metadata: paged.metadata,
        });
      }),
    );

    router.get(
      '/v1/computers/:guid',
      guarded((request) => {
        const host = findComputer(context, request.params.guid!);
        if (host === undefined) return envelopeError(404, 'Not Found', [`computer ${request.params.guid} not found`], request);
        settle(context, host);
        return ok(request, { data: computerJson(request, context, host) });
      }),
    );

    router.get(
      '/v1/computers/:guid/trajectory',
      guarded((request) => {
        const host = findComputer(context, request.params.guid!);
        if (host === undefined) return envelopeError(404, 'Not Found', [`computer ${request.params.guid} not found`], request);
        const term = request.query.get('q')?.toLowerCase();
        const limit = Math.min(Number(request.query.get('limit') ?? 500), 5000);
        const events = context.world.events
          .map((event, index) => ({ event, index }))
          .filter(({ event }) => event.products.includes('secure_endpoint') && event.host === host.hostname)
          .filter(({ event }) => term === undefined || [event.sha256, event.destinationIp, event.url, event.fileName].some((value) => value?.toLowerCase().includes(term)))
          .reverse()
          .slice(0, limit)
          .map(({ event, index }) => eventJson(request, context, event, index))
          .filter((event) => event !== undefined);
        return ok(request, { data: { computer: computerJson(request, context, host), events } });
      }),
    );

    router.get(
      '/v1/computers/:guid/isolation',
      guarded((request) => {
        const host = findComputer(context, request.params.guid!);
        if (host === undefined) return envelopeError(404, 'Not Found', [`computer ${request.params.guid} not found`], request);
        settle(context, host);
        return ok(request, { data: isolationOf(context, host) });
      }),
    );

    // OPTIONS tells whether isolation can be started on the computer (its Allow header lists what is possible now).
    router.on(
      'OPTIONS',
      '/v1/computers/:guid/isolation',
      guarded((request) => {
        const host = findComputer(context, request.params.guid!);
        if (host === undefined) return envelopeError(404, 'Not Found', [`computer ${request.params.guid} not found`], request);
        settle(context, host);
        const isolation = isolationOf(context, host);
        const allowed = ['GET', 'OPTIONS', ...(isolation.available && isolation.status === 'not_isolated' ? ['PUT'] : []), ...(isolation.status === 'isolated' || isolation.status === 'pending_start' ? ['DELETE'] : [])];
        const response = ok(request, { data: { available: isolation.available, status: isolation.status } });
        return { ...response, headers: { ...response.headers, allow: allowed.join(', ') } };
      }),
    );

    router.put(
      '/v1/computers/:guid/isolation',
      guarded((request) => {
        const host = findComputer(context, request.params.guid!);
        if (host === undefined) return envelopeError(404, 'Not Found', [`computer ${request.params.guid} not found`], request);
        const current = isolationOf(context, host);
        if (!current.available) return envelopeError(409, 'Conflict', ['Isolation is not available for this computer'], request);
        if (current.status !== 'not_isolated') return envelopeError(409, 'Conflict', [`Computer is already ${current.status}`], request);
        const body = request.json<{ comment?: unknown; unlock_code?: unknown }>() ?? {};
        if (body.comment !== undefined && typeof body.comment !== 'string') return envelopeError(400, 'Bad Request', ['comment must be a string'], request);
        state(context).isolation.set(computerId(host), {
          status: 'pending_start',
          ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
          unlockCode: typeof body.unlock_code === 'string' ? body.unlock_code : randomUUID().slice(0, 8),
          isolatedBy: LAB_CREDENTIALS.secureEndpoint.clientId,
        });
        return ok(request, { data: isolationOf(context, host) });
      }),
    );

    router.delete(
      '/v1/computers/:guid/isolation',
      guarded((request) => {
        const host = findComputer(context, request.params.guid!);
        if (host === undefined) return envelopeError(404, 'Not Found', [`computer ${request.params.guid} not found`], request);
        const current = isolationOf(context, host);
        if (current.status !== 'isolated' && current.status !== 'pending_start') return envelopeError(409, 'Conflict', ['Computer is not isolated'], request);
        const body = request.json<{ comment?: unknown }>() ?? {};
        state(context).isolation.set(computerId(host), { status: 'pending_stop', ...(typeof body.comment === 'string' ? { comment: body.comment } : {}) });
        return ok(request, { data: isolationOf(context, host) });
      }),
    );

    router.get(
      '/v1/events',
      guarded((request) => {
        const guids = [...request.query.getAll('connector_guid[]'), ...request.query.getAll('connector_guid')];
        const types = [...request.query.getAll('event_type[]'), ...request.query.getAll('event_type')].map(Number);
        const sha = request.query.get('detection_sha256') ?? request.query.get('application_sha256');
        const start = request.query.get('start_date');
        const startTime = start === null ? undefined : Date.parse(start);
        if (startTime !== undefined && Number.isNaN(startTime)) return envelopeError(400, 'Bad Request', ['start_date must be ISO-8601'], request);
        const events = context.world.events
          .map((event, index) => ({ event, index }))
          .filter(({ event }) => event.products.includes('secure_endpoint'))
          .filter(({ event }) => startTime === undefined || event.time.getTime() >= startTime)
          .filter(({ event }) => sha === null || event.sha256 === sha.toLowerCase())
          .reverse()
          .map(({ event, index }) => eventJson(request, context, event, index))
          .filter((event): event is Record<string, unknown> => event !== undefined)
          .filter((event) => guids.length === 0 || guids.includes(event.connector_guid as string))
          .filter((event) => types.length === 0 || types.includes(event.event_type_id as number));
        const paged = page(request, events);
        if ('status' in paged) return paged;
        return ok(request, { data: paged.data, metadata: paged.metadata });
      }),
    );
  },
};
