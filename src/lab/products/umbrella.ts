import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { authorizationToken, basicCredentials, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import type { LabHandler } from '../lab-router.js';
import { stableHex, type DomainReputation, type ScenarioEvent } from '../scenario/index.js';

/*
 * Cisco Umbrella API v2 (connectors.md §2): OAuth2 client credentials (Basic api_key:api_secret)
 * at /auth/v2/token with one-hour tokens; investigate v2 from the world's domain reputations;
 * reports v2 DNS activity from the world's DNS events (offset/limit, no total); policies v2
 * destination lists (page/limit with meta.total) that block actions really change. Errors use
 * `{message}` (investigate, reports) or the fuller `{statusCode, error, message, txId}` (policies);
 * 429 carries no headers, as documented.
 */

const PRODUCT = 'umbrella';
const PREFIX = '/umbrella';
const TOKEN_TTL_SECONDS = 3600;
/** Umbrella documents no limits headers; the lab allows plenty so only injected faults give 429. */
const RATE_LIMIT = 10_000;
const RATE_WINDOW_MS = 60_000;
const REPORT_MAX_LIMIT = 5000;
const REPORT_MAX_OFFSET = 10_000;
const DESTINATIONS_MAX_LIMIT = 100;
const LISTS_MAX_LIMIT = 200;

/** The list `lab init` names in `cisco.umbrella.block_list_id` (src/cli/lab-config.ts). */
export const UMBRELLA_LAB_BLOCK_LIST_ID = 15755711;

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** Umbrella category ids (as sent without showLabels); unknown labels get a stable id. */
const CATEGORY_IDS: Record<string, number> = {
  Malware: 67, Phishing: 68, 'Command and Control': 108, 'Software/Technology': 25, 'SaaS and B2B': 163, 'Business Services': 128, 'Computers and Internet': 23,
};

interface LabDestination {
  id: string;
  destination: string;
  type: 'domain' | 'url' | 'ipv4';
  comment: string;
  createdAt: string;
}

interface LabDestinationList {
  id: number;
  name: string;
  access: 'allow' | 'block';
  isGlobal: boolean;
  createdAt: number;
  modifiedAt: number;
  destinations: LabDestination[];
}

interface UmbrellaState {
  organizationId: number;
  lists: Map<number, LabDestinationList>;
  nextDestinationId: number;
}

function state(context: LabContext): UmbrellaState {
  return context.state<UmbrellaState>(PRODUCT, () => {
    const nowSeconds = Math.floor(context.clock.now().getTime() / 1000);
    const created = nowSeconds - 400 * 86_400;
    const umbrellaState: UmbrellaState = { organizationId: 22_429_759, lists: new Map(), nextDestinationId: 1_234_500 };
    const add = (list: Omit<LabDestinationList, 'createdAt' | 'modifiedAt' | 'destinations'>) =>
      umbrellaState.lists.set(list.id, { ...list, createdAt: created, modifiedAt: created, destinations: [] });
    add({ id: 15755700, name: 'Global Block List', access: 'block', isGlobal: true });
    add({ id: 15755701, name: 'Global Allow List', access: 'allow', isGlobal: true });
    add({ id: UMBRELLA_LAB_BLOCK_LIST_ID, name: 'DefenseClaw blocks', access: 'block', isGlobal: false });
    // The global allow list holds a few of the world's benign domains, as real tenants' do.
    const allow = umbrellaState.lists.get(15755701)!;
    for (const reputation of context.world.domains.filter((domain) => domain.status === 1).slice(0, 3)) {
      allow.destinations.push(newDestination(umbrellaState, reputation.domain, 'Business-critical SaaS', new Date(created * 1000)));
    }
    return umbrellaState;
  });
}

function newDestination(umbrellaState: UmbrellaState, destination: string, comment: string, at: Date): LabDestination {
  umbrellaState.nextDestinationId += 1;
  return {
    id: String(umbrellaState.nextDestinationId),
    destination,
    type: destinationType(destination) ?? 'domain',
    comment,
    createdAt: at.toISOString().replace('T', ' ').slice(0, 19),
  };
}

const DOMAIN_PATTERN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;

function destinationType(value: string): LabDestination['type'] | undefined {
  if (isIP(value) === 4) return 'ipv4';
  if (/^https?:\/\//i.test(value) || value.includes('/')) return 'url';
  return DOMAIN_PATTERN.test(value) ? 'domain' : undefined;
}

/**
 * Adds a domain to the lab's block list, as XDR's Umbrella response module does; returns false
 * when it was already there. Exported for the XDR simulator, so both products share one list.
 */
export function blockDomainInUmbrellaLab(context: LabContext, domain: string, comment: string): boolean {
  const umbrellaState = state(context);
  const list = umbrellaState.lists.get(UMBRELLA_LAB_BLOCK_LIST_ID)!;
  if (list.destinations.some((entry) => entry.destination.toLowerCase() === domain.toLowerCase())) return false;
  list.destinations.push(newDestination(umbrellaState, domain.toLowerCase(), comment, context.clock.now()));
  list.modifiedAt = Math.floor(context.clock.now().getTime() / 1000);
  return true;
}

/** Takes a domain off the lab's block list (XDR's "remove from block list" action); false when absent. */
export function unblockDomainInUmbrellaLab(context: LabContext, domain: string): boolean {
  const list = state(context).lists.get(UMBRELLA_LAB_BLOCK_LIST_ID)!;
  const before = list.destinations.length;
  list.destinations = list.destinations.filter((entry) => entry.destination !== domain.toLowerCase());
  if (list.destinations.length === before) return false;
  list.modifiedAt = Math.floor(context.clock.now().getTime() / 1000);
  return true;
}

/** Whether a domain is on any lab block list. */
export function isBlockedInUmbrellaLab(context: LabContext, domain: string): boolean {
  const wanted = domain.toLowerCase();
  return [...state(context).lists.values()].some((list) => list.access === 'block' && list.destinations.some((entry) => entry.destination === wanted));
}

function listJson(umbrellaState: UmbrellaState, list: LabDestinationList): Record<string, unknown> {
  const count = (type: LabDestination['type']) => list.destinations.filter((entry) => entry.type === type).length;
  return {
    id: list.id,
    organizationId: umbrellaState.organizationId,
    access: list.access,
    isGlobal: list.isGlobal,
    name: list.name,
    thirdpartyCategoryId: 0,
    createdAt: list.createdAt,
    modifiedAt: list.modifiedAt,
    isMspDefault: false,
    markedForDeletion: false,
    bundleTypeId: 1,
    meta: { destinationCount: list.destinations.length, domainCount: count('domain'), urlCount: count('url'), ipv4Count: count('ipv4'), applicationCount: 0 },
  };
}

function isPolicyPath(path: string): boolean {
  return /^\/(policies|admin|deployments)\//.test(path);
}

function errorBody(status: number, message: string, request: LabRequest): LabResponse {
  const reason = REASONS[status] ?? 'Error';
  if (isPolicyPath(request.path)) return json(status, { statusCode: status, error: reason, message, txId: randomBytes(6).toString('hex') });
  return json(status, { message: status === 401 || status === 403 || status === 429 || status >= 500 ? reason : message });
}

function reputationOf(context: LabContext, domain: string): DomainReputation | undefined {
  const name = domain.toLowerCase().replace(/\.$/, '');
  return context.world.domains.find((entry) => name === entry.domain || name.endsWith(`.${entry.domain}`));
}

function categoryId(label: string): string {
  return String(CATEGORY_IDS[label] ?? 200 + (parseInt(stableHex(0, `umbrella-category:${label}`, 4), 16) % 300));
}

function categorization(context: LabContext, domain: string, showLabels: boolean): Record<string, unknown> {
  const reputation = reputationOf(context, domain);
  const labels = (values: string[]) => (showLabels ? values : values.map(categoryId));
  return {
    status: reputation?.status ?? 0,
    security_categories: labels(reputation?.securityCategories ?? []),
    content_categories: labels(reputation?.contentCategories ?? []),
  };
}

function wantsLabels(request: LabRequest): boolean {
  const value = request.query.get('showLabels');
  return value !== null && value !== 'false';
}

/** `from`/`to` of reports: epoch milliseconds, `now`, or relative like `-1days`, `-4hours`, `-30minutes`. */
function reportTime(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (text === 'now') return nowMs;
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^-(\d+)(days?|hours?|minutes?|seconds?)$/.exec(text);
  if (match === null) return undefined;
  const unit = match[2]!.replace(/s$/, '');
  const unitMs = unit === 'day' ? 86_400_000 : unit === 'hour' ? 3_600_000 : unit === 'minute' ? 60_000 : 1000;
  return nowMs - Number(match[1]) * unitMs;
}

function identityId(label: string): number {
  return 500_000 + (parseInt(stableHex(0, `umbrella-identity:${label}`, 6), 16) % 400_000);
}

function activityRow(context: LabContext, event: ScenarioEvent): Record<string, unknown> {
  const reputation = event.domain === undefined ? undefined : reputationOf(context, event.domain);
  const host = event.host === undefined ? undefined : context.host(event.host);
  const security = (reputation?.securityCategories ?? []).map((label) => ({ id: Number(categoryId(label)), label, type: 'security', integration: false }));
  const content = (reputation?.contentCategories ?? []).map((label) => ({ id: Number(categoryId(label)), label, type: 'content', integration: false }));
  const verdict = event.outcome === 'blocked' ? 'blocked' : 'allowed';
  const iso = event.time.toISOString();
  const identities: Array<Record<string, unknown>> = [];
  if (event.host !== undefined) {
    identities.push({ id: identityId(event.host), label: event.host, deleted: false, type: { id: 9, label: 'Roaming Computers', type: 'roaming' } });
  }
  if (event.user !== undefined) {
    identities.push({ id: identityId(`user:${event.user}`), label: event.user, deleted: false, type: { id: 7, label: 'Directory Users', type: 'directory_user' } });
  }
  return {
    type: 'dns',
    timestamp: event.time.getTime(),
    date: iso.slice(0, 10),
    time: iso.slice(11, 19),
    domain: event.domain,
    externalip: host?.externalIp ?? event.sourceIp,
    internalip: event.sourceIp,
    verdict,
    querytype: 'A',
    returncode: 0,
    categories: [...security, ...content],
    policycategories: verdict === 'blocked' ? security : [],
    identities,
    threats: reputation?.status === -1 ? reputation.securityCategories.slice(0, 1).map((label) => ({ label, type: label })) : [],
    allapplications: [],
    allowedapplications: [],
    blockedapplications: [],
  };
}

function positiveInteger(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

export const umbrellaSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: PREFIX,
  errorResponse: errorBody,
  register(router, context) {
    const tokens = context.tokens(PRODUCT, TOKEN_TTL_SECONDS);
    const limiter = context.limiter(PRODUCT, RATE_LIMIT, RATE_WINDOW_MS);

    /** Bearer check and rate window around every API route. */
    const guarded = (handler: LabHandler): LabHandler => (request, labContext) => {
      const check = tokens.check(authorizationToken(request));
      if (check.state !== 'valid') return errorBody(401, 'Unauthorized', request);
      if (!limiter.take().allowed) return errorBody(429, 'Too Many Requests', request);
      return handler(request, labContext);
    };

    router.post('/auth/v2/token', (request) => {
      const credentials = basicCredentials(request);
      const expected = LAB_CREDENTIALS.umbrella;
      const grant = request.form().get('grant_type');
      if (credentials?.username !== expected.apiKey || credentials.password !== expected.apiSecret || grant !== 'client_credentials') {
        return json(401, { message: 'Unauthorized' });
      }
      const issued = tokens.issue(credentials.username);
      return json(200, { token_type: 'bearer', access_token: issued.token, expires_in: issued.expiresIn });
    });

    // Investigate v2.
    router.get(
      '/investigate/v2/domains/categorization/:domain',
      guarded((request) => json(200, { [request.params.domain!]: categorization(context, request.params.domain!, wantsLabels(request)) })),
    );
    router.post(
      '/investigate/v2/domains/categorization',
      guarded((request) => {
        const body = request.json<unknown>();
        if (!Array.isArray(body) || body.length === 0 || body.length > 1000 || !body.every((item) => typeof item === 'string' && item !== '')) {
          return errorBody(400, 'Request body must be a JSON array of 1 to 1000 domain names', request);
        }
        return json(200, Object.fromEntries((body as string[]).map((domain) => [domain, categorization(context, domain, wantsLabels(request))])));
      }),
    );
    router.get(
      '/investigate/v2/security/name/:domain',
      guarded((request) => {
        const reputation = reputationOf(context, request.params.domain!);
        if (reputation === undefined) {
          return json(200, {
            dga_score: 0, perplexity: 0, entropy: 0, securerank2: 0, pagerank: 0, asn_score: 0, prefix_score: 0, rip_score: 0, popularity: 0,
            geodiversity: [], geodiversity_normalized: [], tld_geodiversity: [], geoscore: 0, ks_test: 0, attack: '', threat_type: '', found: false,
          });
        }
        const malicious = reputation.status === -1;
        return json(200, {
          dga_score: malicious ? -12.5 : 0, perplexity: malicious ? 0.45 : 0.12, entropy: malicious ? 3.1 : 2.2,
          securerank2: malicious ? -1.31 : 48.6, pagerank: malicious ? 0.026 : 41.2, asn_score: malicious ? -29.7 : -0.1,
          prefix_score: malicious ? -64.9 : -0.05, rip_score: malicious ? -75.6 : 0, popularity: malicious ? 2.1 : 98.4,
          geodiversity: [[ 'US', 0.24 ]], geodiversity_normalized: [[ 'US', 0.37 ]], tld_geodiversity: [], geoscore: 0, ks_test: 0,
          attack: '', threat_type: malicious ? (reputation.securityCategories[0] ?? '') : '', found: true,
        });
      }),
    );
    router.get(
      '/investigate/v2/domains/risk-score/:domain',
      guarded((request) => {
        const domain = request.params.domain!;
        const reputation = reputationOf(context, domain);
        // Unknown domains: low, stable risk (Umbrella has seen nothing bad about them).
        const risk = reputation?.riskScore ?? 5 + (parseInt(stableHex(context.world.seed, `risk:${domain}`, 4), 16) % 20);
        return json(200, {
          risk_score: risk,
          indicators: [
            { indicator: 'Lexical', normalized_score: Math.min(100, Math.round(risk * 0.6)), score: Number((risk / 160).toFixed(3)) },
            { indicator: 'Popularity 7 Day', normalized_score: reputation?.status === 1 ? 1 : 3, score: reputation?.status === 1 ? 98.1 : 1.2 },
            { indicator: 'Block Status', normalized_score: reputation?.status === -1 ? 100 : 0, score: reputation?.status === -1 ? 1 : 0 },
          ],
        });
      }),
    );
    router.get(
      '/investigate/v2/ips/:ip/latest_domains',
      guarded((request) => {
        const ip = request.params.ip!;
        if (isIP(ip) === 0) return errorBody(400, `Invalid IP address: ${ip}`, request);
        const domains = context.world.domains.filter((entry) => entry.status === -1 && entry.addresses.includes(ip));
        return json(200, domains.map((entry) => ({ id: parseInt(stableHex(context.world.seed, `domain-id:${entry.domain}`, 7), 16), name: entry.domain })));
      }),
    );

    // Reports v2: DNS activity.
    const activity: LabHandler = (request) => {
      const nowMs = context.clock.now().getTime();
      const from = reportTime(request.query.get('from'), nowMs);
      const to = reportTime(request.query.get('to'), nowMs);
      const limit = request.query.get('limit') === null ? undefined : positiveInteger(request.query.get('limit'), 100);
      const offset = positiveInteger(request.query.get('offset'), 0);
      if (from === undefined || to === undefined) return errorBody(400, 'from and to are required (epoch milliseconds or relative such as -1days, now)', request);
      if (limit === undefined || limit < 1 || limit > REPORT_MAX_LIMIT) return errorBody(400, `limit is required and must be 1..${REPORT_MAX_LIMIT}`, request);
      if (offset === undefined || offset > REPORT_MAX_OFFSET) return errorBody(400, `offset must be 0..${REPORT_MAX_OFFSET}`, request);
      const order = request.query.get('order') ?? 'desc';
      if (order !== 'asc' && order !== 'desc') return errorBody(400, 'order must be asc or desc', request);
      const domains = request.query.get('domains')?.split(',').map((value) => value.trim().toLowerCase()).filter(Boolean);
      const ip = request.query.get('ip');
      const verdicts = request.query.get('verdict')?.split(',').map((value) => value.trim());
      const rows = context.world.events
        .filter((event) => event.products.includes('umbrella') && event.kind === 'dns')
        .filter((event) => event.time.getTime() >= from && event.time.getTime() <= to)
        .map((event) => ({ event, row: activityRow(context, event) }))
        .filter(({ event }) => domains === undefined || domains.some((domain) => event.domain === domain || event.domain?.endsWith(`.${domain}`)))
        .filter(({ row }) => ip === null || row['internalip'] === ip || row['externalip'] === ip)
        .filter(({ row }) => verdicts === undefined || verdicts.includes(String(row['verdict'])))
        .sort((a, b) => (a.event.time.getTime() - b.event.time.getTime() || a.event.id.localeCompare(b.event.id)) * (order === 'asc' ? 1 : -1));
      return json(200, { meta: {}, data: rows.slice(offset, offset + limit).map(({ row }) => row) });
    };
    router.get('/reports/v2/activity', guarded(activity));
    router.get('/reports/v2/activity/dns', guarded(activity));

    // Policies v2: destination lists.
    const pageOf = (request: LabRequest, maximum: number): { page: number; limit: number } | LabResponse => {
      const page = positiveInteger(request.query.get('page'), 1);
      const limit = positiveInteger(request.query.get('limit'), Math.min(200, maximum));
      if (page === undefined || page < 1) return errorBody(400, 'page must be a positive integer', request);
      if (limit === undefined || limit < 1 || limit > maximum) return errorBody(400, `limit must be 1..${maximum}`, request);
      return { page, limit };
    };
    const findList = (request: LabRequest): LabDestinationList | LabResponse => {
      const list = /^\d+$/.test(request.params.id!) ? state(context).lists.get(Number(request.params.id)) : undefined;
      return list ?? errorBody(404, `Destination list ${request.params.id} not found`, request);
    };
    // Lists and paging objects have no `status`, responses always do.
    const isResponse = (value: object): value is LabResponse => 'status' in value;

    router.get(
      '/policies/v2/destinationlists',
      guarded((request) => {
        const paging = pageOf(request, LISTS_MAX_LIMIT);
        if (isResponse(paging)) return paging;
        const umbrellaState = state(context);
        const lists = [...umbrellaState.lists.values()].sort((a, b) => a.id - b.id);
        const start = (paging.page - 1) * paging.limit;
        return json(200, {
          status: { code: 200, text: 'OK' },
          meta: { page: paging.page, limit: paging.limit, total: lists.length },
          data: lists.slice(start, start + paging.limit).map((list) => listJson(umbrellaState, list)),
        });
      }),
    );
    router.get(
      '/policies/v2/destinationlists/:id',
      guarded((request) => {
        const list = findList(request);
        if (isResponse(list)) return list;
        return json(200, { status: { code: 200, text: 'OK' }, data: listJson(state(context), list) });
      }),
    );
    router.get(
      '/policies/v2/destinationlists/:id/destinations',
      guarded((request) => {
        const list = findList(request);
        if (isResponse(list)) return list;
        const paging = pageOf(request, DESTINATIONS_MAX_LIMIT);
        if (isResponse(paging)) return paging;
        const start = (paging.page - 1) * paging.limit;
        return json(200, {
          status: { code: 200, text: 'OK' },
          meta: { page: paging.page, limit: paging.limit, total: list.destinations.length },
          data: list.destinations.slice(start, start + paging.limit),
        });
      }),
    );
    router.post(
      '/policies/v2/destinationlists/:id/destinations',
      guarded((request) => {
        const list = findList(request);
        if (isResponse(list)) return list;
        const body = request.json<unknown>();
        const valid =
          Array.isArray(body) &&
          body.length >= 1 &&
          body.length <= 500 &&
          body.every(
            (item) =>
              typeof item === 'object' && item !== null &&
              typeof (item as { destination?: unknown }).destination === 'string' &&
              destinationType((item as { destination: string }).destination.trim()) !== undefined &&
              ((item as { comment?: unknown }).comment === undefined || typeof (item as { comment?: unknown }).comment === 'string'),
          );
        if (!valid) return errorBody(400, 'Validation Error', request);
        const umbrellaState = state(context);
        const now = context.clock.now();
        for (const item of body as Array<{ destination: string; comment?: string }>) {
          const destination = item.destination.trim().toLowerCase();
          // Adding a destination that is already on the list changes nothing.
          if (list.destinations.some((entry) => entry.destination === destination)) continue;
          list.destinations.push(newDestination(umbrellaState, destination, item.comment ?? '', now));
        }
        list.modifiedAt = Math.floor(now.getTime() / 1000);
        return json(200, { status: { code: 200, text: 'OK' }, data: listJson(umbrellaState, list) });
      }),
    );
    router.delete(
      '/policies/v2/destinationlists/:id/destinations/remove',
      guarded((request) => {
        const list = findList(request);
        if (isResponse(list)) return list;
        const body = request.json<unknown>();
        if (!Array.isArray(body) || body.length === 0 || !body.every((item) => typeof item === 'number' || typeof item === 'string')) {
          return errorBody(400, 'Validation Error', request);
        }
        const ids = new Set((body as Array<string | number>).map(String));
        list.destinations = list.destinations.filter((entry) => !ids.has(entry.id));
        list.modifiedAt = Math.floor(context.clock.now().getTime() / 1000);
        return json(200, { status: { code: 200, text: 'OK' }, data: listJson(state(context), list) });
      }),
    );
  },
};
