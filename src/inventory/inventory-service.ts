import type { AssetRecord, AssetSource } from '../connectors/model/index.js';
import type { Clock } from '../core/clock.js';
import { DefenseClawError, UsageError } from '../core/errors/index.js';
import type { Logger } from '../core/logger.js';
import { profile, type Caller, type CallerKind } from '../gateway/caller.js';
import type { GatewayResult } from '../gateway/gateway-result.js';
import { normaliseHostname } from './asset-identifiers.js';
import { assignKeys, keyHistory } from './asset-keys.js';
import { ASSET_SOURCES, UNAVAILABLE_SOURCES, type AssetSourceDefinition } from './asset-sources.js';
import type { InventoryAsset } from './inventory-asset.js';
import { assetFingerprint, diffAssets, type AssetDiff } from './inventory-diff.js';
import { InventoryError } from './inventory-error.js';
import { writeInventoryExport, type HecEnvelopeSettings, type HecSink, type InventoryExportFormat } from './inventory-export.js';
import { searchAssets, type AssetQuery } from './inventory-search.js';
import { newSnapshotId, snapshotSummary, sourcesRead, type SnapshotSummary, type SourceStatus } from './inventory-snapshot.js';
import type { InventoryStore, SnapshotRow, TagRow } from './inventory-store.js';
import { mergeAssetRecords } from './merge-assets.js';
import { loadTagRules, matchingRules, TAG_PATTERN, type TagRuleSet } from './tag-rules.js';

/** The one thing the inventory needs of the gateway. */
export interface ToolCaller {
  call(tool: string, input: unknown, caller: Caller): Promise<GatewayResult>;
}

/** Where the inventory records what it did (the audit ledger fits). */
export interface InventoryAuditSink {
  append(entry: { actor: string; action: string; target?: string; scope?: 'read' | 'write' | 'execute' | 'admin'; outcome: 'succeeded' | 'failed'; details?: Record<string, unknown> }): unknown;
}

export interface InventorySettings {
  /** Absolute path of the tag rules YAML (config inventory.tag_rules_file, resolved against the home). */
  tagRulesFile: string;
  /** Apply the tag rules after every scan when the file exists (config inventory.auto_tag). */
  autoTag: boolean;
}

export interface InventoryServiceOptions {
  gateway: ToolCaller;
  store: InventoryStore;
  clock: Clock;
  settings: InventorySettings;
  /** Who scans by default (audit actor and requester of the read calls), e.g. `cli:alice`. */
  actor: string;
  audit?: InventoryAuditSink;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Asset sources (default: ASSET_SOURCES); tests and benchmarks pass their own. */
  sources?: readonly AssetSourceDefinition[];
  newSnapshotId?: () => string;
}

export type ScanProgress =
  | { kind: 'source_started'; source: AssetSource; tool: string }
  | { kind: 'source_finished'; source: AssetSource; status: SourceStatus }
  | { kind: 'source_skipped'; source: AssetSource; reason: string }
  | { kind: 'merged'; records: number; assets: number }
  | { kind: 'stored'; snapshot: SnapshotSummary };

export interface ScanOptions {
  /** Only these sources (default: every source whose integration is configured). */
  sources?: readonly AssetSource[];
  onProgress?: (event: ScanProgress) => void;
  /** Who asks (default: a read-only CLI caller for `actor`); it only ever needs the sources' read tools. */
  caller?: Caller;
}

export interface ScanResult {
  snapshot: SnapshotSummary;
  /** The snapshot this one took its keys from (the previous latest), if any. */
  previous?: SnapshotSummary;
  /** Sources left out because their integration is not configured (only when not asked for by name). */
  skipped: Array<{ source: AssetSource; reason: string }>;
  records: number;
  /** What the automatic tag rules did (when inventory.auto_tag is on and the file exists). */
  tagging?: TagRunResult | { error: string };
}

