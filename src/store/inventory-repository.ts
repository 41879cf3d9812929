import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Store } from './open.js';
import { assetTags, inventoryAssets, inventorySnapshots, type AssetTagRow, type InventoryAssetRow, type InventorySnapshotRow } from './schema/index.js';

/** Rows per multi-row INSERT: 4 columns × 250 rows stays far below SQLite's 32,766 parameters. */
const INSERT_BATCH_ROWS = 250;
/** Keys per `IN (…)` list. */
const IN_LIST_LIMIT = 500;

/**
 * Inventory snapshots, their merged assets and asset tags. Snapshots are written in one
 * transaction with multi-row inserts through prepared statements (a 100,000-asset snapshot is one
 * commit). Everything else goes through drizzle. Rows carry JSON text; the inventory service owns
 * its shape.
 */
export class InventoryRepository {
  readonly #store: Pick<Store, 'db' | 'sqlite'>;
  #batchInsert: ReturnType<Store['sqlite']['prepare']> | undefined;

  constructor(store: Pick<Store, 'db' | 'sqlite'>) {
    this.#store = store;
  }

  /** Stores a snapshot and its assets, all or nothing. */
  saveSnapshot(snapshot: InventorySnapshotRow, assets: readonly InventoryAssetRow[]): void {
    const { sqlite, db } = this.#store;
    this.#batchInsert ??= sqlite.prepare(`INSERT INTO inventory_assets (snapshot_id, asset_key, hostname, data) VALUES ${Array.from({ length: INSERT_BATCH_ROWS }, () => '(?, ?, ?, ?)').join(', ')}`);
    const single = sqlite.prepare('INSERT INTO inventory_assets (snapshot_id, asset_key, hostname, data) VALUES (?, ?, ?, ?)');
    const batch = this.#batchInsert;
    const parameters: Array<string> = new Array<string>(INSERT_BATCH_ROWS * 4);
    db.transaction(() => {
      db.insert(inventorySnapshots).values(snapshot).run();
      let index = 0;
      for (; index + INSERT_BATCH_ROWS <= assets.length; index += INSERT_BATCH_ROWS) {
        for (let offset = 0; offset < INSERT_BATCH_ROWS; offset += 1) {
          const asset = assets[index + offset]!;
          parameters[offset * 4] = asset.snapshotId;
          parameters[offset * 4 + 1] = asset.assetKey;
          parameters[offset * 4 + 2] = asset.hostname;
          parameters[offset * 4 + 3] = asset.data;
        }
        batch.run(parameters);
      }
      for (; index < assets.length; index += 1) {
        const asset = assets[index]!;
        single.run(asset.snapshotId, asset.assetKey, asset.hostname, asset.data);
      }
    });
  }

  getSnapshot(id: string): InventorySnapshotRow | undefined {
    return this.#store.db.select().from(inventorySnapshots).where(eq(inventorySnapshots.id, id)).get();
  }

  /** Newest first. */
  listSnapshots(limit = 20): InventorySnapshotRow[] {
    return this.#store.db.select().from(inventorySnapshots).orderBy(desc(inventorySnapshots.takenAt), desc(sql`rowid`)).limit(limit).all();
  }

  latestSnapshot(): InventorySnapshotRow | undefined {
    return this.listSnapshots(1)[0];
  }

  oldestSnapshot(): InventorySnapshotRow | undefined {
    return this.#store.db.select().from(inventorySnapshots).orderBy(asc(inventorySnapshots.takenAt), asc(sql`rowid`)).limit(1).get();
  }

  /** The newest snapshot taken at or before `time` (ISO-8601). */
  snapshotAtOrBefore(time: string): InventorySnapshotRow | undefined {
    return this.#store.db.select().from(inventorySnapshots).where(lte(inventorySnapshots.takenAt, time)).orderBy(desc(inventorySnapshots.takenAt), desc(sql`rowid`)).limit(1).get();
  }

