import type { SecurityEvent } from '../../connectors/model/index.js';
import { isInternalIp } from '../timeline/index.js';

/** The observables of an incident, by kind, as the per-source reads use them. */
export interface IncidentObservables {
  hosts: string[];
  users: string[];
  /** Every IP the incident names. */
  ips: string[];
  domains: string[];
  hashes: string[];
  urls: string[];
  emails: string[];
}

/**
 * Values interpolated into SPL and KQL must not be able to change the query: incident
 * observables are product data (untrusted), so anything outside this set is left out of
 * queries (it is still used where the tool takes it as a typed argument).
 */
const QUERY_SAFE = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}$/;

export function isQuerySafe(value: string): boolean {
  return QUERY_SAFE.test(value);
}

/** The incident's observables (normalised XDR incident: entities plus the reporter email in `fields.email`). */
export function incidentObservables(incident: SecurityEvent): IncidentObservables {
  const email = incident.fields['email'];
  return {
    hosts: [...incident.entities.hosts],
    users: [...incident.entities.users],
    ips: [...incident.entities.ips],
    domains: [...incident.entities.domains],
    hashes: [...incident.entities.hashes],
    urls: [...incident.entities.urls],
    emails: typeof email === 'string' && email !== '' ? [email.toLowerCase()] : [],
  };
}

export function publicIps(observables: IncidentObservables): string[] {
  return observables.ips.filter((ip) => !isInternalIp(ip));
}

/** CTIM observable type of a hash by its length. */
export function hashType(hash: string): 'sha256' | 'sha1' | 'md5' | undefined {
  if (/^[0-9a-f]{64}$/i.test(hash)) return 'sha256';
  if (/^[0-9a-f]{40}$/i.test(hash)) return 'sha1';
  if (/^[0-9a-f]{32}$/i.test(hash)) return 'md5';
  return undefined;
}
