import { isIP } from 'node:net';
import type { SecurityEvent } from '../../connectors/model/index.js';

/**
 * Comparable forms of entity values. Products spell the same user as `jdoe`,
 * `jdoe@corp.example.com` or `CORP\jdoe`; hosts are already short lower-case (entitiesOf).
 */
export function userKey(user: string): string {
  const lower = user.trim().toLowerCase();
  const withoutDomain = lower.includes('\\') ? lower.slice(lower.lastIndexOf('\\') + 1) : lower;
  return withoutDomain.split('@')[0]!;
}

/** RFC 1918, loopback, link-local, CGNAT and IPv6 unique-local/link-local addresses: they name assets, not indicators. */
export function isInternalIp(ip: string): boolean {
  const version = isIP(ip);
  if (version === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (version === 6) {
    const lower = ip.toLowerCase();
    return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
  }
  return false;
}

/** The product that produced the record: a Splunk row of Secure Firewall data is a Secure Firewall report. */
export function reporterOf(event: SecurityEvent): string {
  const origin = event.fields['origin'];
  return typeof origin === 'string' && origin !== '' ? origin : event.source;
}

export function timeOf(event: { time: string }): number {
  const parsed = Date.parse(event.time);
  return Number.isNaN(parsed) ? 0 : parsed;
}
