/**
 * Inventory benchmark. Prints one JSON line:
 *  - diff of two synthetic snapshots of 100,000 assets (1% added, 1% removed, 2% changed), in
 *    memory (`diffAssets`, every field of every asset compared), and the same from SQLite through
 *    the service (fingerprints read by SQLite, only differing assets parsed and compared);
 *  - the write of one 100,000-asset snapshot (one transaction, multi-row inserts);
 *  - merge of three sources of 10,000 records each (overlapping: most hosts are in two or three
 *    sources, matched by host name, serial, MAC or cloud id), then stable keys;
 *  - peak memory: max RSS of the process (getrusage) and the largest heapUsed sampled between steps.
 * Target (issue 7): diff of 100,000 assets < 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetRecord, AssetSource } from '../src/connectors/model/index.js';
import { systemClock } from '../src/core/clock.js';
import { InventoryService, assetFingerprint, assignKeys, diffAssets, keyHistory, mergeAssetRecords, type InventoryAsset } from '../src/inventory/index.js';
import { InventoryRepository, openStore } from '../src/store/index.js';

const ASSETS = Number(process.env.BENCH_INVENTORY_ASSETS ?? 100_000);
const RECORDS_PER_SOURCE = Number(process.env.BENCH_INVENTORY_RECORDS ?? 10_000);
const DIFF_TARGET_MS = 1000;

let peakHeapUsed = 0;
function sample(): void {
  peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
}

function timed<T>(run: () => T): { value: T; ms: number } {
  sample();
  const started = performance.now();
  const value = run();
  const ms = performance.now() - started;
  sample();
  return { value, ms };
}

const OS = [
  { family: 'windows' as const, name: 'Windows 11', version: '10.0.22631' },
  { family: 'windows' as const, name: 'Windows Server 2022', version: '10.0.20348' },
  { family: 'linux' as const, name: 'Ubuntu 22.04', version: '22.04' },
  { family: 'macos' as const, name: 'macOS 15', version: '15.4' },
];

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

function syntheticAsset(index: number): InventoryAsset {
  const hostname = `host-${String(index).padStart(6, '0')}`;
  const both = index % 3 !== 0;
  return {
    key: `asset:${hostname}`,
    hostname,
    fqdn: `${hostname}.corp.example.com`,
    ips: [`10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`],
    macs: [`00:16:${hex((index >> 24) & 255, 2)}:${hex((index >> 16) & 255, 2)}:${hex((index >> 8) & 255, 2)}:${hex(index & 255, 2)}`],
    serial: `SN${hex(index * 2654435761 >>> 0, 8).toUpperCase()}`,
    os: OS[index % OS.length]!,
    users: index % 4 === 0 ? [] : [`user${index % 5000}`],
    lastSeen: new Date(Date.UTC(2026, 0, 1) + (index % 86_400) * 1000).toISOString(),
    isolation: 'not_isolated',
    sources: {
      'secure-endpoint': { sourceId: `se-${hex(index, 8)}-0000-4000-8000-${hex(index, 12)}`, hostname, agentVersion: '8.4.1.30307', isolation: 'not_isolated', tags: ['group:protect'] },
      ...(both ? { crowdstrike: { sourceId: hex(index, 32), hostname, agentVersion: '7.18.18207.0', isolation: 'not_isolated' as const, tags: ['finance'] } } : {}),
    },
    tags: both ? ['finance', 'group:protect'] : ['group:protect'],
  };
}

/** Before: ASSETS assets. After: 1% removed, 1% added, 2% changed (IP, OS version or agent version), last-seen moved on all. */
function syntheticSnapshots(): { before: InventoryAsset[]; after: InventoryAsset[] } {
  const before = Array.from({ length: ASSETS }, (_, index) => syntheticAsset(index));
  const after: InventoryAsset[] = [];
  for (const [index, asset] of before.entries()) {
    if (index % 100 === 7) continue;
    let next: InventoryAsset = { ...asset, lastSeen: new Date(Date.parse(asset.lastSeen!) + 3_600_000).toISOString() };
    if (index % 50 === 3) next = { ...next, ips: ['10.250.0.1'] };
    else if (index % 50 === 4) next = { ...next, os: { ...next.os, version: `${next.os!.version}.1` } };
    after.push(next);
  }
  for (let index = 0; index < ASSETS / 100; index += 1) after.push(syntheticAsset(ASSETS + index));
  return { before, after };
}

/**
 * Three sources of RECORDS_PER_SOURCE records over RECORDS_PER_SOURCE * 1.25 machines: each source
 * sees 80% of them. XDR matches by host name only; CrowdStrike names some hosts differently (matched
 * by serial), Secure Endpoint by MAC in dash notation for some; cloud hosts carry instance ids.
 */
