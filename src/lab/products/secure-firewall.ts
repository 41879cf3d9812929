import { randomBytes } from 'node:crypto';
import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { basicCredentials, empty, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import type { ProductRouter } from '../lab-router.js';
import { stableUuid, type LabHost } from '../scenario/index.js';

/*
 * Cisco Secure Firewall Management Center REST API (connectors.md §4): generatetoken answers 204
 * with the tokens in headers, data calls carry X-auth-access-token, tokens live 30 minutes and
 * refresh three times; lists carry items, links.self and paging {offset, limit, count, pages,
 * next[]}; stubs unless expanded=true; network groups (objects + literals, PUT replaces) and
 * address literals in rules; the {error:{category,messages,severity}} envelope; about
 * 120 requests a minute, then 429. FMC documents no events API: the scenario's connection events
 * are presented by the Splunk simulator (index=firewall, sourcetype=cisco:ftd) instead.
 *
 * The configuration is derived from the scenario inventory: one /24 network object per subnet,
 * one host object and one allow rule per server, two managed FTD devices.
 */

const PRODUCT = 'secure_firewall';
const PREFIX = '/fmc';
const TOKEN_TTL_SECONDS = 30 * 60;
const MAX_REFRESHES = 3;
/** ~120 requests per minute per client (connectors.md §4.3). */
const REQUESTS_PER_MINUTE = 120;
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;
const PLATFORM = '/api/fmc_platform/v1';
const CONFIG = '/api/fmc_config/v1/domain/:domain';
const NAME_PATTERN = /^[A-Za-z0-9_.+\- ]{1,128}$/;
const RULE_ACTIONS = ['ALLOW', 'TRUST', 'BLOCK', 'MONITOR', 'BLOCK_RESET', 'BLOCK_INTERACTIVE', 'BLOCK_RESET_INTERACTIVE'];

interface NetworkObject {
  id: string;
  type: 'Network' | 'Host';
  name: string;
  value: string;
  description: string;
  overridable: boolean;
  timestamp: number;
}

interface ObjectReference {
  id: string;
  type: string;
  name: string;
}

/** An address written into a rule or group directly instead of through an object. */
interface Literal {
  type: 'Host' | 'Network';
  value: string;
}

/** A network group: objects (hosts, networks, other groups) and literals. */
interface NetworkGroup {
  id: string;
  name: string;
  description: string;
  objects: ObjectReference[];
  literals: Literal[];
  timestamp: number;
}

interface AccessRule {
  id: string;
  name: string;
  action: string;
  enabled: boolean;
  sendEventsToFMC: boolean;
  logBegin: boolean;
  logEnd: boolean;
  sourceNetworks: ObjectReference[];
  destinationNetworks: ObjectReference[];
  sourceLiterals?: Literal[];
  destinationLiterals?: Literal[];
  destinationPorts: Array<{ type: string; protocol: string; port: string }>;
  section: 'mandatory' | 'default';
}

interface AccessPolicy {
  id: string;
  name: string;
  description: string;
  defaultAction: string;
  rules: AccessRule[];
}

interface Device {
  id: string;
  name: string;
  model: string;
  hostName: string;
  /** Epoch ms of the oldest change not yet deployed; undefined when up to date. */
  pendingSince?: number;
}

interface DeploymentTask {
  id: string;
  deviceIds: string[];
  polls: number;
}

interface Session {
  subject: string;
  refreshToken: string;
  refreshes: number;
}

interface FirewallState {
  objects: NetworkObject[];
  groups: NetworkGroup[];
  policies: AccessPolicy[];
  devices: Device[];
  tasks: Map<string, DeploymentTask>;
  /** Access token → session, for refreshes. */
  sessions: Map<string, Session>;
  nextTask: number;
}

function createState(context: LabContext): FirewallState {
  const { seed } = context.world;
  const hosts = context.hosts();
  const created = context.world.startedAt.getTime() - 30 * 86_400_000;
  const subnets = [...new Set(hosts.map((host) => host.ip.replace(/\.\d+$/, '.0')))].sort(compareAddresses);
  const objects: NetworkObject[] = subnets.map((subnet) => ({
    id: objectId(seed, `net:${subnet}`),
    type: 'Network',
    name: `NET-${subnet.replace(/\.0$/, '').replaceAll('.', '-')}`,
    value: `${subnet}/24`,
    description: 'Corporate subnet',
    overridable: false,
    timestamp: created,
  }));
  const servers = hosts.filter((host) => host.kind === 'server').sort((a, b) => a.hostname.localeCompare(b.hostname));
  for (const server of servers) objects.push(hostObject(seed, server, created));
  const rules: AccessRule[] = servers.map((server) => {
    const object = objects.find((item) => item.id === objectId(seed, `host:${server.hostname}`))!;
    const port = serverPort(server);
    return {
      id: objectId(seed, `rule:${server.hostname}`),
      name: `Allow-${server.hostname}`,
      action: 'ALLOW',
      enabled: true,
      sendEventsToFMC: true,
      logBegin: false,
      logEnd: true,
      sourceNetworks: [],
      destinationNetworks: [{ id: object.id, type: 'Host', name: object.name }],
      destinationPorts: [{ type: 'PortLiteral', protocol: '6', port }],
      section: 'default',
    };
  });
  const internal = objects.filter((item) => item.type === 'Network').map((item) => ({ id: item.id, type: 'Network', name: item.name }));
  rules.push({
    id: objectId(seed, 'rule:outbound-web'),
    name: 'Allow-Outbound-Web',
    action: 'ALLOW',
    enabled: true,
    sendEventsToFMC: true,
    logBegin: false,
    logEnd: true,
    sourceNetworks: internal,
    destinationNetworks: [],
    destinationPorts: [
      { type: 'PortLiteral', protocol: '6', port: '80' },
      { type: 'PortLiteral', protocol: '6', port: '443' },
    ],
    section: 'default',
  });
  return {
    objects,
    groups: [],
    policies: [
      {
        id: objectId(seed, 'policy:edge'),
        name: 'Corp-Edge-ACP',
        description: 'Perimeter and data-centre access control',
        defaultAction: 'BLOCK',
        rules,
      },
    ],
    devices: ['ftd-edge-1', 'ftd-dc-1'].map((name) => ({ id: stableUuid(seed, `fmc-device:${name}`), name, model: 'Cisco Firepower Threat Defense for VMware', hostName: `${name}.corp.example.com` })),
    tasks: new Map(),
    sessions: new Map(),
    nextTask: 133_143_986_000,
  };
}

function hostObject(seed: number, host: LabHost, timestamp: number): NetworkObject {
  return { id: objectId(seed, `host:${host.hostname}`), type: 'Host', name: `HOST-${host.hostname}`, value: host.ip, description: `${host.hostname}.${host.domain}`, overridable: false, timestamp };
}

function serverPort(host: LabHost): string {
  if (host.hostname.startsWith('srv-db')) return '1433';
  if (host.hostname.startsWith('srv-dc')) return '389';
  if (host.hostname.startsWith('srv-file')) return '445';
  if (host.hostname.startsWith('srv-mail')) return '25';
  if (host.hostname.startsWith('srv-jump')) return '3389';
  return '443';
}

/** FMC object ids look like `00505699-76B7-0ed3-0000-000268434491`. */
function objectId(seed: number, label: string): string {
  const uuid = stableUuid(seed, `fmc:${label}`);
  return `00505699-${uuid.slice(9, 13).toUpperCase()}-0ed3-0000-${uuid.slice(24, 36).replace(/[a-f]/g, (letter) => String(letter.charCodeAt(0) % 10))}`;
}

function randomObjectId(): string {
  const hex = randomBytes(8).toString('hex');
  return `00505699-${hex.slice(0, 4).toUpperCase()}-0ed3-0000-${String(parseInt(hex.slice(4, 14), 16)).padStart(12, '0').slice(-12)}`;
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let index = 0; index < 4; index += 1) if (pa[index] !== pb[index]) return (pa[index] ?? 0) - (pb[index] ?? 0);
  return 0;
}

