import { isIP } from 'node:net';

/** Host names that name no machine. */
const PLACEHOLDER_HOSTNAMES = new Set(['', 'localhost', 'unknown', '(none)', 'none', 'n/a', 'null']);

/**
 * Serial numbers firmware ships unset: they say nothing about which machine this is. Compared
 * after upper-casing and trimming.
 */
const PLACEHOLDER_SERIALS = new Set([
  '',
  'NONE',
  'N/A',
  'NA',
  'NULL',
  'UNKNOWN',
  'INVALID',
  'DEFAULT STRING',
  'TO BE FILLED BY O.E.M.',
  'SYSTEM SERIAL NUMBER',
  'CHASSIS SERIAL NUMBER',
  'NOT SPECIFIED',
  'NOT APPLICABLE',
  '0123456789',
  '123456789',
  '1234567890',
  'XXXXXXXXXX',
]);

/** `WS-042.corp.example.com ` → `ws-042`; undefined for placeholders. */
export function normaliseHostname(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const short = name.trim().toLowerCase().split('.')[0] ?? '';
  return PLACEHOLDER_HOSTNAMES.has(short) ? undefined : short;
}

export function normaliseSerial(serial: string | undefined): string | undefined {
  if (serial === undefined) return undefined;
  const value = serial.trim().toUpperCase();
  if (PLACEHOLDER_SERIALS.has(value) || /^0+$/.test(value)) return undefined;
  return value;
}

/** `00-1A-2B-3C-4D-5E`, `001a.2b3c.4d5e`, `001A2B3C4D5E` → `00:1a:2b:3c:4d:5e`; undefined when not a usable MAC. */
export function normaliseMac(mac: string): string | undefined {
  const hex = mac.trim().toLowerCase().replace(/[:.\-\s]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex) || hex === '000000000000' || hex === 'ffffffffffff') return undefined;
  return hex.match(/../g)!.join(':');
}

/** An IP address worth recording (not loopback, unspecified or IPv4 link-local); IPv6 lower-cased. */
export function normaliseIp(ip: string): string | undefined {
  const value = ip.trim().toLowerCase();
  const family = isIP(value);
  if (family === 0) return undefined;
  if (family === 4 && (value.startsWith('127.') || value === '0.0.0.0' || value.startsWith('169.254.'))) return undefined;
  if (family === 6 && (value === '::1' || value === '::')) return undefined;
  return value;
}

export function normaliseCloudId(cloudId: string | undefined): string | undefined {
  const value = cloudId?.trim().toLowerCase();
  return value === undefined || value === '' ? undefined : value;
}

/** Tags compare lower-case, trimmed; empty tags are dropped. */
export function normaliseTag(tag: string): string | undefined {
  const value = tag.trim().toLowerCase();
  return value === '' ? undefined : value;
}
