import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { LAB_CREDENTIALS } from '../credentials.js';
import type { LabContext } from '../lab-context.js';
import { authorizationToken, basicCredentials, json, type LabRequest, type LabResponse } from '../lab-http.js';
import type { LabProductModule } from '../lab-product.js';
import type { LabHandler } from '../lab-router.js';
import { stableUuid, type LabHost, type LabIncident, type LabWorld, type ScenarioEvent } from '../scenario/index.js';
import { blockDomainInUmbrellaLab, isBlockedInUmbrellaLab, unblockDomainInUmbrellaLab } from './umbrella.js';

/*
 * Cisco XDR (connectors.md §1) under one prefix for its three host families: IROH (`/iroh/...`:
 * oauth2 with Basic client credentials and 600 s tokens, enrich, inspect, response), CTIA private
 * intelligence (`/ctia/...`: incidents and sightings, bodies are plain arrays, paging in
 * X-Total-Hits / X-Next / X-Previous headers) and Conure (`/v2/...`). Every response carries
 * X-Ratelimit-Org-Limit: 8000 (per rolling hour); over it, 429 {"message":"Too many requests"}
 * with Retry-After. Sightings, verdicts and incidents are derived from the world; response
 * actions change lab state (Umbrella block list, Secure Endpoint isolation, custom detections).
 */

const PRODUCT = 'cisco_xdr';
const PREFIX = '/xdr';
const TOKEN_TTL_SECONDS = 600;
const ORG_LIMIT = 8000;
const ORG_WINDOW_MS = 3_600_000;
const CTIA_DEFAULT_LIMIT = 100;
const CTIA_MAX_LIMIT = 10_000;
const SCHEMA_VERSION = '1.3.30';

const MITRE_TACTICS: Record<string, string> = {
  'initial-access': 'TA0001', execution: 'TA0002', persistence: 'TA0003', 'privilege-escalation': 'TA0004', 'defense-evasion': 'TA0005',
  'credential-access': 'TA0006', discovery: 'TA0007', 'lateral-movement': 'TA0008', collection: 'TA0009', exfiltration: 'TA0010',
  'command-and-control': 'TA0011', impact: 'TA0040',
};

const DISPOSITIONS = { Clean: 1, Malicious: 2, Suspicious: 3, Common: 4, Unknown: 5 } as const;
type DispositionName = keyof typeof DISPOSITIONS;
/** Which disposition wins when several sources speak of one observable. */
const DISPOSITION_WEIGHT: Record<DispositionName, number> = { Malicious: 4, Suspicious: 3, Clean: 2, Common: 1, Unknown: 0 };

const INCIDENT_STATUSES = new Set([
  'New', 'New: Presented', 'New: Processing', 'Open', 'Open: Investigating', 'Open: Contained', 'Open: Reported', 'Open: Recovered', 'Stalled',
  'Containment Achieved', 'Restoration Achieved', 'Incident Reported', 'Closed', 'Closed: False Positive', 'Closed: Confirmed Threat',
  'Closed: Suspected', 'Closed: Merged', 'Closed: Near-Miss', 'Closed: Other', 'Closed: Under Review', 'Rejected', 'Hold', 'Hold: Internal',
  'Hold: External', 'Hold: Legal',
]);

interface Observable {
  type: string;
  value: string;
}

interface Judgement {
  disposition: DispositionName;
  module: string;
  source: string;
  reason: string;
  severity: string;
}

interface XdrState {
  incidentStatus: Map<string, string>;
  /** SHA-256 values on the Secure Endpoint simple custom detection list. */
  customDetections: Set<string>;
  /** Every response action triggered successfully, oldest first. */
  triggered: Array<{ time: string; moduleInstanceId: string; actionId: string; observable: Observable }>;
}

/** The Secure Endpoint simulator's isolation map (same product key and shape), so both products agree. */
interface SecureEndpointIsolationState {
  isolation: Map<string, { status: string; comment?: string; isolatedBy?: string }>;
}

function state(context: LabContext): XdrState {
  return context.state<XdrState>(PRODUCT, () => ({ incidentStatus: new Map(), customDetections: new Set(), triggered: [] }));
}

function isolationState(context: LabContext): SecureEndpointIsolationState {
  return context.state<SecureEndpointIsolationState>('secure_endpoint', () => ({ isolation: new Map() }));
}

// ---------------------------------------------------------------------------------------------
// Modules (integrations XDR aggregates), named after the products that saw each event.

function moduleOf(world: LabWorld, name: string) {
  return {
    module: name,
    module_instance_id: stableUuid(world.seed, `xdr-module-instance:${name}`),
    module_type_id: stableUuid(world.seed, `xdr-module-type:${name}`),
    module_instance_state: 'enabled',
  };
}

