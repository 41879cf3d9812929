export type { AssetSourceView, InventoryAsset } from './inventory-asset.js';
export { ASSET_SOURCES, UNAVAILABLE_SOURCES, sourceName, type AssetSourceDefinition, type SourceRead } from './asset-sources.js';
export { mergeAssetRecords, SOURCE_PRIORITY, type MergedAsset } from './merge-assets.js';
export { assignKeys, keyHistory, sourceRecordIds, type KeyHistory } from './asset-keys.js';
export { assetFieldRecord, assetFields, assetFingerprint, diffAssets, isEmptyDiff, COMPARED_FIELDS, type AssetDiff, type ChangedAsset, type DiffCoverage, type FieldChange, type UnverifiedAsset } from './inventory-diff.js';
export { loadTagRules, matchingRules, parseTagRules, ruleScope, RULE_FIELDS, TAG_PATTERN, type TagRule, type TagRuleSet } from './tag-rules.js';
export { searchAssets, type AssetQuery } from './inventory-search.js';
export {
  INVENTORY_CSV_COLUMNS,
  INVENTORY_EXPORT_FORMATS,
  LIST_SEPARATOR,
  inventoryCsv,
  inventoryHecEnvelope,
  writeInventoryExport,
  type HecEnvelopeSettings,
  type HecSink,
  type InventoryExportFormat,
} from './inventory-export.js';
export { snapshotSummary, sourcesRead, type SnapshotSummary, type SourceStatus } from './inventory-snapshot.js';
export type { AssetRow, InventoryStore, SnapshotRow, TagRow } from './inventory-store.js';
export { InventoryError } from './inventory-error.js';
export {
  InventoryService,
  scanCaller,
  type AssetDetails,
  type InventoryAuditSink,
  type InventoryDiffResult,
  type InventoryServiceOptions,
  type InventorySettings,
  type ScanOptions,
  type ScanProgress,
  type ScanResult,
  type TagRunResult,
  type ToolCaller,
} from './inventory-service.js';
