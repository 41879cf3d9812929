import { isQuerySafe, publicIps, type IncidentObservables } from './incident-observables.js';

/*
 * SPL and KQL for the per-source reads. Every value is checked with isQuerySafe before it is
 * quoted, so a hostile observable (a quote, a pipe) is dropped rather than allowed to rewrite the
 * query. Each builder returns undefined when nothing is left to search for.
 */

const quoted = (value: string) => `"${value}"`;
const safe = (values: readonly string[]) => values.filter(isQuerySafe);

/** Windows logons and share access (wineventlog) to, from or by the incident's hosts, users and IPs. */
export function splunkLogonQuery(observables: IncidentObservables): string | undefined {
  const terms = [
    ...safe(observables.hosts).flatMap((host) => [`dest=${quoted(host)}`, `ComputerName=${quoted(`${host}.*`)}`, `Workstation_Name=${quoted(host)}`]),
    ...safe(observables.users).map((user) => `Account_Name=${quoted(user)}`),
    ...safe(observables.ips).flatMap((ip) => [`src_ip=${quoted(ip)}`, `Source_Address=${quoted(ip)}`]),
  ];
  return terms.length === 0 ? undefined : `search index=wineventlog (${terms.join(' OR ')})`;
}

/** Firewall connections (Secure Firewall data in Splunk) to or from the incident's IPs. */
export function splunkFirewallQuery(observables: IncidentObservables): string | undefined {
  const terms = safe(observables.ips).flatMap((ip) => [`src_ip=${quoted(ip)}`, `dest_ip=${quoted(ip)}`]);
  return terms.length === 0 ? undefined : `search index=firewall (${terms.join(' OR ')})`;
}

/** Mail to the incident's users, from its senders, or carrying its hashes. */
export function splunkEmailQuery(observables: IncidentObservables): string | undefined {
  const terms = [
    ...safe(observables.users).map((user) => `recipient=${quoted(user.includes('@') ? user : `${user}@*`)}`),
    ...safe(observables.emails).map((email) => `src_user=${quoted(email)}`),
    ...safe(observables.hashes).map((hash) => `file_hash=${quoted(hash)}`),
  ];
  return terms.length === 0 ? undefined : `search index=email (${terms.join(' OR ')})`;
}

/** Entra ID sign-ins from the incident's public IPs or by its users. */
export function sentinelSigninQuery(observables: IncidentObservables): string | undefined {
  const ips = safe(publicIps(observables));
  const users = safe(observables.users);
  const terms = [
    ...(ips.length === 0 ? [] : [`IPAddress in (${ips.map(quoted).join(', ')})`]),
    ...users.map((user) => (user.includes('@') ? `UserPrincipalName =~ ${quoted(user)}` : `UserPrincipalName startswith ${quoted(`${user}@`)}`)),
  ];
  return terms.length === 0 ? undefined : `SigninLogs | where ${terms.join(' or ')}`;
}

/** Windows logons (SecurityEvent) on or from the incident's hosts, by its users, or from its IPs. */
export function sentinelSecurityEventQuery(observables: IncidentObservables): string | undefined {
  const ips = safe(observables.ips);
  const terms = [
    ...safe(observables.hosts).flatMap((host) => [`Computer =~ ${quoted(host)}`, `Computer startswith ${quoted(`${host}.`)}`, `WorkstationName =~ ${quoted(host)}`]),
    ...safe(observables.users).map((user) => `TargetUserName =~ ${quoted(user.split('@')[0]!)}`),
    ...(ips.length === 0 ? [] : [`IpAddress in (${ips.map(quoted).join(', ')})`]),
  ];
  return terms.length === 0 ? undefined : `SecurityEvent | where ${terms.join(' or ')}`;
}