function sourceOf(event: ScenarioEvent): string {
  if (event.kind === 'email') return 'Secure Email Threat Defense';
  const names: Record<string, string> = {
    secure_endpoint: 'Secure Endpoint', crowdstrike: 'CrowdStrike Falcon', umbrella: 'Umbrella', secure_firewall: 'Secure Firewall', splunk: 'Splunk',
  };
  for (const product of event.products) if (names[product] !== undefined) return names[product]!;
  return 'Cisco XDR Analytics';
}

function sensorOf(event: ScenarioEvent): string {
  if (event.kind === 'dns') return 'network.dns';
  if (event.kind === 'email') return 'email';
  if (event.kind === 'network' || event.kind === 'smb') return 'network.firewall';
  return 'endpoint';
}

const capitalised = (severity: string) => severity.charAt(0).toUpperCase() + severity.slice(1);

// ---------------------------------------------------------------------------------------------
// Intelligence: dispositions derived from the world (domain reputations, incidents, events).

const intelCache = new WeakMap<LabWorld, Map<string, Judgement>>();
const keyOf = (type: string, value: string) => `${type}\u0000${value.toLowerCase()}`;
const INDICATOR_TYPES = new Set(['ip', 'ipv6', 'domain', 'url', 'sha256', 'sha1', 'md5', 'email']);

function intelligence(world: LabWorld): Map<string, Judgement> {
  const cached = intelCache.get(world);
  if (cached !== undefined) return cached;
  const intel = new Map<string, Judgement>();
  const put = (type: string, value: string | undefined, judgement: Judgement) => {
    if (value === undefined) return;
    const existing = intel.get(keyOf(type, value));
    if (existing === undefined || DISPOSITION_WEIGHT[judgement.disposition] > DISPOSITION_WEIGHT[existing.disposition]) intel.set(keyOf(type, value), judgement);
  };
  for (const reputation of world.domains) {
    const disposition: DispositionName = reputation.status === -1 ? 'Malicious' : reputation.status === 1 ? 'Clean' : 'Unknown';
    if (disposition === 'Unknown') continue;
    const judgement: Judgement = {
      disposition, module: 'Umbrella', source: 'Cisco Umbrella', severity: disposition === 'Malicious' ? 'High' : 'Info',
      reason: disposition === 'Malicious' ? `Domain in security categories ${reputation.securityCategories.join(', ')}` : 'Popular domain with no security categories',
    };
    put('domain', reputation.domain, judgement);
    for (const address of reputation.addresses) put('ip', address, { ...judgement, reason: `Resolves for ${reputation.domain}: ${judgement.reason}` });
  }
  for (const incident of world.incidents) {
    const serious = incident.severity === 'High' || incident.severity === 'Critical';
    for (const observable of incident.observables) {
      if (!INDICATOR_TYPES.has(observable.type)) continue;
      put(observable.type, observable.value, {
        disposition: serious ? 'Malicious' : 'Suspicious', module: 'Private Intelligence', source: 'Private Intelligence',
        severity: incident.severity, reason: `Indicator of incident ${incident.id}: ${incident.title}`,
      });
    }
  }
  const malicious = (type: string, value: string | undefined) => value !== undefined && intel.get(keyOf(type, value))?.disposition === 'Malicious';
  for (const event of world.events.filter((candidate) => candidate.products.includes('xdr'))) {
    if (event.severity === 'critical' && event.sha256 !== undefined) {
      put('sha256', event.sha256, { disposition: 'Malicious', module: 'Private Intelligence', source: sourceOf(event), severity: 'Critical', reason: event.title });
    }
    if (event.url !== undefined && (malicious('ip', event.destinationIp) || malicious('domain', event.domain))) {
      put('url', event.url, { disposition: 'Malicious', module: 'Private Intelligence', source: sourceOf(event), severity: 'High', reason: `Served from a malicious host: ${event.title}` });
    }
  }
  intelCache.set(world, intel);
  return intel;
}

// ---------------------------------------------------------------------------------------------
// Events as CTIM sightings.

function hostObservables(context: LabContext, event: ScenarioEvent): Observable[] {
  if (event.host === undefined) return [];
  const host = context.host(event.host);
  const observables: Observable[] = [{ type: 'hostname', value: event.host }];
  const ip = host?.ip ?? (event.sourceIp?.startsWith('10.') ? event.sourceIp : undefined);
  if (ip !== undefined) observables.push({ type: 'ip', value: ip });
  if (host?.secureEndpoint !== undefined) observables.push({ type: 'amp_computer_guid', value: host.secureEndpoint.connectorGuid });
  return observables;
}

