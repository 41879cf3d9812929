import type { InventoryAsset } from './inventory-asset.js';

export interface AssetQuery {
  /** Only assets with this tag (compared lower-case). */
  tag?: string;
  /**
   * Free text: every whitespace-separated term must occur (case-insensitive) in one of the
   * asset's key, host name, FQDN, IPs, MACs, serial, cloud id, OS, users, tags or source ids.
   */
  text?: string;
}

/** The assets matching a query, in the order given. */
export function searchAssets(assets: readonly InventoryAsset[], query: AssetQuery): InventoryAsset[] {
  const tag = query.tag?.trim().toLowerCase();
  const terms = (query.text ?? '').toLowerCase().split(/\s+/).filter((term) => term !== '');
  return assets.filter((asset) => {
    if (tag !== undefined && tag !== '' && !asset.tags.includes(tag)) return false;
    if (terms.length === 0) return true;
    const haystack = searchText(asset);
    return terms.every((term) => haystack.includes(term));
  });
}

function searchText(asset: InventoryAsset): string {
  const parts = [asset.key, asset.hostname, asset.fqdn, ...asset.ips, ...asset.macs, asset.serial, asset.cloudId, asset.os?.name, asset.os?.version, asset.os?.family, ...asset.users, ...asset.tags];
  for (const view of Object.values(asset.sources)) if (view !== undefined) parts.push(view.sourceId, ...(view.duplicateIds ?? []));
  return parts
    .filter((part): part is string => part !== undefined)
    .join('\n')
    .toLowerCase();
}
