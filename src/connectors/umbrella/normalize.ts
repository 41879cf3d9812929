import { createHash } from 'node:crypto';
import { EVENT_CLASS_UID, entitiesOf, type SecurityEvent, type Severity } from '../model/index.js';
import type { ActivityRow } from './schemas.js';

const SOURCE = 'umbrella';

/** Identity types that name a device (so their label is a host name). */
const DEVICE_IDENTITY_TYPES = new Set(['roaming', 'anyconnect', 'internal_network_device', 'device', 'network_device']);

/**
 * Umbrella DNS activity row → DNS activity (OCSF 4003). Rows carry no id, so the id hashes
 * time, domain, internal IP and identity. A security category or a threat makes it high severity.
 */
export function normalizeDnsActivity(row: ActivityRow): SecurityEvent {
  const securityCategories = row.categories.filter((category) => category.type === 'security').map((category) => category.label ?? '');
  const devices = row.identities.filter((identity) => DEVICE_IDENTITY_TYPES.has(identity.type?.type ?? ''));
  const users = row.identities.filter((identity) => (identity.type?.type ?? '') === 'directory_user');
  const host = devices[0]?.label;
  const user = users[0]?.label;
  const severity: Severity = row.threats.length > 0 || securityCategories.length > 0 ? 'high' : row.verdict === 'blocked' ? 'low' : 'info';
  const domain = row.domain?.replace(/\.$/, '');
  const digest = createHash('sha256')
    .update([row.timestamp, domain ?? '', row.internalip ?? '', row.identities.map((identity) => identity.id ?? identity.label).join(',')].join('|'))
    .digest('hex')
    .slice(0, 24);
  return {
    id: `${SOURCE}:${digest}`,
    time: new Date(row.timestamp).toISOString(),
    class: 'dns_activity',
    classUid: EVENT_CLASS_UID.dns_activity,
    severity,
    source: SOURCE,
    title: `DNS ${row.querytype ?? 'query'} ${domain ?? ''} ${row.verdict ?? ''}`.replace(/\s+/g, ' ').trim(),
    entities: entitiesOf({
      hosts: [host],
      users: [user],
      ips: [row.internalip, row.externalip],
      domains: [domain],
    }),
    fields: {
      domain: domain ?? null,
      src_ip: row.internalip ?? null,
      external_ip: row.externalip ?? null,
      host: host === undefined ? null : host.toLowerCase().split('.')[0]!,
      user: user ?? null,
      outcome: row.verdict ?? null,
      // OCSF action_id: 1 Allowed, 2 Denied.
      action_id: row.verdict === 'blocked' ? 2 : row.verdict === 'allowed' ? 1 : null,
      query_type: row.querytype ?? null,
      rcode: row.returncode ?? null,
      categories: row.categories.map((category) => category.label).filter(Boolean).join(',') || null,
      security_categories: securityCategories.join(',') || null,
      threat: row.threats.map((threat) => threat.label).filter(Boolean).join(',') || null,
    },
    raw: row,
  };
}