/** The observables an event names outside its target host. */
function eventObservables(context: LabContext, event: ScenarioEvent): Observable[] {
  const targetIps = new Set(hostObservables(context, event).filter((observable) => observable.type === 'ip').map((observable) => observable.value));
  const observables: Observable[] = [];
  const add = (type: string, value: string | undefined) => {
    if (value !== undefined && !observables.some((observable) => observable.type === type && observable.value === value)) observables.push({ type, value });
  };
  if (event.sourceIp !== undefined && !targetIps.has(event.sourceIp)) add('ip', event.sourceIp);
  if (event.destinationIp !== undefined && !targetIps.has(event.destinationIp)) add('ip', event.destinationIp);
  add('domain', event.domain);
  add('url', event.url);
  add('sha256', event.sha256);
  add('file_name', event.fileName);
  add('email', event.emailSender);
  add('email_subject', event.emailSubject);
  add('user', event.user);
  return observables;
}

function eventMatches(context: LabContext, event: ScenarioEvent, observable: Observable): boolean {
  const wanted = observable.value.toLowerCase();
  const all = [...hostObservables(context, event), ...eventObservables(context, event)];
  if (observable.type === 'hostname') return event.host !== undefined && event.host === wanted.split('.')[0];
  return all.some((candidate) => candidate.type === observable.type && candidate.value.toLowerCase() === wanted);
}

function sightingJson(request: LabRequest, context: LabContext, event: ScenarioEvent): Record<string, unknown> {
  const time = event.time.toISOString();
  const host = event.host === undefined ? undefined : context.host(event.host);
  const observables = eventObservables(context, event);
  const columns: Array<[string, string | number | undefined]> = [
    ['kind', event.kind], ['host', event.host], ['user', event.user], ['src_ip', event.sourceIp], ['dst_ip', event.destinationIp],
    ['dst_port', event.destinationPort], ['protocol', event.protocol], ['domain', event.domain], ['url', event.url],
    ['process', event.processName], ['parent_process', event.parentProcessName], ['command_line', event.commandLine],
    ['file_name', event.fileName], ['file_path', event.filePath], ['sha256', event.sha256], ['technique', event.technique],
    ['tactic', event.tactic], ['outcome', event.outcome], ['event_code', event.eventCode], ['email_sender', event.emailSender],
    ['email_subject', event.emailSubject], ['bytes_out', event.bytesOut],
  ];
  const present = columns.filter(([, value]) => value !== undefined);
  const relations = event.fileName !== undefined && event.sha256 !== undefined
    ? [{ origin: sourceOf(event), relation: 'File_Name_Of', source: { type: 'file_name', value: event.fileName }, related: { type: 'sha256', value: event.sha256 } }]
    : [];
  return {
    type: 'sighting',
    id: `${request.baseUrl}${PREFIX}/ctia/sighting/sighting-${event.id}`,
    schema_version: SCHEMA_VERSION,
    source: sourceOf(event),
    title: event.title,
    description: event.host === undefined ? event.title : `${event.title} on ${event.host}`,
    count: 1,
    confidence: 'High',
    severity: capitalised(event.severity),
    tlp: 'amber',
    internal: true,
    timestamp: time,
    observed_time: { start_time: time, end_time: time },
    observables: observables.filter((observable) => observable.type !== 'email_subject' && observable.type !== 'file_name'),
    targets: event.host === undefined ? [] : [{ type: 'endpoint', observables: hostObservables(context, event), observed_time: { start_time: time }, ...(host === undefined ? {} : { os: host.os.name }) }],
    relations,
    sensor: sensorOf(event),
    data: { columns: present.map(([name, value]) => ({ name, type: typeof value === 'number' ? 'integer' : 'string' })), rows: [present.map(([, value]) => value)] },
  };
}

// ---------------------------------------------------------------------------------------------
// Incidents.

function incidentJson(request: LabRequest, context: LabContext, incident: LabIncident): Record<string, unknown> {
  const events = context.world.events.filter((event) => incident.eventIds.includes(event.id));
  const unique = (values: Array<string | undefined>) => [...new Set(values.filter((value): value is string => value !== undefined))];
  const firstSeen = events[0]?.time ?? incident.createdAt;
  const severityScore = { Critical: 100, High: 80, Medium: 50, Low: 20 }[incident.severity];
  return {
    type: 'incident',
    id: `${request.baseUrl}${PREFIX}/ctia/incident/${incident.uid}`,
    short_id: incident.uid,
    schema_version: SCHEMA_VERSION,
    title: incident.title,
    description: incident.description,
    source: 'Cisco XDR Analytics',
    status: state(context).incidentStatus.get(incident.uid) ?? incident.status,
    confidence: 'High',
    severity: incident.severity,
    tlp: 'amber',
    incident_time: { opened: incident.createdAt.toISOString(), discovered: firstSeen.toISOString() },
    timestamp: incident.createdAt.toISOString(),
    assignees: [],
    categories: unique(events.map((event) => (event.kind === 'email' ? 'Phishing' : event.kind === 'detection' ? 'Malicious Code' : undefined))),
    detection_sources: unique(events.map(sourceOf)),
    promotion_method: 'Automated',
    tactics: unique(events.map((event) => (event.tactic === undefined ? undefined : MITRE_TACTICS[event.tactic]))),
    techniques: unique(events.map((event) => event.technique)),
    scores: { asset: incident.hosts.length * 10, ttp: Math.min(100, unique(events.map((event) => event.technique)).length * 10), global: severityScore },
    external_ids: [incident.id],
    // CTIM's free-form meta: what XDR's incident summary shows (observables, assets, event count).
    meta: { observables: incident.observables, assets: incident.hosts, event_count: events.length },
  };
}

