import { userKey } from '../../investigate/timeline/index.js';
import { READ_LIMITS, type EventSourceName, type SourceRead } from '../events/event-sources.js';
import { kqlQuote, splQuote } from '../pushdown/dialect.js';
import type { Indicator } from './ioc.js';

/**
 * The reads that find an indicator in each source over the last `windowSeconds`: by the
 * product's own filter where it has one (XDR observables, Umbrella domain/IP, Splunk and
 * Sentinel queries, Secure Endpoint hash/host, CrowdStrike host/hash), otherwise every record of
 * the window, kept only when it names the indicator (`mentionsIndicator`). Values are checked
 * by `parseIndicator` and quoted for SPL and KQL.
 */
export function planPivotReads(indicator: Indicator, sources: readonly EventSourceName[], windowSeconds: number): SourceRead[] {
  const { type, value } = indicator;
  const hours = windowSeconds / 3600;
  const reads: SourceRead[] = [];
  const add = (source: EventSourceName, tool: SourceRead['tool'], input: Record<string, unknown>, subject: string, limit: number) => {
    if (sources.includes(source)) reads.push({ source, tool, input, subject, limit });
  };
  const observableType = type === 'host' ? 'hostname' : type === 'ip' && value.includes(':') ? 'ipv6' : type;
  add('cisco-xdr', 'cisco_xdr.get_events', { observable_type: observableType, observable_value: value, since_hours: hours, limit: READ_LIMITS.sightings }, `${observableType} ${value}`, READ_LIMITS.sightings);

  const endpointInput: Record<string, unknown> = { since_hours: Math.min(hours, 2160), limit: READ_LIMITS.endpointEvents };
  if (type === 'sha256') endpointInput.sha256 = value;
  if (type === 'host') endpointInput.hostname = value;
  add('secure-endpoint', 'secure_endpoint.list_events', endpointInput, type === 'sha256' || type === 'host' ? `${type} ${value}` : 'events of the window', READ_LIMITS.endpointEvents);

  const alertsInput: Record<string, unknown> = { since: `${windowSeconds}s`, limit: READ_LIMITS.alerts };
  if (type === 'host') alertsInput.hostname = value;
  if (type === 'sha256') alertsInput.filter = `sha256:'${value}'`;
  add('crowdstrike', 'crowdstrike.list_alerts', alertsInput, type === 'sha256' || type === 'host' ? `${type} ${value}` : 'alerts of the window', READ_LIMITS.alerts);

  const spl = splunkPivotQuery(indicator);
  const splunkSource: EventSourceName | undefined = sources.includes('splunk') ? 'splunk' : sources.includes('secure-firewall') ? 'secure-firewall' : undefined;
  if (splunkSource !== undefined) {
    const query = splunkSource === 'splunk' ? spl : `${spl} sourcetype="cisco:ftd*"`;
    reads.push({ source: splunkSource, tool: 'splunk.search', input: { query, earliest: `-${windowSeconds}s`, latest: 'now', max_results: READ_LIMITS.siemRows, mode: 'export' }, subject: `${type} ${value}`, limit: READ_LIMITS.siemRows });
  }
  for (const [table, query] of sentinelPivotQueries(indicator)) {
    add('sentinel', 'sentinel.query', { query, timespan: `${windowSeconds}s`, max_rows: READ_LIMITS.siemRows }, `${table} ${type} ${value}`, READ_LIMITS.siemRows);
  }
  if (type !== 'sha256') {
    const dnsInput: Record<string, unknown> = { since_hours: Math.min(hours, 720), limit: READ_LIMITS.dnsRows };
    if (type === 'domain') dnsInput.domain = value;
    if (type === 'ip') dnsInput.ip = value;
    add('umbrella', 'umbrella.activity', dnsInput, type === 'domain' || type === 'ip' ? `${type} ${value}` : 'DNS activity of the window', READ_LIMITS.dnsRows);
  }
  return reads;
}

/** SPL finding the indicator in the fields the Splunk connector reads, or anywhere in `_raw`. */
export function splunkPivotQuery(indicator: Indicator): string {
  const { type, value } = indicator;
  const q = splQuote;
  switch (type) {
    case 'ip':
      return `search (src_ip=${q(value)} OR dest_ip=${q(value)} OR Source_Address=${q(value)} OR ${q(value)})`;
    case 'domain':
      return `search (url=${q(`*${value}*`)} OR src_user=${q(`*@${value}`)} OR ${q(value)})`;
    case 'sha256':
      return `search (file_hash=${q(value)} OR ${q(value)})`;
    case 'user': {
      const key = userKey(value);
      return `search (user=${q(key)} OR Account_Name=${q(key)} OR src_user=${q(value)} OR recipient=${q(value.includes('@') ? value : `${key}@*`)})`;
    }
    case 'host':
      return `search (dest=${q(value)} OR ComputerName=${q(value)} OR ComputerName=${q(`${value}.*`)} OR Workstation_Name=${q(value)} OR src_host=${q(value)})`;
  }
}

/** KQL per Sentinel table that can hold the indicator (none for domains and hashes). */
export function sentinelPivotQueries(indicator: Indicator): Array<[table: string, query: string]> {
  const { type, value } = indicator;
  const q = kqlQuote;
  switch (type) {
    case 'ip':
      return [
        ['SigninLogs', `SigninLogs | where IPAddress == ${q(value)}`],
        ['SecurityEvent', `SecurityEvent | where IpAddress == ${q(value)}`],
      ];
    case 'user': {
      const key = userKey(value);
      return [
        ['SigninLogs', `SigninLogs | where UserPrincipalName =~ ${q(value)} or UserPrincipalName startswith ${q(`${key}@`)}`],
        ['SecurityEvent', `SecurityEvent | where TargetUserName =~ ${q(key)} or Account endswith ${q(`\\${key}`)}`],
      ];
    }
    case 'host':
      return [['SecurityEvent', `SecurityEvent | where Computer =~ ${q(value)} or Computer startswith ${q(`${value}.`)} or WorkstationName =~ ${q(value)}`]];
    default:
      return [];
  }
}
