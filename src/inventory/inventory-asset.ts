import type { AssetSource } from '../connectors/model/index.js';

/** What one source said about a merged asset. */
export interface AssetSourceView {
  sourceId: string;
  hostname: string;
  lastSeen?: string;
  agentVersion?: string;
  isolation?: 'isolated' | 'not_isolated' | 'pending' | 'unknown';
  tags?: string[];
  /**
   * Other records of this source merged into the same asset (a re-imaged host registered twice,
   * a stale duplicate): their source ids, sorted. The view above is the most recently seen one.
   */
  duplicateIds?: string[];
}

/**
 * One asset of the inventory: the records of every source that saw it, merged (rules in
 * `merge-assets.ts` and this folder's README). Values from products are untrusted data.
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
  /**
   * Hash of the compared fields (see `inventory-diff.ts`) as stored by the scan: two snapshots'
   * assets with equal fingerprints are unchanged, so a diff need not parse them. Not compared itself.
   */
  fingerprint?: string;
}