function state(context: LabContext): FirewallState {
  return context.state(PRODUCT, () => createState(context));
}

/** The FMC error envelope (connectors.md §4.5). */
function fmcError(status: number, description: string, category = 'FRAMEWORK'): LabResponse {
  return json(status, { error: { category, messages: [{ description }], severity: 'ERROR' } });
}

function origin(request: LabRequest): string {
  return `${request.baseUrl}${PREFIX}`;
}

function configBase(request: LabRequest): string {
  return `${origin(request)}/api/fmc_config/v1/domain/${request.params.domain}`;
}

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

function isIpv6(value: string): boolean {
  return /^[0-9a-f:]+$/i.test(value) && value.includes(':') && value.split('::').length <= 2;
}

function isCidr(value: string): boolean {
  const [address = '', bits, extra] = value.split('/');
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  if (isIpv4(address)) return Number(bits) <= 32;
  return isIpv6(address) && Number(bits) <= 128;
}

/** Token, rate limit and domain checks shared by every config call; undefined when the call may proceed. */
function guard(request: LabRequest, context: LabContext): LabResponse | undefined {
  const check = context.tokens(PRODUCT, TOKEN_TTL_SECONDS).check(request.header('x-auth-access-token'));
  if (check.state !== 'valid') {
    return fmcError(401, check.state === 'expired' ? 'Access token invalid.' : 'Authentication failed: missing or unknown X-auth-access-token.');
  }
  const window = context.limiter(PRODUCT, REQUESTS_PER_MINUTE, 60_000).take(check.subject);
  if (!window.allowed) {
    // FMC sends no rate-limit headers; Retry-After here only spares clients a blind back-off.
    return { ...fmcError(429, 'Too many requests. Try again later.'), headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil(window.resetMs / 1000)) } };
  }
  if (request.params.domain !== undefined && request.params.domain !== LAB_CREDENTIALS.secureFirewall.domainUuid) {
    return fmcError(404, `Invalid domain UUID: ${request.params.domain}`);
  }
  return undefined;
}