export interface InventoryDiffResult extends AssetDiff {
  from: SnapshotSummary;
  to: SnapshotSummary;
  /** Why the comparison is not exactly what was asked for (no snapshot old enough, no newer scan). */
  note?: string;
}

export interface TagRunResult {
  file: string;
  rules: number;
  snapshotId: string;
  assetsEvaluated: number;
  /** Rule name → assets it tagged. */
  matches: Record<string, number>;
  added: number;
  removed: number;
}

export interface AssetDetails {
  asset: InventoryAsset;
  snapshot: SnapshotSummary;
  /** Tags stored for the asset (rules and by hand), with where each came from. */
  storedTags: TagRow[];
}

/** Source statuses as stored: `sources` JSON of inventory_snapshots. */
type SourceStatuses = Partial<Record<AssetSource, SourceStatus>>;

/**
 * The inventory: scans every asset source through the gateway (in parallel, read-only), merges
 * records of one machine across sources (`merge-assets.ts`), keeps keys stable across scans
 * (`asset-keys.ts`), stores each scan as a snapshot, and answers show / asset / search / diff /
 * export and tag rules over the stored snapshots. Tags flow into the gateway's guards through
 * `tagsOfHost`.
 */
export class InventoryService {
  readonly #options: InventoryServiceOptions;
  readonly #sources: readonly AssetSourceDefinition[];

  constructor(options: InventoryServiceOptions) {
    this.#options = options;
    this.#sources = options.sources ?? ASSET_SOURCES;
  }

  /** Source names a scan can read. */
  sourceNames(): AssetSource[] {
    return this.#sources.map((source) => source.name);
  }

  /**
   * Reads every source at once, merges, and stores one snapshot in one transaction. A source that
   * fails (or returns less than it holds) does not stop the others: the snapshot is `partial`
   * and names the failure. Throws InventoryError when no source could be read (nothing is stored).
   */
  async scan(options: ScanOptions = {}): Promise<ScanResult> {
    const { clock } = this.#options;
    const explicit = options.sources !== undefined;
    const wanted = this.#chooseSources(options.sources);
    const caller = options.caller ?? this.#readCaller(wanted, 'inventory scan');
    const takenAt = clock.now().toISOString();
    const statuses: SourceStatuses = {};
    const skipped: ScanResult['skipped'] = [];
    const records: AssetRecord[] = [];

    await Promise.all(
      wanted.map(async (source) => {
        options.onProgress?.({ kind: 'source_started', source: source.name, tool: source.tool });
        const started = performance.now();
        const outcome = await this.#readSource(source, caller);
        const durationMs = Math.round(performance.now() - started);
        if ('notConfigured' in outcome && !explicit) {
          skipped.push({ source: source.name, reason: outcome.notConfigured });
          options.onProgress?.({ kind: 'source_skipped', source: source.name, reason: outcome.notConfigured });
          return;
        }
        const status: SourceStatus =
          'records' in outcome
            ? { count: outcome.records.length, durationMs, ...(outcome.incomplete === undefined ? {} : { error: `incomplete: ${outcome.incomplete}` }) }
            : { count: 0, durationMs, error: 'error' in outcome ? outcome.error : outcome.notConfigured };
        if ('records' in outcome) for (const record of outcome.records) records.push(record);
        statuses[source.name] = status;
        options.onProgress?.({ kind: 'source_finished', source: source.name, status });
      }),
    );

    const read = Object.entries(statuses).filter(([, status]) => status.count > 0 || status.error === undefined);
    if (read.length === 0) {
      const errors = Object.fromEntries(Object.entries(statuses).map(([name, status]) => [name, status.error ?? 'no records']));
      const reasons = [...Object.entries(errors).map(([name, error]) => `${name}: ${error}`), ...skipped.map((entry) => `${entry.source}: ${entry.reason}`)];
      this.#audit({ actor: caller.actor, action: 'inventory.scan', outcome: 'failed', details: { sources: statuses, skipped } });
      throw new InventoryError(`no inventory source could be read${reasons.length === 0 ? '' : ` (${reasons.join('; ')})`}`, { code: 'inventory_no_sources', sourceErrors: { ...errors, ...Object.fromEntries(skipped.map((entry) => [entry.source, entry.reason])) } });
    }

    const merged = mergeAssetRecords(records);
    const previousRow = this.#options.store.latestSnapshot();
    const previousAssets = previousRow === undefined ? [] : this.#parseAssets(previousRow.id);
    const assets = assignKeys(merged, keyHistory(previousAssets)).map((asset) => ({ ...asset, fingerprint: assetFingerprint(asset) }));
    options.onProgress?.({ kind: 'merged', records: records.length, assets: assets.length });

    const ordered = Object.fromEntries(this.#sources.filter((source) => statuses[source.name] !== undefined).map((source) => [source.name, statuses[source.name]!]));
    const row: SnapshotRow = {
      id: this.#options.newSnapshotId?.() ?? newSnapshotId(clock),
      takenAt,
      status: Object.values(ordered).some((status) => status.error !== undefined) ? 'partial' : 'complete',
      sources: JSON.stringify(ordered),
      assetCount: assets.length,
    };
    this.#options.store.saveSnapshot(
      row,
      assets.map((asset) => ({ snapshotId: row.id, assetKey: asset.key, hostname: asset.hostname, data: JSON.stringify(asset) })),
    );
    const snapshot = snapshotSummary(row);
    options.onProgress?.({ kind: 'stored', snapshot });
    this.#audit({ actor: caller.actor, action: 'inventory.scan', target: snapshot.id, outcome: 'succeeded', details: { status: snapshot.status, assets: snapshot.assetCount, records: records.length, sources: ordered, skipped } });
    this.#options.logger?.info({ snapshot: snapshot.id, status: snapshot.status, assets: snapshot.assetCount, records: records.length }, 'inventory scan stored');

    const result: ScanResult = { snapshot, skipped, records: records.length, ...(previousRow === undefined ? {} : { previous: snapshotSummary(previousRow) }) };
    const tagging = this.#autoTag(snapshot.id, assets, caller.actor);
    return tagging === undefined ? result : { ...result, tagging };
  }

