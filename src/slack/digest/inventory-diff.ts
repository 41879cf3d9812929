import type { AssetFields } from './inventory-snapshot.js';

export interface FieldChange {
  field: string;
  /** null: the field was absent before (e.g. the host newly appeared in a second source). */
  before: string | null;
  after: string | null;
}

export interface InventoryDiff {
  added: Array<{ hostname: string; fields: AssetFields }>;
  removed: Array<{ hostname: string; fields: AssetFields }>;
  changed: Array<{ hostname: string; changes: FieldChange[] }>;
  /** Assets before and after. */
  totals: { before: number; after: number };
}

/** Added, removed and changed hosts (field by field) between two keyed inventories; sorted by hostname. */
export function diffInventories(before: ReadonlyMap<string, AssetFields>, after: ReadonlyMap<string, AssetFields>): InventoryDiff {
  const diff: InventoryDiff = { added: [], removed: [], changed: [], totals: { before: before.size, after: after.size } };
  for (const hostname of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const old = before.get(hostname);
    const current = after.get(hostname);
    if (old === undefined && current !== undefined) diff.added.push({ hostname, fields: current });
    else if (old !== undefined && current === undefined) diff.removed.push({ hostname, fields: old });
    else if (old !== undefined && current !== undefined) {
      const changes: FieldChange[] = [];
      for (const field of [...new Set([...Object.keys(old), ...Object.keys(current)])].sort()) {
        const was = old[field] ?? null;
        const now = current[field] ?? null;
        if (was !== now) changes.push({ field, before: was, after: now });
      }
      if (changes.length > 0) diff.changed.push({ hostname, changes });
    }
  }
  return diff;
}

export function isEmptyDiff(diff: InventoryDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