  /** The snapshot stored just before `snapshot` (by time, then insertion order). */
  snapshotBefore(snapshot: Pick<InventorySnapshotRow, 'id' | 'takenAt'>): InventorySnapshotRow | undefined {
    const rows = this.#store.sqlite
      .prepare(
        `SELECT id, taken_at AS takenAt, status, sources, asset_count AS assetCount FROM inventory_snapshots
         WHERE taken_at < ? OR (taken_at = ? AND rowid < (SELECT rowid FROM inventory_snapshots WHERE id = ?))
         ORDER BY taken_at DESC, rowid DESC LIMIT 1`,
      )
      .all(snapshot.takenAt, snapshot.takenAt, snapshot.id) as InventorySnapshotRow[];
    return rows[0];
  }

  /** Every asset row of a snapshot, by key. */
  snapshotAssets(snapshotId: string): InventoryAssetRow[] {
    return this.#store.sqlite
      .prepare('SELECT snapshot_id AS snapshotId, asset_key AS assetKey, hostname, data FROM inventory_assets WHERE snapshot_id = ? ORDER BY asset_key')
      .all(snapshotId) as InventoryAssetRow[];
  }

  /** Just the JSON of every asset of a snapshot (the hot path of diffs and scans). */
  snapshotAssetData(snapshotId: string): string[] {
    return this.#store.sqlite.prepare('SELECT data FROM inventory_assets WHERE snapshot_id = ? ORDER BY asset_key').pluck().all(snapshotId) as string[];
  }

  /**
   * Key → the `fingerprint` inside each asset's JSON (null when absent), read by SQLite's own JSON
   * functions so a diff of two large snapshots parses only the assets that differ.
   */
  snapshotFingerprints(snapshotId: string): Array<[assetKey: string, fingerprint: string | null]> {
    return this.#store.sqlite.prepare("SELECT asset_key, json_extract(data, '$.fingerprint') FROM inventory_assets WHERE snapshot_id = ?").raw().all(snapshotId) as Array<[string, string | null]>;
  }

  /** The JSON of these assets of a snapshot (missing keys are left out), by key. */
  assetDataByKeys(snapshotId: string, assetKeys: readonly string[]): string[] {
    const out: string[] = [];
    for (let index = 0; index < assetKeys.length; index += IN_LIST_LIMIT) {
      const chunk = assetKeys.slice(index, index + IN_LIST_LIMIT);
      if (chunk.length === 0) continue;
      const statement = this.#store.sqlite.prepare(`SELECT data FROM inventory_assets WHERE snapshot_id = ? AND asset_key IN (${chunk.map(() => '?').join(', ')})`);
      out.push(...(statement.pluck().all(snapshotId, ...chunk) as string[]));
    }
    return out;
  }

  assetByKey(snapshotId: string, assetKey: string): InventoryAssetRow | undefined {
    return this.#store.db
      .select()
      .from(inventoryAssets)
      .where(and(eq(inventoryAssets.snapshotId, snapshotId), eq(inventoryAssets.assetKey, assetKey)))
      .get();
  }

  assetsByHostname(snapshotId: string, hostname: string): InventoryAssetRow[] {
    return this.#store.db
      .select()
      .from(inventoryAssets)
      .where(and(eq(inventoryAssets.snapshotId, snapshotId), eq(inventoryAssets.hostname, hostname)))
      .orderBy(asc(inventoryAssets.assetKey))
      .all();
  }

  /**
   * A host name across history: every key it had in any snapshot, and its rows in the newest
   * snapshot that has it (for the guards: a host missing from a partial scan keeps its tags).
   */
  hostHistory(hostname: string): { keys: string[]; latest: InventoryAssetRow[] } {
    const { sqlite } = this.#store;
    const keys = sqlite.prepare('SELECT DISTINCT asset_key FROM inventory_assets WHERE hostname = ? ORDER BY asset_key').pluck().all(hostname) as string[];
    const latest = sqlite
      .prepare(
        `SELECT snapshot_id AS snapshotId, asset_key AS assetKey, hostname, data FROM inventory_assets
         WHERE hostname = ? AND snapshot_id = (
           SELECT s.id FROM inventory_assets a JOIN inventory_snapshots s ON s.id = a.snapshot_id
           WHERE a.hostname = ? ORDER BY s.taken_at DESC, s.rowid DESC LIMIT 1)
         ORDER BY asset_key`,
      )
      .all(hostname, hostname) as InventoryAssetRow[];
    return { keys, latest };
  }

