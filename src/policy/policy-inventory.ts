import type { InventoryAsset } from '../inventory/inventory-asset.js';

/** The merged assets of one stored inventory scan. */
export interface PolicySnapshot {
  id: string;
  /** ISO-8601. */
  takenAt: string;
  assets: readonly InventoryAsset[];
}

/**
 * What the policy service needs of the inventory (implemented over `InventoryService` in app/):
 * the newest snapshot, and a scan when there is none yet.
 */
export interface PolicyInventory {
  /** The newest stored snapshot with its assets; undefined before the first scan. */
  latest(): Promise<PolicySnapshot | undefined>;
  /** Scans every source as `requester`, stores a snapshot and returns it. */
  scan(requester: string): Promise<PolicySnapshot>;
}