  /** The newest snapshot, or undefined before the first scan. */
  latestSnapshot(): SnapshotSummary | undefined {
    const row = this.#options.store.latestSnapshot();
    return row === undefined ? undefined : snapshotSummary(row);
  }

  /** A stored snapshot by id, or undefined. */
  snapshot(id: string): SnapshotSummary | undefined {
    const row = this.#options.store.getSnapshot(id);
    return row === undefined ? undefined : snapshotSummary(row);
  }

  /** Recent snapshots, newest first. */
  snapshots(limit = 20): SnapshotSummary[] {
    return this.#options.store.listSnapshots(limit).map(snapshotSummary);
  }

  /** The assets of the newest snapshot (or of `snapshotId`), with stored tags added. */
  assets(snapshotId?: string): { snapshot: SnapshotSummary; assets: InventoryAsset[] } {
    const snapshot = this.#snapshot(snapshotId);
    return { snapshot, assets: this.#withStoredTags(this.#parseAssets(snapshot.id)) };
  }

  /**
   * One asset of the newest snapshot by key (`asset:ws-042`), host name (short or FQDN), or
   * source record (`crowdstrike:<device id>`). Several assets can share a host name: all are returned.
   */
  findAssets(reference: string): { snapshot: SnapshotSummary; matches: AssetDetails[] } {
    const snapshot = this.#snapshot();
    const { store } = this.#options;
    const text = reference.trim();
    const byKey = store.assetByKey(snapshot.id, text);
    let rows = byKey === undefined ? [] : [byKey];
    if (rows.length === 0 && !text.startsWith('asset:')) {
      const hostname = normaliseHostname(text);
      if (hostname !== undefined) rows = store.assetsByHostname(snapshot.id, hostname);
    }
    let assets = rows.map((row) => JSON.parse(row.data) as InventoryAsset);
    if (assets.length === 0 && /^[a-z-]+:.+/.test(text)) {
      const [source, ...rest] = text.split(':');
      const id = rest.join(':');
      assets = this.#parseAssets(snapshot.id).filter((asset) => {
        const view = asset.sources[source as AssetSource];
        return view !== undefined && (view.sourceId === id || (view.duplicateIds ?? []).includes(id));
      });
    }
    const withTags = this.#withStoredTags(assets);
    const stored = this.#options.store.tags(withTags.map((asset) => asset.key));
    return { snapshot, matches: withTags.map((asset) => ({ asset, snapshot, storedTags: stored.filter((row) => row.assetKey === asset.key) })) };
  }

  /** Assets of the newest snapshot with a tag and/or matching free text. */
  search(query: AssetQuery): { snapshot: SnapshotSummary; assets: InventoryAsset[] } {
    const { snapshot, assets } = this.assets();
    return { snapshot, assets: searchAssets(assets, query) };
  }

  /**
   * Compares the newest snapshot with the newest one taken at or before `since` (ISO-8601).
   * When none is that old, the oldest snapshot is used and `note` says so.
   */
  diff(options: { since: string }): InventoryDiffResult {
    const { store } = this.#options;
    const latest = store.latestSnapshot();
    if (latest === undefined) throw noSnapshot();
    let from = store.snapshotAtOrBefore(options.since);
    let note: string | undefined;
    if (from === undefined) {
      from = store.oldestSnapshot()!;
      note = from.id === latest.id ? `only one snapshot exists (${latest.takenAt}); scan again to see changes` : `no snapshot as old as ${options.since}; compared with the oldest, ${from.takenAt}`;
    } else if (from.id === latest.id) {
      note = `no scan since ${options.since}: the newest snapshot (${latest.takenAt}) is older`;
    }
    const result = this.diffSnapshots(from.id, latest.id);
    return note === undefined ? result : { ...result, note };
  }

  /**
   * Compares two stored snapshots (source-aware: see `diffAssets`). Assets whose stored
   * fingerprints match are not even parsed: only the keys that differ are read back.
   */
  diffSnapshots(fromId: string, toId: string): InventoryDiffResult {
    const from = this.#snapshot(fromId);
    const to = this.#snapshot(toId);
    const { store } = this.#options;
    const before = new Map(store.snapshotFingerprints(from.id));
    const after = new Map(store.snapshotFingerprints(to.id));
    const differs = (key: string, fingerprint: string | null, other: Map<string, string | null>) => fingerprint === null || other.get(key) !== fingerprint;
    const beforeKeys = [...before].filter(([key, fingerprint]) => differs(key, fingerprint, after)).map(([key]) => key);
    const afterKeys = [...after].filter(([key, fingerprint]) => differs(key, fingerprint, before)).map(([key]) => key);
    const parse = (id: string, keys: string[], all: number) => (keys.length === all ? this.#parseAssets(id) : store.assetDataByKeys(id, keys).map((data) => JSON.parse(data) as InventoryAsset));
    const diff = diffAssets(parse(from.id, beforeKeys, before.size), parse(to.id, afterKeys, after.size), { before: sourcesRead(from), after: sourcesRead(to) });
    return { from, to, ...diff, totals: { before: before.size, after: after.size } };
  }

  /**
   * Applies the tag rules (all of them, or the one named) to the newest snapshot. Rule tags of the
   * assets evaluated are replaced; assets not in the snapshot keep theirs; tags set by hand stay.
   */
  applyTagRules(options: { rule?: string; actor?: string; rules?: TagRuleSet } = {}): TagRunResult {
    const ruleSet = options.rules ?? loadTagRules(this.#options.settings.tagRulesFile);
    const rules = options.rule === undefined ? ruleSet.rules : ruleSet.rules.filter((rule) => rule.name === options.rule);
    if (rules.length === 0) {
      throw new UsageError(`--rule: no rule named "${options.rule}" in ${ruleSet.file} (rules: ${ruleSet.rules.map((rule) => rule.name).join(', ') || 'none'})`);
    }
    const snapshot = this.#snapshot();
    const assets = this.#withManualTags(this.#parseAssets(snapshot.id));
    return this.#runRules({ ...ruleSet, rules }, snapshot.id, assets, options.actor ?? this.#options.actor);
  }

  /** Sets a tag by hand on one asset of the newest snapshot (it outlives snapshots and rule runs). */
  addTag(reference: string, tag: string, actor = this.#options.actor): { asset: InventoryAsset; changed: boolean } {
    const value = checkTag(tag);
    const asset = this.#oneAsset(reference);
    const changed = this.#options.store.addManualTag({ assetKey: asset.key, tag: value, origin: 'manual', rule: null, taggedAt: this.#options.clock.now().toISOString() });
    this.#audit({ actor, action: 'inventory.tag', target: asset.key, outcome: 'succeeded', details: { add: value, changed } });
    return { asset, changed };
  }

  /** Removes a stored tag (by hand or from a rule; a rule sets it again on its next run). */
  removeTag(reference: string, tag: string, actor = this.#options.actor): { asset: InventoryAsset; changed: boolean } {
    const value = checkTag(tag);
    const asset = this.#oneAsset(reference);
    const changed = this.#options.store.removeTag(asset.key, value);
    this.#audit({ actor, action: 'inventory.tag', target: asset.key, outcome: 'succeeded', details: { remove: value, changed } });
    return { asset, changed };
  }

  /**
   * Tags of a host for the gateway's argument guards: the source tags of the host in the newest
   * snapshot that has it, and every stored tag (rules, by hand) of any key the host name has had
   * — so a host missing from a partial scan keeps its protection, and `asset:<host>` tags count
   * before the first scan. Errors propagate: the guard denies when it cannot decide (fail closed).
   */
  tagsOfHost(hostname: string): string[] {
    const name = normaliseHostname(hostname);
    if (name === undefined) return [];
    const { store } = this.#options;
    const history = store.hostHistory(name);
    const sourceTags = history.latest.flatMap((row) => (JSON.parse(row.data) as InventoryAsset).tags);
    const keys = [...new Set([...history.keys, `asset:${name}`])];
    return [...new Set([...sourceTags, ...store.tags(keys).map((row) => row.tag)])].sort();
  }

  /**
   * Writes the newest snapshot (or `snapshotId`) as CSV, JSON or HEC envelopes (to `hec` when
   * given). Records an `inventory.export` audit entry either way.
   */
  async export(options: { format: InventoryExportFormat; write(chunk: string): Promise<void>; hec?: HecSink; hecEnvelope?: HecEnvelopeSettings; destination: string; snapshotId?: string; actor?: string }): Promise<{ records: number; snapshot: SnapshotSummary }> {
    const { snapshot, assets } = this.assets(options.snapshotId);
    let outcome: 'succeeded' | 'failed' = 'failed';
    let records = 0;
    try {
      ({ records } = await writeInventoryExport({
        format: options.format,
        snapshot,
        assets,
        write: options.write,
        ...(options.hec === undefined ? {} : { hec: options.hec }),
        ...(options.hecEnvelope === undefined ? {} : { hecEnvelope: options.hecEnvelope }),
      }));
      outcome = 'succeeded';
    } finally {
      this.#audit({ actor: options.actor ?? this.#options.actor, action: 'inventory.export', target: options.destination, scope: 'read', outcome, details: { format: options.format, snapshot: snapshot.id, records: outcome === 'succeeded' ? records : null } });
    }
    return { records, snapshot };
  }

  #chooseSources(names: readonly AssetSource[] | undefined): AssetSourceDefinition[] {
    if (names === undefined) return [...this.#sources];
    const chosen: AssetSourceDefinition[] = [];
    for (const name of names) {
      const source = this.#sources.find((candidate) => candidate.name === name);
      if (source === undefined) {
        const reason = UNAVAILABLE_SOURCES[name];
        throw new UsageError(`--source: ${name} cannot be scanned${reason === undefined ? '' : `: ${reason}`} (sources: ${this.sourceNames().join(', ')})`);
      }
      if (!chosen.includes(source)) chosen.push(source);
    }
    return chosen;
  }

  #readCaller(sources: readonly AssetSourceDefinition[], reason: string): Caller {
    return scanCaller({ kind: 'cli', actor: this.#options.actor, reason, sources });
  }

  async #readSource(source: AssetSourceDefinition, caller: Caller): Promise<{ records: AssetRecord[]; incomplete?: string } | { error: string } | { notConfigured: string }> {
    let result: GatewayResult;
    try {
      result = await this.#options.gateway.call(source.tool, source.input, caller);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    switch (result.outcome) {
      case 'succeeded':
        if (result.truncated) return { error: `${source.tool}: the output was cut by the gateway` };
        try {
          const read = source.read(result.output);
          return { records: read.records, ...(read.incomplete === undefined ? {} : { incomplete: read.incomplete }) };
        } catch (error) {
          return { error: (error as Error).message };
        }
      case 'failed':
        if (result.error.code === 'integration_not_configured') return { notConfigured: result.error.message };
        return { error: `${source.tool} failed: ${result.error.message}` };
      case 'denied':
      case 'invalid':
      case 'rejected':
        return { error: `${source.tool} ${result.outcome}: ${result.reason}` };
      default:
        return { error: `${source.tool}: ${result.outcome}` };
    }
  }

  #autoTag(snapshotId: string, assets: readonly InventoryAsset[], actor: string): ScanResult['tagging'] {
    const { settings } = this.#options;
    if (!settings.autoTag) return undefined;
    let rules: TagRuleSet;
    try {
      rules = loadTagRules(settings.tagRulesFile);
    } catch (error) {
      if (error instanceof DefenseClawError && error.code === 'tag_rules_unreadable') return undefined;
      this.#options.logger?.warn({ err: error }, 'inventory: tag rules not applied');
      return { error: (error as Error).message };
    }
    return this.#runRules(rules, snapshotId, this.#withManualTags(assets), actor);
  }

  #runRules(ruleSet: TagRuleSet, snapshotId: string, assets: readonly InventoryAsset[], actor: string): TagRunResult {
    const now = this.#options.clock.now();
    const taggedAt = now.toISOString();
    const rows: TagRow[] = [];
    const matches: Record<string, number> = Object.fromEntries(ruleSet.rules.map((rule) => [rule.name, 0]));
    for (const asset of assets) {
      const seen = new Set<string>();
      for (const rule of matchingRules(ruleSet.rules, asset, now)) {
        matches[rule.name] = (matches[rule.name] ?? 0) + 1;
        // The first rule to give a tag is recorded as its origin.
        if (seen.has(rule.tag)) continue;
        seen.add(rule.tag);
        rows.push({ assetKey: asset.key, tag: rule.tag, origin: 'rule', rule: rule.name, taggedAt });
      }
    }
    const { added, removed } = this.#options.store.replaceRuleTags(
      assets.map((asset) => asset.key),
      rows,
    );
    const result: TagRunResult = { file: ruleSet.file, rules: ruleSet.rules.length, snapshotId, assetsEvaluated: assets.length, matches, added, removed };
    this.#audit({ actor, action: 'inventory.tag', target: snapshotId, outcome: 'succeeded', details: { file: ruleSet.file, rules: ruleSet.rules.map((rule) => rule.name), matches, added, removed } });
    return result;
  }

  #snapshot(id?: string): SnapshotSummary {
    const row = id === undefined ? this.#options.store.latestSnapshot() : this.#options.store.getSnapshot(id);
    if (row === undefined) throw id === undefined ? noSnapshot() : new InventoryError(`no inventory snapshot ${id}`, { code: 'inventory_snapshot_not_found' });
    return snapshotSummary(row);
  }

  #parseAssets(snapshotId: string): InventoryAsset[] {
    return this.#options.store.snapshotAssetData(snapshotId).map((data) => JSON.parse(data) as InventoryAsset);
  }

  #oneAsset(reference: string): InventoryAsset {
    const { matches } = this.findAssets(reference);
    if (matches.length === 0) throw new InventoryError(`no asset ${reference} in the newest snapshot`, { code: 'inventory_asset_not_found' });
    if (matches.length > 1) throw new UsageError(`${reference} names ${matches.length} assets (${matches.map((match) => match.asset.key).join(', ')}); use the key`);
    return matches[0]!.asset;
  }

  /** Adds every stored tag (rules and by hand) to the assets' source tags. */
  #withStoredTags(assets: readonly InventoryAsset[]): InventoryAsset[] {
    return this.#overlayTags(assets, () => true);
  }

  /** Adds hand-set tags only: what tag-rule conditions see, so rules never feed on rule tags. */
  #withManualTags(assets: readonly InventoryAsset[]): InventoryAsset[] {
    return this.#overlayTags(assets, (row) => row.origin === 'manual');
  }

  #overlayTags(assets: readonly InventoryAsset[], include: (row: TagRow) => boolean): InventoryAsset[] {
    if (assets.length === 0) return [];
    // Few assets: ask for theirs; many: read the (smaller) tag table once.
    const rows = assets.length <= 500 ? this.#options.store.tags(assets.map((asset) => asset.key)) : this.#options.store.tags();
    const byKey = new Map<string, string[]>();
    for (const row of rows) {
      if (!include(row)) continue;
      const tags = byKey.get(row.assetKey);
      if (tags === undefined) byKey.set(row.assetKey, [row.tag]);
      else tags.push(row.tag);
    }
    return assets.map((asset) => {
      const extra = byKey.get(asset.key);
      if (extra === undefined) return asset;
      // The copy's tags differ from what was fingerprinted: it must not pass for the stored asset.
      const { fingerprint: _fingerprint, ...rest } = asset;
      return { ...rest, tags: [...new Set([...asset.tags, ...extra])].sort() };
    });
  }

  #audit(entry: Parameters<InventoryAuditSink['append']>[0]): void {
    this.#options.audit?.append(entry);
  }
}

/**
 * The caller a scan reads as: read scope only, and only the sources' listing tools. The standard
 * runtime is asked for because the secure one caps outputs at 256 KiB, which would cut a fleet's
 * listing short; this caller can only read, so nothing an approval protects is given up.
 */
export function scanCaller(options: { kind: CallerKind; actor: string; requester?: string; reason: string; sources?: readonly AssetSourceDefinition[] }): Caller {
  return {
    kind: options.kind,
    actor: options.actor,
    requester: options.requester ?? options.actor,
    permissions: profile(
      (options.sources ?? ASSET_SOURCES).map((source) => source.tool),
      { read: true },
    ),
    runtime: 'standard',
    reason: options.reason,
  };
}

function noSnapshot(): InventoryError {
  return new InventoryError('no inventory snapshot yet: run `defenseclaw inventory scan` first', { code: 'inventory_no_snapshot' });
}

function checkTag(tag: string): string {
  const value = tag.trim().toLowerCase();
  if (!TAG_PATTERN.test(value)) throw new UsageError(`tag "${tag}" must be lower-case letters, digits and . _ : - (e.g. crown-jewel)`);
  return value;
}
