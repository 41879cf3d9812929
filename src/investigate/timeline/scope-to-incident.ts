import { SEVERITY_ID, type SecurityEvent, type Severity } from '../../connectors/model/index.js';
import { isInternalIp, timeOf, userKey } from './entity-keys.js';

/** What an enrichment source concluded about one observable, in words common to every source. */
export type Verdict = 'malicious' | 'suspicious' | 'clean' | 'unknown';

/** The incident's observables and the time it may span. */
export interface IncidentSeed {
  hosts?: readonly string[];
  /** Public IPs are indicators; internal ones name assets (see `scopeToIncident`). */
  ips?: readonly string[];
  domains?: readonly string[];
  hashes?: readonly string[];
  users?: readonly string[];
  urls?: readonly string[];
  /** ISO-8601 or Date bounds, inclusive. */
  window: { from: string | Date; to: string | Date };
  /** Addresses of hosts (host → IPs) from asset records: an internal IP counts as its host. */
  hostAddresses?: Readonly<Record<string, readonly string[]>>;
}

export interface ScopeOptions {
  /** Rounds of expansion through newly found indicators and hosts. Default 3. */
  maxHops?: number;
  /** Lowest severity that makes an event on an incident host or of an incident user notable. Default medium. */
  notableSeverity?: Severity;
  /** Verdicts by observable value (lower-case): found IPs become links only when malicious or suspicious; found domains, hashes and URLs unless clean. */
  verdicts?: ReadonlyMap<string, Verdict>;
}

/** Why an event was kept: the first rule it met, with the entity that linked it. */
export interface ScopeReason {
  eventId: string;
  hop: number;
  rule: 'indicator' | 'notable_on_asset' | 'links_two_hosts';
  via: string[];
}

export interface ScopedEvents {
  events: SecurityEvent[];
  reasons: ScopeReason[];
  /** What the incident came to cover: seed plus everything found by expansion. */
  indicators: string[];
  hosts: string[];
  users: string[];
}

/**
 * The events that belong to the incident. Entities are weighed, not just matched:
 *
 * - **Indicators** (strong): hashes, domains, URLs and *public* IPs of the seed. Any event in the
 *   window naming one belongs (`indicator`).
 * - **Assets** (weak): hosts, users and internal IPs (an internal IP counts as the host that has it,
 *   per `hostAddresses` or an endpoint product's own report). Hosts and users do plenty of benign
 *   things — the victim logs on to file servers, other staff log on to the breached server — so
 *   an asset alone does not pull an event in. It belongs when it is notable (severity at least
 *   `notableSeverity`) and names an incident host or user (`notable_on_asset`), or when it links two
 *   distinct incident hosts, e.g. a logon from the compromised workstation to the target server
 *   (`links_two_hosts`).
 *
 * Expansion, at most `maxHops` rounds: events kept add their hashes, domains and URLs (unless a
 * verdict says clean), their public IPs (only when a verdict says malicious or suspicious — NAT
 * egress and CDN addresses are shared by everyone), and their hosts and users. Events outside the
 * window never belong.
 */