/** offset/limit from the query, or a 400 envelope. */
function pageParams(request: LabRequest): { offset: number; limit: number } | LabResponse {
  const offsetText = request.query.get('offset') ?? '0';
  const limitText = request.query.get('limit') ?? String(DEFAULT_LIMIT);
  if (!/^\d+$/.test(offsetText) || !/^\d+$/.test(limitText) || Number(limitText) < 1) {
    return fmcError(400, 'Invalid value for offset or limit: expected non-negative integers, limit at least 1.', 'VALIDATION');
  }
  return { offset: Number(offsetText), limit: Math.min(Number(limitText), MAX_LIMIT) };
}

/** The §4.4 list envelope: items, links.self, paging with next[] only when another page exists. */
function listEnvelope<T>(request: LabRequest, all: T[], render: (item: T, expanded: boolean) => unknown): LabResponse {
  const page = pageParams(request);
  if ('status' in page) return page;
  const expanded = request.query.get('expanded') === 'true';
  const items = all.slice(page.offset, page.offset + page.limit).map((item) => render(item, expanded));
  const link = (offset: number) => {
    const query = new URLSearchParams(request.query);
    query.set('offset', String(offset));
    query.set('limit', String(page.limit));
    return `${request.baseUrl}${request.fullPath}?${query.toString()}`;
  };
  const hasNext = page.offset + page.limit < all.length;
  return json(200, {
    links: { self: link(page.offset) },
    ...(items.length === 0 ? {} : { items }),
    paging: {
      offset: page.offset,
      limit: page.limit,
      count: all.length,
      pages: Math.ceil(all.length / page.limit),
      ...(hasNext ? { next: [link(page.offset + page.limit)] } : {}),
    },
  });
}

function objectLinks(request: LabRequest, object: NetworkObject) {
  const collection = object.type === 'Host' ? 'hosts' : 'networks';
  return { self: `${configBase(request)}/object/${collection}/${object.id}`, parent: `${configBase(request)}/object/networkaddresses` };
}

function renderObject(request: LabRequest, object: NetworkObject, expanded: boolean): Record<string, unknown> {
  const stub = { id: object.id, type: object.type, name: object.name, links: objectLinks(request, object) };
  if (!expanded) return stub;
  return {
    ...stub,
    value: object.value,
    overridable: object.overridable,
    description: object.description,
    metadata: {
      domain: { id: LAB_CREDENTIALS.secureFirewall.domainUuid, name: 'Global', type: 'Domain' },
      ipType: object.value.includes(':') ? 'V_6' : 'V_4',
      lastUser: { name: LAB_CREDENTIALS.secureFirewall.username },
      parentType: 'NetworkAddress',
      timestamp: object.timestamp,
    },
  };
}

function renderRule(request: LabRequest, policy: AccessPolicy, rule: AccessRule, expanded: boolean): Record<string, unknown> {
  const stub = { id: rule.id, type: 'AccessRule', name: rule.name, links: { self: `${configBase(request)}/policy/accesspolicies/${policy.id}/accessrules/${rule.id}` } };
  if (!expanded) return stub;
  return {
    ...stub,
    action: rule.action,
    enabled: rule.enabled,
    sendEventsToFMC: rule.sendEventsToFMC,
    logBegin: rule.logBegin,
    logEnd: rule.logEnd,
    logFiles: false,
    sourceNetworks: networkSet(rule.sourceNetworks, rule.sourceLiterals),
    destinationNetworks: networkSet(rule.destinationNetworks, rule.destinationLiterals),
    sourceZones: { objects: [] },
    destinationPorts: rule.destinationPorts.length === 0 ? { objects: [] } : { literals: rule.destinationPorts },
    metadata: {
      ruleIndex: policy.rules.indexOf(rule) + 1,
      section: rule.section === 'mandatory' ? 'Mandatory' : 'Default',
      category: '--Undefined--',
      accessPolicy: { id: policy.id, name: policy.name, type: 'AccessPolicy' },
      domain: { id: LAB_CREDENTIALS.secureFirewall.domainUuid, name: 'Global', type: 'Domain' },
    },
  };
}

