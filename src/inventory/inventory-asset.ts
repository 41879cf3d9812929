import type { AssetSource } from '../connectors/model/index.js';

/** What one source said about a merged asset. */
export interface AssetSourceView {
  sourceId: string;
  hostname: string;
  lastSeen?: string;
  agentVersion?: string;
  isolation?: 'isolated' | 'not_isolated' | 'pending' | 'unknown';
  tags?: string[];
}

/**
 * One asset of the inventory: the records of every source that saw it, merged (rules in
 * `merge-assets.ts`). Values from products are untrusted data.
 */
export interface InventoryAsset {
  /** Stable across scans: `asset:<hostname>` for the first host name the asset was known by, see merge rules. */
  key: string;
  /** Short, lower-case host name. */
  hostname: string;
  fqdn?: string;
  ips: string[];
  macs: string[];
  serial?: string;
  cloudId?: string;
  os?: { family?: 'windows' | 'macos' | 'linux' | 'other'; name?: string; version?: string };
  users: string[];
  /** Latest lastSeen of any source, ISO-8601. */
  lastSeen?: string;
  /** Isolated if any source says so. */
  isolation?: 'isolated' | 'not_isolated' | 'pending' | 'unknown';
  /** Source (`secure-endpoint`, `crowdstrike`, `cisco-xdr`) → its view. */
  sources: Partial<Record<AssetSource, AssetSourceView>>;
  /** Tags from the sources, tag rules and by hand, sorted. */
  tags: string[];
}
