/** A stored snapshot: `sources` is JSON (source name → SourceStatus). */
export interface SnapshotRow {
  id: string;
  takenAt: string;
  /** complete | partial */
  status: string;
  sources: string;
  assetCount: number;
}

/** One merged asset of a snapshot: `data` is the InventoryAsset as JSON. */
export interface AssetRow {
  snapshotId: string;
  assetKey: string;
  hostname: string;
  data: string;
}

/** A tag on an asset key, from a rule or set by hand; tags outlive snapshots. */
export interface TagRow {
  assetKey: string;
  tag: string;
  /** rule | manual */
  origin: string;
  rule: string | null;
  taggedAt: string;
}

/**
 * What the inventory needs of the database (implemented by `store/inventory-repository.ts`;
 * only `app/` wires the two together).
 */
export interface InventoryStore {
  saveSnapshot(snapshot: SnapshotRow, assets: readonly AssetRow[]): void;
  getSnapshot(id: string): SnapshotRow | undefined;
  /** Newest first. */
  listSnapshots(limit?: number): SnapshotRow[];
  latestSnapshot(): SnapshotRow | undefined;
  oldestSnapshot(): SnapshotRow | undefined;
  snapshotAtOrBefore(time: string): SnapshotRow | undefined;
  snapshotBefore(snapshot: Pick<SnapshotRow, 'id' | 'takenAt'>): SnapshotRow | undefined;
  /** The JSON of every asset of a snapshot, by key. */
  snapshotAssetData(snapshotId: string): string[];
  /** Key → the asset's stored fingerprint (null when it has none). */
  snapshotFingerprints(snapshotId: string): Array<[assetKey: string, fingerprint: string | null]>;
  /** The JSON of these assets of a snapshot. */
  assetDataByKeys(snapshotId: string, assetKeys: readonly string[]): string[];
  assetByKey(snapshotId: string, assetKey: string): AssetRow | undefined;
  assetsByHostname(snapshotId: string, hostname: string): AssetRow[];
  /** Every key a host name had in any snapshot, and its rows in the newest snapshot that has it. */
  hostHistory(hostname: string): { keys: string[]; latest: AssetRow[] };
  /** Tags of these keys (every tag when undefined). */
  tags(assetKeys?: readonly string[]): TagRow[];
  keysWithTag(tag: string): string[];
  replaceRuleTags(evaluatedKeys: readonly string[], rows: readonly TagRow[]): { added: number; removed: number };
  addManualTag(row: TagRow): boolean;
  removeTag(assetKey: string, tag: string): boolean;
}