/** `{objects, literals}` as FMC shows a rule's or group's networks: `literals` only when there are some. */
function networkSet(objects: ObjectReference[], literals: Literal[] | undefined): Record<string, unknown> {
  return { objects, ...(literals === undefined || literals.length === 0 ? {} : { literals }) };
}

function renderGroup(request: LabRequest, group: NetworkGroup, expanded: boolean): Record<string, unknown> {
  const stub = { id: group.id, type: 'NetworkGroup', name: group.name, links: { self: `${configBase(request)}/object/networkgroups/${group.id}` } };
  if (!expanded) return stub;
  return {
    ...stub,
    description: group.description,
    overridable: false,
    ...networkSet(group.objects, group.literals),
    metadata: { domain: { id: LAB_CREDENTIALS.secureFirewall.domainUuid, name: 'Global', type: 'Domain' }, lastUser: { name: LAB_CREDENTIALS.secureFirewall.username }, timestamp: group.timestamp },
  };
}

function renderPolicy(request: LabRequest, policy: AccessPolicy, expanded: boolean): Record<string, unknown> {
  const stub = { id: policy.id, type: 'AccessPolicy', name: policy.name, links: { self: `${configBase(request)}/policy/accesspolicies/${policy.id}` } };
  if (!expanded) return stub;
  return {
    ...stub,
    description: policy.description,
    defaultAction: { action: policy.defaultAction, type: 'AccessPolicyDefaultAction', logBegin: false, logEnd: true, sendEventsToFMC: true },
    rules: { refType: 'List', type: 'AccessRule', links: { accessRules: `${configBase(request)}/policy/accesspolicies/${policy.id}/accessrules` } },
  };
}

/** Every device has a pending change from now on (a new object or rule was saved). */
function markPending(context: LabContext, firewall: FirewallState): void {
  const now = context.clock.now().getTime();
  for (const device of firewall.devices) device.pendingSince ??= now;
}

interface ObjectBody {
  name?: unknown;
  value?: unknown;
  type?: unknown;
  description?: unknown;
  overridable?: unknown;
}

function createObject(request: LabRequest, context: LabContext, type: 'Network' | 'Host'): LabResponse {
  const denied = guard(request, context);
  if (denied !== undefined) return denied;
  if (request.rawBody.length > 2_048_000) return fmcError(422, 'Payload too large.');
  const body = request.json<ObjectBody>();
  if (body === undefined || typeof body !== 'object' || Array.isArray(body)) return fmcError(400, 'Invalid JSON in request body.', 'VALIDATION');
  if (typeof body.name !== 'string' || !NAME_PATTERN.test(body.name)) return fmcError(400, 'Invalid object name: use up to 128 letters, digits, spaces and . _ - +', 'VALIDATION');
  if (body.type !== undefined && body.type !== type) return fmcError(400, `Invalid type ${String(body.type)} for this endpoint; expected ${type}.`, 'VALIDATION');
  const value = typeof body.value === 'string' ? body.value.trim() : '';
  const valid = type === 'Host' ? isIpv4(value) || isIpv6(value) : isCidr(value) || isIpv4(value);
  if (!valid) return fmcError(400, `Invalid ${type === 'Host' ? 'host' : 'network'} value: ${value === '' ? '(empty)' : value}`, 'VALIDATION');
  const firewall = state(context);
  if (firewall.objects.some((object) => object.name.toLowerCase() === body.name!.toString().toLowerCase())) {
    return fmcError(400, `Duplicate Name detected for object: ${body.name}`);
  }
  const object: NetworkObject = {
    id: randomObjectId(),
    type,
    name: body.name,
    value,
    description: typeof body.description === 'string' ? body.description : ' ',
    overridable: body.overridable === true,
    timestamp: context.clock.now().getTime(),
  };
  firewall.objects.push(object);
  markPending(context, firewall);
  return json(201, renderObject(request, object, true));
}

function findPolicy(request: LabRequest, context: LabContext): AccessPolicy | LabResponse {
  const policy = state(context).policies.find((item) => item.id === request.params.policy);
  return policy ?? fmcError(404, `Access policy not found: ${request.params.policy}`);
}

interface RuleBody {
  name?: unknown;
  type?: unknown;
  action?: unknown;
  enabled?: unknown;
  sendEventsToFMC?: unknown;
  logBegin?: unknown;
  logEnd?: unknown;
  sourceNetworks?: { objects?: unknown; literals?: unknown };
  destinationNetworks?: { objects?: unknown; literals?: unknown };
}