  /** Tags of these assets (every tag when `assetKeys` is undefined). */
  tags(assetKeys?: readonly string[]): AssetTagRow[] {
    const { db } = this.#store;
    if (assetKeys === undefined) return db.select().from(assetTags).orderBy(asc(assetTags.assetKey), asc(assetTags.tag)).all();
    const rows: AssetTagRow[] = [];
    for (let index = 0; index < assetKeys.length; index += IN_LIST_LIMIT) {
      const chunk = assetKeys.slice(index, index + IN_LIST_LIMIT);
      if (chunk.length > 0) rows.push(...db.select().from(assetTags).where(inArray(assetTags.assetKey, chunk)).all());
    }
    return rows;
  }

  /** Keys of the assets carrying `tag`. */
  keysWithTag(tag: string): string[] {
    return this.#store.db
      .select({ assetKey: assetTags.assetKey })
      .from(assetTags)
      .where(eq(assetTags.tag, tag))
      .all()
      .map((row) => row.assetKey);
  }

  /**
   * Replaces the rule tags of the assets a rule run looked at: their old rule tags go, `rows` come
   * in; assets the run did not see keep theirs (a source that was down must not strip a
   * crown-jewel tag). A tag set by hand is never replaced by a rule tag. One transaction.
   */
  replaceRuleTags(evaluatedKeys: readonly string[], rows: readonly AssetTagRow[]): { added: number; removed: number } {
    const { db } = this.#store;
    let removed = 0;
    let added = 0;
    db.transaction((transaction) => {
      const before = new Set<string>();
      for (let index = 0; index < evaluatedKeys.length; index += IN_LIST_LIMIT) {
        const chunk = evaluatedKeys.slice(index, index + IN_LIST_LIMIT);
        if (chunk.length === 0) continue;
        for (const row of transaction.select({ assetKey: assetTags.assetKey, tag: assetTags.tag }).from(assetTags).where(and(eq(assetTags.origin, 'rule'), inArray(assetTags.assetKey, chunk))).all()) {
          before.add(`${row.assetKey}\u0000${row.tag}`);
        }
        transaction.delete(assetTags).where(and(eq(assetTags.origin, 'rule'), inArray(assetTags.assetKey, chunk))).run();
      }
      const after = new Set<string>();
      for (const row of rows) {
        const inserted = transaction.insert(assetTags).values(row).onConflictDoNothing().run().changes;
        if (inserted === 1) after.add(`${row.assetKey}\u0000${row.tag}`);
      }
      for (const entry of after) if (!before.has(entry)) added += 1;
      for (const entry of before) if (!after.has(entry)) removed += 1;
    });
    return { added, removed };
  }

  /** Sets a tag by hand (it then outranks the same tag from a rule). Returns false when it was already set by hand. */
  addManualTag(row: AssetTagRow): boolean {
    const { db } = this.#store;
    return db.transaction((transaction) => {
      const existing = transaction.select().from(assetTags).where(and(eq(assetTags.assetKey, row.assetKey), eq(assetTags.tag, row.tag))).get();
      if (existing?.origin === 'manual') return false;
      if (existing !== undefined) transaction.delete(assetTags).where(and(eq(assetTags.assetKey, row.assetKey), eq(assetTags.tag, row.tag))).run();
      transaction.insert(assetTags).values({ ...row, origin: 'manual', rule: null }).run();
      return true;
    });
  }

  /** Removes a tag, whatever set it. Returns whether there was one. */
  removeTag(assetKey: string, tag: string): boolean {
    return this.#store.db.delete(assetTags).where(and(eq(assetTags.assetKey, assetKey), eq(assetTags.tag, tag))).run().changes > 0;
  }
}