function syntheticRecords(): AssetRecord[] {
  const machines = Math.round(RECORDS_PER_SOURCE * 1.25);
  const records: AssetRecord[] = [];
  const sources: AssetSource[] = ['secure-endpoint', 'crowdstrike', 'cisco-xdr'];
  sources.forEach((source, sourceIndex) => {
    let count = 0;
    for (let machine = 0; machine < machines && count < RECORDS_PER_SOURCE; machine += 1) {
      if ((machine + sourceIndex * 7) % 5 === 0) continue;
      count += 1;
      const hostname = `m-${String(machine).padStart(6, '0')}`;
      const renamed = source === 'crowdstrike' && machine % 10 === 1;
      const mac = `00:50:${hex((machine >> 16) & 255, 2)}:${hex((machine >> 8) & 255, 2)}:${hex(machine & 255, 2)}:01`;
      records.push({
        source,
        sourceId: `${source}-${machine}`,
        hostname: renamed ? `desktop-${hex(machine, 6)}` : hostname,
        ips: [`10.${(machine >> 16) & 255}.${(machine >> 8) & 255}.${machine & 255}`],
        macs: source === 'cisco-xdr' ? [] : [source === 'secure-endpoint' ? mac.replaceAll(':', '-') : mac],
        ...(source === 'cisco-xdr' ? {} : { serial: `SN${hex(machine, 8)}` }),
        ...(machine % 20 === 0 && source !== 'cisco-xdr' ? { cloudId: `i-0${hex(machine, 16)}` } : {}),
        os: OS[machine % OS.length]!,
        lastSeen: new Date(Date.UTC(2026, 0, 1) + machine * 1000).toISOString(),
        isolation: 'not_isolated',
        tags: [`dept-${machine % 7}`],
        raw: undefined,
      });
    }
  });
  return records;
}

export async function run(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'defenseclaw-bench-inventory-'));
  try {
    const { before, after } = syntheticSnapshots();
    sample();
    diffAssets(before.slice(0, 1000), after.slice(0, 1000)); // warm-up
    const diff = timed(() => diffAssets(before, after));

    const store = openStore({ file: join(directory, 'inventory.db') });
    const repository = new InventoryRepository(store);
    // As a scan stores them: with the fingerprint of their compared fields.
    const rows = (id: string, assets: readonly InventoryAsset[]) => assets.map((asset) => ({ snapshotId: id, assetKey: asset.key, hostname: asset.hostname, data: JSON.stringify({ ...asset, fingerprint: assetFingerprint(asset) }) }));
    const snapshotRow = (id: string, takenAt: string, count: number) => ({ id, takenAt, status: 'complete', sources: JSON.stringify({ 'secure-endpoint': { count, durationMs: 0 }, crowdstrike: { count, durationMs: 0 } }), assetCount: count });
    repository.saveSnapshot(snapshotRow('snap-before', '2026-01-01T00:00:00.000Z', before.length), rows('snap-before', before));
    const fingerprinted = timed(() => rows('snap-after', after));
    const afterRows = fingerprinted.value;
    const write = timed(() => repository.saveSnapshot(snapshotRow('snap-after', '2026-01-02T00:00:00.000Z', after.length), afterRows));
    const service = new InventoryService({
      gateway: { call: () => Promise.reject(new Error('no gateway in the benchmark')) },
      store: repository,
      clock: systemClock,
      settings: { tagRulesFile: join(directory, 'none.yaml'), autoTag: false },
      actor: 'bench',
    });
    const fromStore = timed(() => service.diffSnapshots('snap-before', 'snap-after'));
    store.close();
    const counts = (value: { added: unknown[]; removed: unknown[]; changed: unknown[] }) => `${value.added.length}/${value.removed.length}/${value.changed.length}`;
    if (counts(fromStore.value) !== counts(diff.value)) throw new Error(`the diff from the store (${counts(fromStore.value)}) differs from the in-memory diff (${counts(diff.value)})`);

    const records = syntheticRecords();
    sample();
    mergeAssetRecords(records.slice(0, 1000)); // warm-up
    const merge = timed(() => mergeAssetRecords(records));
    const keys = timed(() => assignKeys(merge.value, keyHistory([])));
    const multiSource = merge.value.filter((asset) => Object.keys(asset.sources).length > 1).length;

    const figures = {
      bench: 'inventory',
      assets: ASSETS,
      diff_ms: Number(diff.ms.toFixed(1)),
      diff_changes: { added: diff.value.added.length, removed: diff.value.removed.length, changed: diff.value.changed.length },
      diff_from_store_ms: Number(fromStore.ms.toFixed(1)),
      snapshot_write_ms: Number(write.ms.toFixed(1)),
      snapshot_fingerprint_and_json_ms: Number(fingerprinted.ms.toFixed(1)),
      merge_sources: 3,
      merge_records: records.length,
      merge_ms: Number(merge.ms.toFixed(1)),
      merge_keys_ms: Number(keys.ms.toFixed(1)),
      merged_assets: merge.value.length,
      merged_multi_source: multiSource,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      peak_heap_used_mb: Math.round(peakHeapUsed / 1048576),
      targets_met: { diff_under_1s: diff.ms < DIFF_TARGET_MS, diff_from_store_under_1s: fromStore.ms < DIFF_TARGET_MS },
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
