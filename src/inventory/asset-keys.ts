import { createHash } from 'node:crypto';
import type { InventoryAsset } from './inventory-asset.js';
import type { MergedAsset } from './merge-assets.js';

/** What the previous snapshot knew, to hand its keys on to the same machines. */
export interface KeyHistory {
  bySourceRecord: Map<string, string>;
  byCloudId: Map<string, string>;
  bySerial: Map<string, string>;
  /** Host name → keys (several machines may have shared a name). */
  byHostname: Map<string, string[]>;
  identities: Map<string, { serial?: string; cloudId?: string }>;
}

/** Builds the lookup from the assets of the previous snapshot (empty for the first scan). */
export function keyHistory(previous: Iterable<InventoryAsset>): KeyHistory {
  const history: KeyHistory = { bySourceRecord: new Map(), byCloudId: new Map(), bySerial: new Map(), byHostname: new Map(), identities: new Map() };
  for (const asset of previous) {
    for (const id of sourceRecordIds(asset)) history.bySourceRecord.set(id, asset.key);
    if (asset.cloudId !== undefined) history.byCloudId.set(asset.cloudId, asset.key);
    if (asset.serial !== undefined) history.bySerial.set(asset.serial, asset.key);
    const keys = history.byHostname.get(asset.hostname);
    if (keys === undefined) history.byHostname.set(asset.hostname, [asset.key]);
    else keys.push(asset.key);
    history.identities.set(asset.key, { ...(asset.serial === undefined ? {} : { serial: asset.serial }), ...(asset.cloudId === undefined ? {} : { cloudId: asset.cloudId }) });
  }
  return history;
}

/**
 * Gives each merged asset its stable key. An asset keeps the key of the previous snapshot's asset
 * it matches — by one of its source records (`<source>:<id>`), else its cloud id, else its serial,
 * else its host name when serial and cloud id do not contradict — and each old key goes to at most
 * one asset. Everything else is new: `asset:<hostname>`, or `asset:<hostname>:<8 hex>` (from its
 * first source record) when that key is taken now or was another machine's before.
 * Returns the assets sorted by key.
 */
export function assignKeys(merged: readonly MergedAsset[], history: KeyHistory): InventoryAsset[] {
  const ordered = merged.map((asset) => ({ asset, records: sourceRecordIds(asset) })).sort((a, b) => compare(a.asset.hostname, b.asset.hostname) || compare(a.records[0] ?? '', b.records[0] ?? ''));
  const claimed = new Set<string>();
  const keys = new Array<string | undefined>(ordered.length);
  const claim = (index: number, key: string | undefined): boolean => {
    if (key === undefined || claimed.has(key)) return false;
    claimed.add(key);
    keys[index] = key;
    return true;
  };

  // Strongest evidence first across all assets, so a weak match cannot take a key a strong one needs.
  ordered.forEach(({ records }, index) => {
    for (const id of records) if (claim(index, history.bySourceRecord.get(id))) return;
  });
  ordered.forEach(({ asset }, index) => {
    if (keys[index] === undefined && asset.cloudId !== undefined) claim(index, history.byCloudId.get(asset.cloudId));
  });
  ordered.forEach(({ asset }, index) => {
    if (keys[index] === undefined && asset.serial !== undefined) claim(index, history.bySerial.get(asset.serial));
  });
  ordered.forEach(({ asset }, index) => {
    if (keys[index] !== undefined) return;
    for (const key of history.byHostname.get(asset.hostname) ?? []) {
      const identity = history.identities.get(key);
      const contradicts = (identity?.serial !== undefined && asset.serial !== undefined && identity.serial !== asset.serial) || (identity?.cloudId !== undefined && asset.cloudId !== undefined && identity.cloudId !== asset.cloudId);
      if (!contradicts && claim(index, key)) return;
    }
  });

  const taken = (key: string) => claimed.has(key) || history.identities.has(key);
  return ordered
    .map(({ asset, records }, index) => {
      let key = keys[index];
      if (key === undefined) {
        key = `asset:${asset.hostname}`;
        if (taken(key)) {
          const base = `${key}:${createHash('sha256').update(records[0] ?? asset.hostname).digest('hex').slice(0, 8)}`;
          key = base;
          for (let counter = 2; taken(key); counter += 1) key = `${base}-${counter}`;
        }
        claimed.add(key);
      }
      return { key, ...asset };
    })
    .sort((a, b) => compare(a.key, b.key));
}

/** `<source>:<id>` of every record merged into the asset (views and duplicates), sorted. */
export function sourceRecordIds(asset: Pick<InventoryAsset, 'sources'>): string[] {
  const ids: string[] = [];
  for (const [source, view] of Object.entries(asset.sources)) {
    if (view === undefined) continue;
    ids.push(`${source}:${view.sourceId}`);
    for (const duplicate of view.duplicateIds ?? []) ids.push(`${source}:${duplicate}`);
  }
  return ids.sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
