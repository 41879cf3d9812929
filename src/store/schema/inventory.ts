import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One inventory scan: when, which sources answered, how many merged assets. */
export const inventorySnapshots = sqliteTable(
  'inventory_snapshots',
  {
    id: text('id').primaryKey(),
    takenAt: text('taken_at').notNull(),
    /** complete | partial (a source failed; its assets are missing from this snapshot) */
    status: text('status').notNull(),
    /** Per source: { count, error?, durationMs } (JSON). */
    sources: text('sources').notNull(),
    assetCount: integer('asset_count').notNull(),
  },
  (table) => [index('inventory_snapshots_taken').on(table.takenAt)],
);

/** The merged assets of a snapshot, one row per asset (the record as JSON). */
export const inventoryAssets = sqliteTable(
  'inventory_assets',
  {
    snapshotId: text('snapshot_id')
      .notNull()
      .references(() => inventorySnapshots.id),
    /** Stable merged-asset key (see src/inventory merge rules). */
    assetKey: text('asset_key').notNull(),
    hostname: text('hostname').notNull(),
    /** The merged record (JSON). */
    data: text('data').notNull(),
  },
  (table) => [primaryKey({ columns: [table.snapshotId, table.assetKey] }), index('inventory_assets_hostname').on(table.hostname)],
);

/** Tags on assets, from tag rules or by hand; they outlive snapshots. */
export const assetTags = sqliteTable(
  'asset_tags',
  {
    assetKey: text('asset_key').notNull(),
    tag: text('tag').notNull(),
    /** rule | manual */
    origin: text('origin').notNull(),
    rule: text('rule'),
    taggedAt: text('tagged_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.assetKey, table.tag] }), index('asset_tags_tag').on(table.tag)],
);

export type InventorySnapshotRow = typeof inventorySnapshots.$inferSelect;
export type InventoryAssetRow = typeof inventoryAssets.$inferSelect;
export type AssetTagRow = typeof assetTags.$inferSelect;
