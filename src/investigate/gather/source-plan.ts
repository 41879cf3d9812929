import { hashType, publicIps, type IncidentObservables } from './incident-observables.js';
import { sentinelSecurityEventQuery, sentinelSigninQuery, splunkEmailQuery, splunkFirewallQuery, splunkLogonQuery } from './source-queries.js';

/** One read the gather makes: events to put on the timeline, or enrichment of an observable. */
export interface PlannedCall {
  tool: string;
  input: Record<string, unknown>;
  /** `events`: the output's `events` are timeline material; `enrichment`: verdicts and asset records. */
  purpose: 'events' | 'enrichment';
  /** Short human label, e.g. `hostname workstation-042`. */
  subject: string;
}

export interface PlanLimits {
  /** Most events per XDR observable. Default 1000. */
  xdrEvents: number;
  /** Most events per Secure Endpoint read. Default 1000. */
  endpointEvents: number;
  /** Most alerts per CrowdStrike host. Default 500. */
  alerts: number;
  /** Most rows per Splunk search. Default 5000. */
  splunkRows: number;
  /** Most rows per Sentinel query. Default 5000. */
  sentinelRows: number;
  /** Most DNS rows per Umbrella domain. Default 5000. */
  dnsRows: number;
}

export const DEFAULT_PLAN_LIMITS: PlanLimits = { xdrEvents: 1000, endpointEvents: 1000, alerts: 500, splunkRows: 5000, sentinelRows: 5000, dnsRows: 5000 };

/** XDR caps observables per enrichment request at 50. */
const XDR_ENRICH_MAX = 50;

/**
 * Every read for an incident, independent of each other so they can all run at once: XDR
 * sightings per observable; Secure Endpoint events per host and per hash; CrowdStrike alerts per
 * host; Splunk logons, firewall flows and mail; Sentinel sign-ins and Windows logons; Umbrella DNS
 * per domain; and enrichment (XDR verdicts, Umbrella Investigate, asset records per host).
 */
export function planSourceCalls(observables: IncidentObservables, windowHours: number, limits: PlanLimits = DEFAULT_PLAN_LIMITS): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const events = (tool: string, subject: string, input: Record<string, unknown>) => calls.push({ tool, input, purpose: 'events', subject });
  const enrich = (tool: string, subject: string, input: Record<string, unknown>) => calls.push({ tool, input, purpose: 'enrichment', subject });

  const xdrObservables: Array<{ type: string; value: string }> = [
    ...observables.ips.map((value) => ({ type: value.includes(':') ? 'ipv6' : 'ip', value })),
    ...observables.domains.map((value) => ({ type: 'domain', value })),
    ...observables.hashes.flatMap((value) => {
      const type = hashType(value);
      return type === undefined ? [] : [{ type, value }];
    }),
    ...observables.urls.map((value) => ({ type: 'url', value })),
    ...observables.hosts.map((value) => ({ type: 'hostname', value })),
    ...observables.users.map((value) => ({ type: 'user', value })),
    ...observables.emails.map((value) => ({ type: 'email', value })),
  ];
  for (const observable of xdrObservables) {
    events('cisco_xdr.get_events', `${observable.type} ${observable.value}`, {
      observable_type: observable.type, observable_value: observable.value, since_hours: windowHours, limit: limits.xdrEvents,
    });
  }
  const endpointHours = Math.min(windowHours, 2160);
  for (const host of observables.hosts) {
    events('secure_endpoint.list_events', `hostname ${host}`, { hostname: host, since_hours: endpointHours, limit: limits.endpointEvents });
    events('crowdstrike.list_alerts', `hostname ${host}`, { hostname: host, since: `${windowHours}h`, limit: limits.alerts });
  }
  for (const hash of observables.hashes.filter((value) => hashType(value) === 'sha256')) {
    events('secure_endpoint.list_events', `sha256 ${hash}`, { sha256: hash, since_hours: endpointHours, limit: limits.endpointEvents });
  }
  const splunk = (subject: string, query: string | undefined) => {
    if (query !== undefined) events('splunk.search', subject, { query, earliest: `-${windowHours}h`, latest: 'now', max_results: limits.splunkRows, mode: 'export' });
  };
  splunk('logons', splunkLogonQuery(observables));
  splunk('firewall', splunkFirewallQuery(observables));
  splunk('email', splunkEmailQuery(observables));
  const sentinel = (subject: string, query: string | undefined) => {
    if (query !== undefined) events('sentinel.query', subject, { query, timespan: `PT${windowHours}H`, max_rows: limits.sentinelRows });
  };
  sentinel('SigninLogs', sentinelSigninQuery(observables));
  sentinel('SecurityEvent', sentinelSecurityEventQuery(observables));
  for (const domain of observables.domains) {
    events('umbrella.activity', `domain ${domain}`, { domain, since_hours: Math.min(windowHours, 720), limit: limits.dnsRows });
  }

  const indicators = xdrObservables.filter((observable) => observable.type !== 'hostname' && observable.type !== 'user');
  for (let start = 0; start < indicators.length; start += XDR_ENRICH_MAX) {
    const batch = indicators.slice(start, start + XDR_ENRICH_MAX);
    enrich('cisco_xdr.enrich_observables', `${batch.length} observables`, { observables: batch });
  }
  for (const domain of observables.domains) enrich('umbrella.investigate_domain', `domain ${domain}`, { domain });
  for (const ip of publicIps(observables)) enrich('umbrella.investigate_ip', `ip ${ip}`, { ip });
  for (const host of observables.hosts) {
    enrich('secure_endpoint.get_computer', `hostname ${host}`, { hostname: host });
    enrich('crowdstrike.get_device', `hostname ${host}`, { device: host });
  }
  return calls;
}
