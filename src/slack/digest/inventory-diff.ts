import { assetFieldRecord, type InventoryDiffResult } from '../../inventory/index.js';

/** One asset as the digest shows it: field name → value (see COMPARED_FIELDS in src/inventory). */
export type AssetFields = Record<string, string>;

export interface FieldChange {
  field: string;
  /** null: the field was absent before (e.g. the host newly appeared in a second source). */
  before: string | null;
  after: string | null;
}

/** What a digest reports: the inventory diff reduced to host names and text fields. */
export interface InventoryDiff {
  added: Array<{ hostname: string; fields: AssetFields }>;
  removed: Array<{ hostname: string; fields: AssetFields }>;
  changed: Array<{ hostname: string; changes: FieldChange[] }>;
  /** Assets before and after. */
  totals: { before: number; after: number };
}

/** The digest's view of a diff between two snapshots (already sorted by host name). */
export function digestDiff(result: InventoryDiffResult): InventoryDiff {
  return {
    added: result.added.map((asset) => ({ hostname: asset.hostname, fields: assetFieldRecord(asset) })),
    removed: result.removed.map((asset) => ({ hostname: asset.hostname, fields: assetFieldRecord(asset) })),
    changed: result.changed.map((entry) => ({ hostname: entry.hostname, changes: entry.changes })),
    totals: result.totals,
  };
}

export function isEmptyDiff(diff: InventoryDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
