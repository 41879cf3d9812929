/** Where an asset record came from (the inventory `--source` names). */
export type AssetSource = 'cisco-xdr' | 'secure-endpoint' | 'crowdstrike';

/**
 * One source's view of one device, normalised. The inventory merges records of the same device
 * across sources (hostname, MAC, serial, IP, cloud id).
 */
export interface AssetRecord {
  source: AssetSource;
  /** The source's own id (connector GUID, CrowdStrike device id, XDR device id). */
  sourceId: string;
  /** Short host name, lower case, no domain. */
  hostname: string;
  fqdn?: string;
  ips: string[];
  macs: string[];
  serial?: string;
  cloudId?: string;
  os?: { family?: 'windows' | 'macos' | 'linux' | 'other'; name?: string; version?: string };
  user?: string;
  /** ISO-8601. */
  lastSeen?: string;
  agentVersion?: string;
  /** Network isolation / containment as the source reports it. */
  isolation?: 'isolated' | 'not_isolated' | 'pending' | 'unknown';
  tags?: string[];
  /** The source record as received (untrusted data). */
  raw: unknown;
}

/** Lower-case short host name: `WS-042.corp.example.com` → `ws-042`. */
export function shortHostname(name: string): string {
  return name.trim().toLowerCase().split('.')[0] ?? '';
}