function references(firewall: FirewallState, field: RuleBody['sourceNetworks'], label: string): ObjectReference[] | string {
  if (field === undefined) return [];
  const objects = field.objects ?? [];
  if (!Array.isArray(objects)) return `${label}.objects must be an array`;
  const out: ObjectReference[] = [];
  for (const item of objects as unknown[]) {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    const known = firewall.objects.find((object) => object.id === id) ?? firewall.groups.find((group) => group.id === id);
    if (known === undefined) return `${label}: unknown object id ${String(id)}`;
    out.push({ id: known.id, type: 'type' in known ? known.type : 'NetworkGroup', name: known.name });
  }
  return out;
}

/** `literals: [{type: 'Host', value: '198.51.100.7'}, {type: 'Network', value: '203.0.113.0/24'}]`, validated. */
function literals(field: RuleBody['sourceNetworks'], label: string): Literal[] | string {
  const items = field?.literals ?? [];
  if (!Array.isArray(items)) return `${label}.literals must be an array`;
  const out: Literal[] = [];
  for (const item of items as unknown[]) {
    const { type, value } = (typeof item === 'object' && item !== null ? item : {}) as { type?: unknown; value?: unknown };
    const text = typeof value === 'string' ? value.trim() : '';
    if (type === 'Host' && (isIpv4(text) || isIpv6(text))) out.push({ type, value: text });
    else if (type === 'Network' && (isCidr(text) || isIpv4(text))) out.push({ type, value: text });
    else return `${label}.literals: invalid ${String(type)} literal ${text === '' ? '(empty)' : text}`;
  }
  return out;
}

function createRule(request: LabRequest, context: LabContext): LabResponse {
  const denied = guard(request, context);
  if (denied !== undefined) return denied;
  const policy = findPolicy(request, context);
  if ('status' in policy) return policy;
  const body = request.json<RuleBody>();
  if (body === undefined || typeof body !== 'object' || Array.isArray(body)) return fmcError(400, 'Invalid JSON in request body.', 'VALIDATION');
  if (typeof body.name !== 'string' || !NAME_PATTERN.test(body.name)) return fmcError(400, 'Invalid rule name.', 'VALIDATION');
  if (body.type !== undefined && body.type !== 'AccessRule') return fmcError(400, 'Invalid type: expected AccessRule.', 'VALIDATION');
  if (typeof body.action !== 'string' || !RULE_ACTIONS.includes(body.action)) return fmcError(400, `Invalid action: ${String(body.action)}`, 'VALIDATION');
  if (policy.rules.some((rule) => rule.name.toLowerCase() === (body.name as string).toLowerCase())) {
    return fmcError(400, `Duplicate Name detected for rule: ${body.name}`);
  }
  const firewall = state(context);
  const sources = references(firewall, body.sourceNetworks, 'sourceNetworks');
  if (typeof sources === 'string') return fmcError(400, sources, 'VALIDATION');
  const destinations = references(firewall, body.destinationNetworks, 'destinationNetworks');
  if (typeof destinations === 'string') return fmcError(400, destinations, 'VALIDATION');
  const sourceLiterals = literals(body.sourceNetworks, 'sourceNetworks');
  if (typeof sourceLiterals === 'string') return fmcError(400, sourceLiterals, 'VALIDATION');
  const destinationLiterals = literals(body.destinationNetworks, 'destinationNetworks');
  if (typeof destinationLiterals === 'string') return fmcError(400, destinationLiterals, 'VALIDATION');
  const section = request.query.get('section')?.toLowerCase() === 'mandatory' ? 'mandatory' : 'default';
  const rule: AccessRule = {
    id: randomObjectId(),
    name: body.name,
    action: body.action,
    enabled: body.enabled !== false,
    sendEventsToFMC: body.sendEventsToFMC !== false,
    logBegin: body.logBegin === true,
    logEnd: body.logEnd === true,
    sourceNetworks: sources,
    destinationNetworks: destinations,
    sourceLiterals,
    destinationLiterals,
    destinationPorts: [],
    section,
  };
  const insertBefore = Number(request.query.get('insertBefore'));
  if (Number.isInteger(insertBefore) && insertBefore >= 1 && insertBefore <= policy.rules.length) policy.rules.splice(insertBefore - 1, 0, rule);
  else if (section === 'mandatory') policy.rules.splice(policy.rules.filter((item) => item.section === 'mandatory').length, 0, rule);
  else policy.rules.push(rule);
  markPending(context, firewall);
  return json(201, renderRule(request, policy, rule, true));
}

function filterObjects(request: LabRequest, objects: NetworkObject[]): NetworkObject[] | LabResponse {
  const filter = request.query.get('filter');
  if (filter === null || filter === '') return objects;
  const match = /^nameOrValue:(.+)$/.exec(filter);
  if (match === null) return fmcError(400, `Unsupported filter: ${filter}`, 'VALIDATION');
  const wanted = match[1]!.toLowerCase();
  return objects.filter((object) => object.name.toLowerCase().includes(wanted) || object.value.toLowerCase() === wanted);
}