export function scopeToIncident(events: readonly SecurityEvent[], seed: IncidentSeed, options: ScopeOptions = {}): ScopedEvents {
  const maxHops = options.maxHops ?? 3;
  const notable = SEVERITY_ID[options.notableSeverity ?? 'medium'];
  const verdicts = options.verdicts ?? new Map<string, Verdict>();
  const fromMs = new Date(seed.window.from).getTime();
  const toMs = new Date(seed.window.to).getTime();

  const indicators = new Set<string>();
  const hosts = new Set<string>();
  const users = new Set<string>();
  const addressOwner = new Map<string, string>();
  const addIndicator = (value: string) => indicators.add(value.toLowerCase());
  for (const hash of seed.hashes ?? []) addIndicator(hash);
  for (const domain of seed.domains ?? []) addIndicator(domain.replace(/\.$/, ''));
  for (const url of seed.urls ?? []) addIndicator(url);
  for (const host of seed.hosts ?? []) hosts.add(shortHost(host));
  for (const user of seed.users ?? []) users.add(userKey(user));
  for (const [host, addresses] of Object.entries(seed.hostAddresses ?? {})) for (const address of addresses) if (isInternalIp(address)) addressOwner.set(address, shortHost(host));
  for (const ip of seed.ips ?? []) {
    if (!isInternalIp(ip)) addIndicator(ip);
  }

  const candidates = [...new Map(events.map((event) => [event.id, event])).values()].filter((event) => {
    const time = timeOf(event);
    return time >= fromMs && time <= toMs;
  });
  // Endpoint products report the host's own address: learn internal IP → host from them.
  for (const event of candidates) {
    const host = event.fields['host'];
    const address = event.fields['src_ip'];
    if ((event.source === 'secure-endpoint' || event.source === 'crowdstrike') && typeof host === 'string' && typeof address === 'string' && isInternalIp(address) && !addressOwner.has(address)) {
      addressOwner.set(address, shortHost(host));
    }
  }
  for (const host of seed.hosts ?? []) for (const ip of seed.ips ?? []) if (isInternalIp(ip) && addressOwner.get(ip) === undefined) addressOwner.set(ip, shortHost(host));

  const kept = new Map<string, ScopeReason>();
  for (let hop = 0; hop <= maxHops; hop += 1) {
    const added: SecurityEvent[] = [];
    for (const event of candidates) {
      if (kept.has(event.id)) continue;
      const reason = reasonFor(event);
      if (reason !== undefined) {
        kept.set(event.id, { eventId: event.id, hop, ...reason });
        added.push(event);
      }
    }
    if (added.length === 0 || hop === maxHops) break;
    for (const event of added) expand(event);
  }

  function reasonFor(event: SecurityEvent): Pick<ScopeReason, 'rule' | 'via'> | undefined {
    const { entities } = event;
    const matchedIndicators = [...entities.hashes, ...entities.domains, ...entities.urls, ...entities.ips.filter((ip) => !isInternalIp(ip))].filter((value) => indicators.has(value.toLowerCase()));
    if (matchedIndicators.length > 0) return { rule: 'indicator', via: [...new Set(matchedIndicators)] };
    const eventHosts = new Set([...entities.hosts, ...entities.ips.map((ip) => addressOwner.get(ip)).filter((host): host is string => host !== undefined)]);
    const incidentHosts = [...eventHosts].filter((host) => hosts.has(host));
    const incidentUsers = [...new Set(entities.users.map(userKey))].filter((user) => users.has(user));
    if (SEVERITY_ID[event.severity] >= notable && incidentHosts.length + incidentUsers.length > 0) return { rule: 'notable_on_asset', via: [...incidentHosts, ...incidentUsers] };
    if (incidentHosts.length >= 2) return { rule: 'links_two_hosts', via: incidentHosts };
    return undefined;
  }

  function expand(event: SecurityEvent): void {
    const { entities } = event;
    for (const value of [...entities.hashes, ...entities.domains, ...entities.urls]) {
      const verdict = verdicts.get(value.toLowerCase());
      if (verdict !== 'clean') addIndicator(value);
    }
    for (const ip of entities.ips) {
      if (isInternalIp(ip)) continue;
      const verdict = verdicts.get(ip.toLowerCase());
      if (verdict === 'malicious' || verdict === 'suspicious') addIndicator(ip);
    }
    for (const host of entities.hosts) hosts.add(host);
    for (const user of entities.users) users.add(userKey(user));
  }

  const keptEvents = candidates.filter((event) => kept.has(event.id)).sort((a, b) => timeOf(a) - timeOf(b) || a.id.localeCompare(b.id));
  return {
    events: keptEvents,
    reasons: keptEvents.map((event) => kept.get(event.id)!),
    indicators: [...indicators].sort(),
    hosts: [...hosts].sort(),
    users: [...users].sort(),
  };
}

function shortHost(host: string): string {
  return host.trim().toLowerCase().split('.')[0]!;
}