function findIncident(context: LabContext, id: string): LabIncident | undefined {
  const last = id.replace(/\/+$/, '').split('/').pop() ?? '';
  const short = last.startsWith('incident-') ? last : `incident-${last}`;
  return context.world.incidents.find((incident) => incident.uid === short);
}

// ---------------------------------------------------------------------------------------------
// Paging (CTIA): plain-array bodies, paging in headers.

function timeWindow(request: LabRequest): { from?: number; to?: number } | string {
  const parse = (name: string) => {
    const value = request.query.get(name);
    if (value === null || value === '') return undefined;
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? Number.NaN : parsed;
  };
  const from = parse('from');
  const to = parse('to');
  if (Number.isNaN(from) || Number.isNaN(to)) return 'from and to must be ISO-8601 date-times';
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

function ctiaPage<T>(request: LabRequest, items: T[], sortValue: (item: T) => number, render: (item: T) => unknown): LabResponse {
  const limitText = request.query.get('limit');
  const offsetText = request.query.get('offset');
  if ((limitText !== null && !/^\d+$/.test(limitText)) || (offsetText !== null && !/^\d+$/.test(offsetText))) {
    return json(400, { errors: { ...(limitText !== null && !/^\d+$/.test(limitText) ? { limit: '(not (integer? a-java.lang.String))' } : {}), ...(offsetText !== null && !/^\d+$/.test(offsetText) ? { offset: '(not (integer? a-java.lang.String))' } : {}) } });
  }
  const limit = Math.min(Math.max(Number(limitText ?? CTIA_DEFAULT_LIMIT), 1), CTIA_MAX_LIMIT);
  const offset = Number(offsetText ?? 0);
  const page = items.slice(offset, offset + limit);
  const headers: Record<string, string> = { 'X-Total-Hits': String(items.length) };
  const last = page[page.length - 1];
  if (last !== undefined) headers['X-Sort'] = String(sortValue(last));
  if (offset + limit < items.length && last !== undefined) headers['X-Next'] = `limit=${limit}&offset=${offset + limit}&search_after=${sortValue(last)}`;
  if (offset > 0) headers['X-Previous'] = `limit=${limit}&offset=${Math.max(0, offset - limit)}`;
  return json(200, page.map(render), headers);
}

// ---------------------------------------------------------------------------------------------
// Inspect: observables in free text.

const NOT_TLDS = new Set(['exe', 'dll', 'docm', 'doc', 'docx', 'xls', 'xlsx', 'xlsm', 'pdf', 'zip', 'bin', 'ps1', 'bat', 'js', 'vbs', 'dmp', 'tmp', 'txt', 'log', 'png', 'jpg', 'gif', 'sys', 'msi', 'iso', 'lnk', 'hta', 'dat', 'ini', 'cfg', 'json', 'xml', 'csv', 'py', 'sh']);

export function inspectText(content: string): Observable[] {
  const found: Observable[] = [];
  const add = (type: string, value: string) => {
    if (!found.some((observable) => observable.type === type && observable.value === value)) found.push({ type, value });
  };
  for (const match of content.matchAll(/\bhttps?:\/\/[^\s"'<>()]+/gi)) {
    const url = match[0].replace(/[.,;:!?]+$/, '');
    add('url', url);
    try {
      const hostname = new URL(url).hostname;
      if (isIP(hostname) === 0) add('domain', hostname.toLowerCase());
    } catch {
      // Not a URL after all; the other patterns still look at it.
    }
  }
  for (const match of content.matchAll(/\b[a-z0-9._%+-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,63})\b/gi)) add('email', match[0].toLowerCase());
  for (const match of content.matchAll(/(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)/g)) add('ip', match[0]);
  for (const match of content.matchAll(/(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])/gi)) {
    if (isIP(match[0]) === 6) add('ipv6', match[0].toLowerCase());
  }
  for (const match of content.matchAll(/\b(?:[a-f0-9]{64}|[a-f0-9]{40}|[a-f0-9]{32})\b/gi)) {
    add(match[0].length === 64 ? 'sha256' : match[0].length === 40 ? 'sha1' : 'md5', match[0].toLowerCase());
  }
  const emailDomains = new Set(found.filter((observable) => observable.type === 'email').map((observable) => observable.value.split('@')[1]));
  for (const match of content.matchAll(/(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}(?![\w-]*@)(?![\w-])/gi)) {
    const domain = match[0].toLowerCase();
    const tld = domain.split('.').pop()!;
    if (NOT_TLDS.has(tld) || /^\d+$/.test(tld) || emailDomains.has(domain)) continue;
    add('domain', domain);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Response actions.

interface ActionOffer {
  module: string;
  id: string;
  title: string;
  description: string;
  categories: string[];
}

function isolationHost(context: LabContext, observable: Observable): LabHost | undefined {
  const value = observable.value.toLowerCase();
  const hosts = context.hosts().filter((host) => host.secureEndpoint !== undefined);
  if (observable.type === 'hostname') return hosts.find((host) => host.hostname === value.split('.')[0]);
  if (observable.type === 'amp_computer_guid') return hosts.find((host) => host.secureEndpoint!.connectorGuid === value);
  if (observable.type === 'ip') return hosts.find((host) => host.ip === value);
  return undefined;
}

function isIsolated(context: LabContext, host: LabHost): boolean {
  const entry = isolationState(context).isolation.get(host.secureEndpoint!.connectorGuid);
  if (entry === undefined) return host.secureEndpoint!.isolated;
  return entry.status === 'isolated' || entry.status === 'pending_start';
}

function actionsFor(context: LabContext, observable: Observable): ActionOffer[] {
  const offers: ActionOffer[] = [];
  if (observable.type === 'domain') {
    offers.push(
      isBlockedInUmbrellaLab(context, observable.value)
        ? { module: 'Umbrella', id: 'umbrella-remove-domain-from-destination-list', title: 'Remove from Block List', description: `Unblock ${observable.value} in Umbrella`, categories: ['Umbrella', 'Response'] }
        : { module: 'Umbrella', id: 'umbrella-add-domain-to-destination-list', title: 'Add to Block List', description: `Block ${observable.value} in Umbrella`, categories: ['Umbrella', 'Response'] },
    );
  }
  if (observable.type === 'sha256') {
    offers.push(
      state(context).customDetections.has(observable.value.toLowerCase())
        ? { module: 'Secure Endpoint', id: 'amp-remove-sha256-scd', title: 'Remove SHA256 from Custom Detections', description: `Allow ${observable.value} to run again`, categories: ['Secure Endpoint', 'Response'] }
        : { module: 'Secure Endpoint', id: 'amp-add-sha256-scd', title: 'Add SHA256 to Custom Detections', description: `Quarantine ${observable.value} on every endpoint`, categories: ['Secure Endpoint', 'Response'] },
    );
  }
  const host = isolationHost(context, observable);
  if (host !== undefined && host.os.family === 'windows') {
    offers.push(
      isIsolated(context, host)
        ? { module: 'Secure Endpoint', id: 'amp-stop-host-isolation', title: 'Stop Host Isolation', description: `Stop isolating ${host.hostname}`, categories: ['Secure Endpoint', 'Response'] }
        : { module: 'Secure Endpoint', id: 'amp-isolate-host', title: 'Isolate Host', description: `Isolate ${host.hostname} from the network`, categories: ['Secure Endpoint', 'Response'] },
    );
  }
  return offers;
}

/** Carries out one action; undefined on success, else why it failed. */
function perform(context: LabContext, offer: ActionOffer, observable: Observable): string | undefined {
  const comment = `XDR response action ${offer.id}`;
  switch (offer.id) {
    case 'umbrella-add-domain-to-destination-list':
      blockDomainInUmbrellaLab(context, observable.value, comment);
      return undefined;
    case 'umbrella-remove-domain-from-destination-list':
      unblockDomainInUmbrellaLab(context, observable.value);
      return undefined;
    case 'amp-add-sha256-scd':
      state(context).customDetections.add(observable.value.toLowerCase());
      return undefined;
    case 'amp-remove-sha256-scd':
      state(context).customDetections.delete(observable.value.toLowerCase());
      return undefined;
    case 'amp-isolate-host':
    case 'amp-stop-host-isolation': {
      const host = isolationHost(context, observable);
      if (host === undefined) return 'host not managed by Secure Endpoint';
      const isolate = offer.id === 'amp-isolate-host';
      isolationState(context).isolation.set(host.secureEndpoint!.connectorGuid, {
        status: isolate ? 'isolated' : 'not_isolated',
        comment,
        isolatedBy: LAB_CREDENTIALS.xdr.clientId,
      });
      return undefined;
    }
    default:
      return `unknown action ${offer.id}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Envelopes.

const IROH_ERRORS: Record<number, string> = {
  400: 'invalid_request', 401: 'invalid_token', 403: 'insufficient_scope', 404: 'not_found', 405: 'method_not_allowed', 500: 'server_error', 502: 'bad_gateway', 503: 'temporarily_unavailable',
};
const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 429: 'Too many requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

function irohError(status: number, description: string, error = IROH_ERRORS[status] ?? 'error'): LabResponse {
  return json(status, { error, error_description: description, trace_id: randomUUID() });
}

function errorBody(status: number, message: string, request: LabRequest): LabResponse {
  if (status === 429) return json(429, { message: 'Too many requests' });
  if (status === 401) return irohError(401, message);
  if (request.path.startsWith('/v2/')) return json(status, { message: REASONS[status] ?? message });
  if (request.path.startsWith('/ctia/') || request.path.startsWith('/iroh/private-intel/')) return json(status, { error: REASONS[status] ?? 'Error', message });
  return irohError(status, message);
}

function validObservables(body: unknown): body is Observable[] {
  return (
    Array.isArray(body) &&
    body.length > 0 &&
    body.length <= 1000 &&
    body.every((item) => typeof item === 'object' && item !== null && typeof (item as Observable).type === 'string' && typeof (item as Observable).value === 'string' && (item as Observable).value !== '')
  );
}

// ---------------------------------------------------------------------------------------------

export const ciscoXdrSimulator: LabProductModule = {
  product: PRODUCT,
  prefix: PREFIX,
  // IROH (visibility), CTIA (private intel) and Conure live on three hosts in real life, all here.
  endpoints: { iroh: '', private_intel: '', conure: '' },
  errorResponse(status, message, request) {
    const response = errorBody(status, message, request);
    return { ...response, headers: { ...response.headers, 'X-Ratelimit-Org-Limit': String(ORG_LIMIT) } };
  },
  register(router, context) {
    const tokens = context.tokens(PRODUCT, TOKEN_TTL_SECONDS);
    const limiter = context.limiter(PRODUCT, ORG_LIMIT, ORG_WINDOW_MS);
    const world = context.world;

    /** Bearer check, the org-wide rate window and the rate-limit headers on every answer. */
    const guarded = (handler: LabHandler): LabHandler => async (request, labContext) => {
      const check = tokens.check(authorizationToken(request));
      const orgHeaders = (remaining?: number) => ({ 'X-Ratelimit-Org-Limit': String(ORG_LIMIT), ...(remaining === undefined ? {} : { 'X-Ratelimit-Org-Remaining': String(remaining) }), 'X-Iroh-Version': '1.112.0-lab', 'X-Ctim-Version': SCHEMA_VERSION });
      if (check.state !== 'valid') {
        const description = authorizationToken(request) === undefined ? 'No JWT found in HTTP Authorization header' : check.state === 'expired' ? 'JWT expired' : 'Invalid JWT';
        const response = irohError(401, description, authorizationToken(request) === undefined ? 'invalid_request' : 'invalid_token');
        return { ...response, headers: { ...response.headers, ...orgHeaders() } };
      }
      const window = limiter.take();
      if (!window.allowed) {
        return json(429, { message: 'Too many requests' }, { ...orgHeaders(0), 'Retry-After': String(Math.ceil(window.resetMs / 1000)) });
      }
      const response = await handler(request, labContext);
      return { ...response, headers: { ...response.headers, ...orgHeaders(window.remaining) } };
    };

    router.post('/iroh/oauth2/token', (request) => {
      // Basic client authentication as documented; client_id/client_secret form fields (client_secret_post) as some clients send them.
      const form = request.form();
      const credentials = basicCredentials(request) ?? (form.has('client_id') ? { username: form.get('client_id') ?? '', password: form.get('client_secret') ?? '' } : undefined);
      const expected = LAB_CREDENTIALS.xdr;
      if (credentials?.username !== expected.clientId || credentials.password !== expected.clientSecret) {
        return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      }
      if (request.form().get('grant_type') !== 'client_credentials') {
        return json(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
      }
      const scope = 'enrich:read inspect:read private-intel response casebook';
      const issued = tokens.issue(credentials.username, scope);
      return json(200, { access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresIn, scope });
    });

    // ---- IROH inspect / enrich / response.
    router.post(
      '/iroh/iroh-inspect/inspect',
      guarded((request) => {
        const body = request.json<{ content?: unknown }>();
        if (body === undefined || typeof body !== 'object' || typeof body.content !== 'string') return json(400, { content: 'missing-required-key' });
        return json(200, inspectText(body.content));
      }),
    );

    const enrich = (kind: 'observe' | 'deliberate'): LabHandler =>
      guarded((request) => {
        const body = request.json<unknown>();
        if (!validObservables(body)) return irohError(400, 'Body must be a non-empty JSON array of {type, value} observables');
        const intel = intelligence(world);
        const byModule = new Map<string, { sightings: unknown[]; judgements: unknown[]; verdicts: unknown[] }>();
        const bucket = (name: string) => {
          let entry = byModule.get(name);
          if (entry === undefined) byModule.set(name, (entry = { sightings: [], judgements: [], verdicts: [] }));
          return entry;
        };
        const now = context.clock.now();
        const validTime = { start_time: new Date(now.getTime() - 86_400_000).toISOString(), end_time: new Date(now.getTime() + 30 * 86_400_000).toISOString() };
        for (const observable of body) {
          const judgement = intel.get(keyOf(observable.type, observable.value));
          const judgementId = `transient:judgement-${stableUuid(world.seed, `judgement:${observable.type}:${observable.value}`)}`;
          if (judgement !== undefined) {
            const moduleName = judgement.module;
            const disposition = DISPOSITIONS[judgement.disposition];
            bucket(moduleName).judgements.push({
              type: 'judgement', id: judgementId, schema_version: SCHEMA_VERSION, observable: { type: observable.type, value: observable.value },
              disposition, disposition_name: judgement.disposition, priority: 90, severity: judgement.severity, confidence: 'High',
              source: judgement.source, reason: judgement.reason, tlp: 'amber', valid_time: validTime,
            });
            bucket(moduleName).verdicts.push({
              type: 'verdict', observable: { type: observable.type, value: observable.value }, disposition, disposition_name: judgement.disposition,
              judgement_id: judgementId, valid_time: validTime,
            });
          } else if (kind === 'deliberate') {
            bucket('Private Intelligence').verdicts.push({
              type: 'verdict', observable: { type: observable.type, value: observable.value }, disposition: DISPOSITIONS.Unknown, disposition_name: 'Unknown', valid_time: validTime,
            });
          }
          if (kind === 'observe') {
            for (const event of world.events) {
              if (event.products.includes('xdr') && eventMatches(context, event, observable)) bucket(sourceOf(event)).sightings.push(sightingJson(request, context, event));
            }
          }
        }
        const data = [...byModule.entries()].map(([name, entry]) => {
          const bundle = (docs: unknown[]) => (docs.length === 0 ? {} : { count: docs.length, docs });
          const content = kind === 'deliberate'
            ? { ...(entry.verdicts.length === 0 ? {} : { verdicts: bundle(entry.verdicts) }), ...(entry.judgements.length === 0 ? {} : { judgements: bundle(entry.judgements) }) }
            : { ...(entry.sightings.length === 0 ? {} : { sightings: bundle(entry.sightings) }), ...(entry.judgements.length === 0 ? {} : { judgements: bundle(entry.judgements) }) };
          return { ...moduleOf(world, name), data: content };
        });
        return json(200, { data, errors: [] });
      });
    router.post('/iroh/iroh-enrich/observe/observables', enrich('observe'));
    router.post('/iroh/iroh-enrich/deliberate/observables', enrich('deliberate'));

    router.post(
      '/iroh/iroh-response/respond/observables',
      guarded((request) => {
        const body = request.json<unknown>();
        if (!validObservables(body)) return irohError(400, 'Body must be a non-empty JSON array of {type, value} observables');
        const data = body.flatMap((observable) =>
          actionsFor(context, observable).map((offer) => {
            const module = moduleOf(world, offer.module);
            const query = new URLSearchParams({ observable_type: observable.type, observable_value: observable.value });
            return {
              id: offer.id, title: offer.title, description: offer.description, categories: offer.categories, ...module,
              url: `/iroh/iroh-response/respond/trigger/${module.module_instance_id}/${offer.id}?${query.toString()}`,
            };
          }),
        );
        return json(200, { data, errors: [] });
      }),
    );

    router.post(
      '/iroh/iroh-response/respond/trigger/:moduleInstanceId/:actionId',
      guarded((request) => {
        const type = request.query.get('observable_type');
        const value = request.query.get('observable_value');
        if (type === null || type === '' || value === null || value === '') return irohError(400, 'observable_type and observable_value are required query parameters');
        const observable = { type, value };
        const offer = actionsFor(context, observable).find(
          (candidate) => candidate.id === request.params.actionId && moduleOf(world, candidate.module).module_instance_id === request.params.moduleInstanceId,
        );
        const failure = offer === undefined ? `action ${request.params.actionId} is not available for ${type} ${value}` : perform(context, offer, observable);
        if (failure !== undefined) {
          const module = offer === undefined ? { module: 'unknown', module_instance_id: request.params.moduleInstanceId } : moduleOf(world, offer.module);
          return json(200, { data: { status: 'failure' }, errors: [{ ...module, code: 'action-failed', message: failure, type: 'error' }] });
        }
        state(context).triggered.push({ time: context.clock.now().toISOString(), moduleInstanceId: request.params.moduleInstanceId!, actionId: request.params.actionId!, observable });
        return json(200, { data: { status: 'success' }, errors: [] });
      }),
    );

    // ---- CTIA private intelligence: incidents and sightings, on the CTIA host (`/ctia/...`) and
    // as the IROH host proxies them (`/iroh/private-intel/...`, §1.1).
    const ctia = {
      get: (path: string, handler: LabHandler) => router.get(`/ctia${path}`, handler).get(`/iroh/private-intel${path}`, handler),
      post: (path: string, handler: LabHandler) => router.post(`/ctia${path}`, handler).post(`/iroh/private-intel${path}`, handler),
    };
    const searchIncidents = (request: LabRequest): LabIncident[] | LabResponse => {
      const window = timeWindow(request);
      if (typeof window === 'string') return json(400, { errors: { from: window } });
      const status = request.query.get('status');
      const query = (request.query.get('query') ?? '*').trim();
      const terms = query === '*' || query === '' ? [] : query.split(/\s+(?:AND\s+)?/i).map((term) => term.replace(/^[\w.]+:/, '').replace(/["*]/g, '').toLowerCase()).filter(Boolean);
      const descending = (request.query.get('sort_order') ?? 'desc') !== 'asc';
      return world.incidents
        .filter((incident) => window.from === undefined || incident.createdAt.getTime() >= window.from)
        .filter((incident) => window.to === undefined || incident.createdAt.getTime() < window.to)
        .filter((incident) => status === null || (state(context).incidentStatus.get(incident.uid) ?? incident.status) === status)
        .filter((incident) => {
          const text = [incident.id, incident.uid, incident.title, incident.description, incident.severity, ...incident.hosts, ...incident.observables.map((observable) => observable.value)].join(' ').toLowerCase();
          return terms.every((term) => text.includes(term));
        })
        .sort((a, b) => (a.createdAt.getTime() - b.createdAt.getTime()) * (descending ? -1 : 1));
    };

    ctia.get(
      '/incident/search',
      guarded((request) => {
        const incidents = searchIncidents(request);
        if (!Array.isArray(incidents)) return incidents;
        return ctiaPage(request, incidents, (incident) => incident.createdAt.getTime(), (incident) => incidentJson(request, context, incident));
      }),
    );
    ctia.get(
      '/incident/search/count',
      guarded((request) => {
        const incidents = searchIncidents(request);
        return Array.isArray(incidents) ? json(200, incidents.length) : incidents;
      }),
    );
    ctia.get(
      '/incident/external_id/:externalId',
      guarded((request) => json(200, world.incidents.filter((incident) => incident.id === request.params.externalId).map((incident) => incidentJson(request, context, incident)))),
    );
    ctia.get(
      '/incident/:id',
      guarded((request) => {
        const incident = findIncident(context, request.params.id!);
        return incident === undefined ? json(404, { error: 'Not Found', message: `incident ${request.params.id} not found` }) : json(200, incidentJson(request, context, incident));
      }),
    );
    ctia.post(
      '/incident/:id/status',
      guarded((request) => {
        const incident = findIncident(context, request.params.id!);
        if (incident === undefined) return json(404, { error: 'Not Found', message: `incident ${request.params.id} not found` });
        const status = request.json<{ status?: unknown }>()?.status;
        if (typeof status !== 'string' || !INCIDENT_STATUSES.has(status)) return json(400, { errors: { status: '(not (valid-incident-status? status))' } });
        state(context).incidentStatus.set(incident.uid, status);
        return json(200, incidentJson(request, context, incident));
      }),
    );
    ctia.get(
      '/:type/:value/sightings',
      guarded((request) => {
        const window = timeWindow(request);
        if (typeof window === 'string') return json(400, { errors: { from: window } });
        const observable = { type: request.params.type!, value: request.params.value! };
        const events = world.events
          .filter((event) => event.products.includes('xdr') && eventMatches(context, event, observable))
          .filter((event) => window.from === undefined || event.time.getTime() >= window.from)
          .filter((event) => window.to === undefined || event.time.getTime() < window.to);
        return ctiaPage(request, events, (event) => event.time.getTime(), (event) => sightingJson(request, context, event));
      }),
    );

    // ---- Conure v2 (incident search) [U shape]: CTIM incidents, paging like CTIA.
    router.get(
      '/v2/incident/search',
      guarded((request) => {
        const incidents = searchIncidents(request);
        if (!Array.isArray(incidents)) return json(400, { message: 'Bad Request' });
        return ctiaPage(request, incidents, (incident) => incident.createdAt.getTime(), (incident) => incidentJson(request, context, incident));
      }),
    );
    router.get(
      '/v2/incident/:id',
      guarded((request) => {
        const incident = findIncident(context, request.params.id!) ?? world.incidents.find((candidate) => candidate.id === request.params.id);
        return incident === undefined ? json(404, { message: 'Not Found' }) : json(200, incidentJson(request, context, incident));
      }),
    );
  },
};