function listObjects(type: 'Network' | 'Host') {
  return (request: LabRequest, context: LabContext): LabResponse => {
    const denied = guard(request, context);
    if (denied !== undefined) return denied;
    const filtered = filterObjects(request, state(context).objects.filter((object) => object.type === type));
    if ('status' in filtered) return filtered;
    return listEnvelope(request, filtered, (object, expanded) => renderObject(request, object, expanded));
  };
}

function getObject(type: 'Network' | 'Host') {
  return (request: LabRequest, context: LabContext): LabResponse => {
    const denied = guard(request, context);
    if (denied !== undefined) return denied;
    const object = state(context).objects.find((item) => item.type === type && item.id === request.params.id);
    return object === undefined ? fmcError(404, `Object not found: ${request.params.id}`) : json(200, renderObject(request, object, true));
  };
}

interface GroupBody extends ObjectBody {
  id?: unknown;
  objects?: unknown;
  literals?: unknown;
}

/** A network group from a POST or PUT body: a unique name, known objects, valid literals, at least one of them. */
function groupFromBody(request: LabRequest, context: LabContext, existing: NetworkGroup | undefined): NetworkGroup | LabResponse {
  const body = request.json<GroupBody>();
  if (body === undefined || typeof body !== 'object' || Array.isArray(body)) return fmcError(400, 'Invalid JSON in request body.', 'VALIDATION');
  if (typeof body.name !== 'string' || !NAME_PATTERN.test(body.name)) return fmcError(400, 'Invalid object name: use up to 128 letters, digits, spaces and . _ - +', 'VALIDATION');
  if (body.type !== undefined && body.type !== 'NetworkGroup') return fmcError(400, `Invalid type ${String(body.type)} for this endpoint; expected NetworkGroup.`, 'VALIDATION');
  if (existing !== undefined && body.id !== existing.id) return fmcError(400, 'The id in the body must match the id in the path.', 'VALIDATION');
  const firewall = state(context);
  const name = body.name;
  if ([...firewall.objects, ...firewall.groups].some((item) => item.name.toLowerCase() === name.toLowerCase() && item.id !== existing?.id)) {
    return fmcError(400, `Duplicate Name detected for object: ${name}`);
  }
  const members = { objects: body.objects, literals: body.literals };
  const objects = references(firewall, members, 'objects');
  if (typeof objects === 'string') return fmcError(400, objects, 'VALIDATION');
  if (existing !== undefined && objects.some((object) => object.id === existing.id)) return fmcError(400, 'A network group cannot contain itself.', 'VALIDATION');
  const addresses = literals(members, 'literals');
  if (typeof addresses === 'string') return fmcError(400, addresses, 'VALIDATION');
  if (objects.length + addresses.length === 0) return fmcError(400, 'A network group needs at least one object or literal.', 'VALIDATION');
  return {
    id: existing?.id ?? randomObjectId(),
    name,
    description: typeof body.description === 'string' ? body.description : ' ',
    objects,
    literals: addresses,
    timestamp: context.clock.now().getTime(),
  };
}

function networkGroups(router: ProductRouter): void {
  router.get(`${CONFIG}/object/networkgroups`, (request, context) => guard(request, context) ?? listEnvelope(request, state(context).groups, (group, expanded) => renderGroup(request, group, expanded)));
  router.post(`${CONFIG}/object/networkgroups`, (request, context) => {
    const denied = guard(request, context);
    if (denied !== undefined) return denied;
    const group = groupFromBody(request, context, undefined);
    if ('status' in group) return group;
    const firewall = state(context);
    firewall.groups.push(group);
    markPending(context, firewall);
    return json(201, renderGroup(request, group, true));
  });
  router.get(`${CONFIG}/object/networkgroups/:id`, (request, context) => {
    const denied = guard(request, context);
    if (denied !== undefined) return denied;
    const group = state(context).groups.find((item) => item.id === request.params.id);
    return group === undefined ? fmcError(404, `Object not found: ${request.params.id}`) : json(200, renderGroup(request, group, true));
  });
  // PUT replaces the whole group (FMC needs the full object, id included).
  router.put(`${CONFIG}/object/networkgroups/:id`, (request, context) => {
    const denied = guard(request, context);
    if (denied !== undefined) return denied;
    const firewall = state(context);
    const index = firewall.groups.findIndex((item) => item.id === request.params.id);
    if (index < 0) return fmcError(404, `Object not found: ${request.params.id}`);
    const group = groupFromBody(request, context, firewall.groups[index]);
    if ('status' in group) return group;
    firewall.groups[index] = group;
    markPending(context, firewall);
    return json(200, renderGroup(request, group, true));
  });
}

function deployableDevices(request: LabRequest, context: LabContext): LabResponse {
  const denied = guard(request, context);
  if (denied !== undefined) return denied;
  const pending = state(context).devices.filter((device) => device.pendingSince !== undefined);
  return listEnvelope(request, pending, (device, expanded) =>
    expanded
      ? {
          type: 'DeployableDevice',
          name: device.name,
          canBeDeployed: true,
          upToDate: false,
          version: String(device.pendingSince),
          device: { id: device.id, name: device.name, type: 'SENSOR' },
        }
      : { type: 'DeployableDevice', name: device.name, device: { id: device.id, name: device.name, type: 'SENSOR' } },
  );
}

interface DeploymentBody {
  type?: unknown;
  version?: unknown;
  forceDeploy?: unknown;
  ignoreWarning?: unknown;
  deploymentNote?: unknown;
  deviceList?: unknown;
}

function deploymentRequest(request: LabRequest, context: LabContext): LabResponse {
  const denied = guard(request, context);
  if (denied !== undefined) return denied;
  const body = request.json<DeploymentBody>();
  if (body === undefined || typeof body !== 'object') return fmcError(400, 'Invalid JSON in request body.', 'VALIDATION');
  if (body.type !== 'DeploymentRequest') return fmcError(400, 'Invalid type: expected DeploymentRequest.', 'VALIDATION');
  if (typeof body.version !== 'string' || !/^\d+$/.test(body.version)) return fmcError(400, 'Invalid version: expected the version reported by deployabledevices.', 'VALIDATION');
  if (!Array.isArray(body.deviceList) || body.deviceList.length === 0) return fmcError(400, 'deviceList must list at least one device id.', 'VALIDATION');
  const firewall = state(context);
  const devices: Device[] = [];
  for (const id of body.deviceList as unknown[]) {
    const device = firewall.devices.find((item) => item.id === id);
    if (device === undefined) return fmcError(400, `Unknown device id: ${String(id)}`, 'VALIDATION');
    if (device.pendingSince === undefined && body.forceDeploy !== true) return fmcError(400, `Device ${device.name} is up to date; nothing to deploy.`, 'VALIDATION');
    devices.push(device);
  }
  // The deployment includes every change up to now, so the devices are up to date from here on.
  for (const device of devices) delete device.pendingSince;
  firewall.nextTask += 1;
  const taskId = String(firewall.nextTask);
  firewall.tasks.set(taskId, { id: taskId, deviceIds: devices.map((device) => device.id), polls: 0 });
  return json(202, {
    type: 'DeploymentRequest',
    version: body.version,
    forceDeploy: body.forceDeploy === true,
    ignoreWarning: body.ignoreWarning === true,
    ...(typeof body.deploymentNote === 'string' ? { deploymentNote: body.deploymentNote } : {}),
    deviceList: devices.map((device) => device.id),
    metadata: { task: { id: taskId, links: { self: `${configBase(request)}/job/taskstatuses/${taskId}` } } },
  });
}

function taskStatus(request: LabRequest, context: LabContext): LabResponse {
  const denied = guard(request, context);
  if (denied !== undefined) return denied;
  const task = state(context).tasks.get(request.params.id ?? '');
  if (task === undefined) return fmcError(404, `Task not found: ${request.params.id}`);
  task.polls += 1;
  // The first poll sees the deployment running; later polls see it finished.
  const status = task.polls === 1 ? 'Deploying' : 'Deployed';
  return json(200, {
    id: task.id,
    type: 'TaskStatus',
    taskType: 'DEVICE_DEPLOYMENT',
    status,
    message: status === 'Deployed' ? `Deployed to ${task.deviceIds.length} device(s)` : 'Deployment in progress',
    links: { self: `${configBase(request)}/job/taskstatuses/${task.id}` },
  });
}

function generateToken(request: LabRequest, context: LabContext): LabResponse {
  const credentials = basicCredentials(request);
  const expected = LAB_CREDENTIALS.secureFirewall;
  if (credentials === undefined || credentials.username !== expected.username || credentials.password !== expected.password) {
    return fmcError(401, 'Authentication failed: invalid username or password.');
  }
  return issueTokens(context, credentials.username, 0);
}

function issueTokens(context: LabContext, subject: string, refreshes: number, refreshToken = randomBytes(16).toString('hex')): LabResponse {
  const { token } = context.tokens(PRODUCT, TOKEN_TTL_SECONDS).issue(subject);
  state(context).sessions.set(token, { subject, refreshToken, refreshes });
  const domain = LAB_CREDENTIALS.secureFirewall.domainUuid;
  return empty(204, {
    'X-auth-access-token': token,
    'X-auth-refresh-token': refreshToken,
    DOMAIN_UUID: domain,
    DOMAIN_ID: '111',
    global: domain,
    DOMAINS: JSON.stringify([{ name: 'Global', uuid: domain }]),
  });
}

function refreshToken(request: LabRequest, context: LabContext): LabResponse {
  const firewall = state(context);
  const access = request.header('x-auth-access-token');
  const session = access === undefined ? undefined : firewall.sessions.get(access);
  if (session === undefined || session.refreshToken !== request.header('x-auth-refresh-token')) {
    return fmcError(401, 'Invalid access or refresh token.');
  }
  if (session.refreshes >= MAX_REFRESHES) return fmcError(401, 'Refresh limit reached: generate a new token.');
  firewall.sessions.delete(access!);
  context.tokens(PRODUCT, TOKEN_TTL_SECONDS).revoke(access!);
  return issueTokens(context, session.subject, session.refreshes + 1, session.refreshToken);
}

export const secureFirewallSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: PREFIX,
  register(router) {
    router.post(`${PLATFORM}/auth/generatetoken`, generateToken);
    router.post(`${PLATFORM}/auth/refreshtoken`, refreshToken);
    router.get(`${PLATFORM}/info/serverversion`, (request, context) =>
      guard(request, context) ?? json(200, { items: [{ serverVersion: '7.4.2 (build 172)', geoVersion: '2024-05-06-100', vdbVersion: 'build 376', type: 'ServerVersion' }], paging: { offset: 0, limit: 25, count: 1, pages: 1 } }),
    );
    router.get(`${CONFIG}/object/networks`, listObjects('Network'));
    router.post(`${CONFIG}/object/networks`, (request, context) => createObject(request, context, 'Network'));
    router.get(`${CONFIG}/object/networks/:id`, getObject('Network'));
    router.get(`${CONFIG}/object/hosts`, listObjects('Host'));
    router.post(`${CONFIG}/object/hosts`, (request, context) => createObject(request, context, 'Host'));
    router.get(`${CONFIG}/object/hosts/:id`, getObject('Host'));
    networkGroups(router);
    router.get(`${CONFIG}/policy/accesspolicies`, (request, context) => {
      const denied = guard(request, context);
      if (denied !== undefined) return denied;
      return listEnvelope(request, state(context).policies, (policy, expanded) => renderPolicy(request, policy, expanded));
    });
    router.get(`${CONFIG}/policy/accesspolicies/:policy`, (request, context) => {
      const denied = guard(request, context);
      if (denied !== undefined) return denied;
      const policy = findPolicy(request, context);
      return 'status' in policy ? policy : json(200, renderPolicy(request, policy, true));
    });
    router.get(`${CONFIG}/policy/accesspolicies/:policy/accessrules`, (request, context) => {
      const denied = guard(request, context);
      if (denied !== undefined) return denied;
      const policy = findPolicy(request, context);
      if ('status' in policy) return policy;
      return listEnvelope(request, policy.rules, (rule, expanded) => renderRule(request, policy, rule, expanded));
    });
    router.post(`${CONFIG}/policy/accesspolicies/:policy/accessrules`, createRule);
    router.get(`${CONFIG}/policy/accesspolicies/:policy/accessrules/:id`, (request, context) => {
      const denied = guard(request, context);
      if (denied !== undefined) return denied;
      const policy = findPolicy(request, context);
      if ('status' in policy) return policy;
      const rule = policy.rules.find((item) => item.id === request.params.id);
      return rule === undefined ? fmcError(404, `Access rule not found: ${request.params.id}`) : json(200, renderRule(request, policy, rule, true));
    });
    router.get(`${CONFIG}/deployment/deployabledevices`, deployableDevices);
    router.post(`${CONFIG}/deployment/deploymentrequests`, deploymentRequest);
    router.get(`${CONFIG}/job/taskstatuses/:id`, taskStatus);
    router.get(`${CONFIG}/devices/devicerecords`, (request, context) => {
      const denied = guard(request, context);
      if (denied !== undefined) return denied;
      return listEnvelope(request, state(context).devices, (device, expanded) =>
        expanded
          ? { id: device.id, type: 'Device', name: device.name, hostName: device.hostName, model: device.model, sw_version: '7.4.2', healthStatus: 'green', deploymentStatus: device.pendingSince === undefined ? 'DEPLOYED' : 'NOT_DEPLOYED' }
          : { id: device.id, type: 'Device', name: device.name },
      );
    });
  },
  errorResponse(status, message) {
    return fmcError(status, message);
  },
};
