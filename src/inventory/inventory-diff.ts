import { createHash } from 'node:crypto';
import type { AssetSource } from '../connectors/model/index.js';
import type { InventoryAsset } from './inventory-asset.js';

/** One field of one asset, before and after. null: the field was absent on that side. */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

export interface ChangedAsset {
  key: string;
  hostname: string;
  changes: FieldChange[];
  /**
   * True when one of the asset's sources was not read in one of the two snapshots: only the
   * fields of sources read in both were compared.
   */
  partial?: true;
}

/** An asset that looks added or removed only because a source was not read on one side. */
export interface UnverifiedAsset {
  key: string;
  hostname: string;
  /** What it would have been counted as. */
  looksLike: 'added' | 'removed';
  /** Its sources that were not read in the other snapshot. */
  unreadSources: AssetSource[];
}

export interface AssetDiff {
  added: InventoryAsset[];
  removed: InventoryAsset[];
  changed: ChangedAsset[];
  unverified: UnverifiedAsset[];
  totals: { before: number; after: number };
}

/** Which sources each snapshot read completely (absent: every source counts as read). */
export interface DiffCoverage {
  before: ReadonlySet<string>;
  after: ReadonlySet<string>;
}

/**
 * Fields compared between snapshots, in this order. Last-seen times are left out on purpose: they
 * move with every check-in and would make every asset look changed. Per source (`<source>.…`):
 * its record id, agent version and isolation state; the merged tags cover source tags.
 */
export const COMPARED_FIELDS = ['hostname', 'fqdn', 'ips', 'macs', 'serial', 'cloud_id', 'os_family', 'os', 'users', 'tags', 'sources'] as const;

type FieldList = Array<[field: string, value: string]>;

/** The compared fields of an asset as text (absent fields left out), in a fixed order. */
export function assetFields(asset: InventoryAsset): FieldList {
  const fields: FieldList = [];
  const put = (field: string, value: string | undefined) => {
    if (value !== undefined && value !== '') fields.push([field, value]);
  };
  put('hostname', asset.hostname);
  put('fqdn', asset.fqdn);
  put('ips', asset.ips.join(', '));
  put('macs', asset.macs.join(', '));
  put('serial', asset.serial);
  put('cloud_id', asset.cloudId);
  put('os_family', asset.os?.family);
  put('os', [asset.os?.name, asset.os?.version].filter((part) => part !== undefined && part !== '').join(' '));
  put('users', asset.users.join(', '));
  put('tags', asset.tags.join(', '));
  const sources = Object.keys(asset.sources).sort();
  put('sources', sources.join(', '));
  for (const source of sources) {
    const view = asset.sources[source as AssetSource]!;
    put(`${source}.source_id`, [view.sourceId, ...(view.duplicateIds ?? [])].join(', '));
    put(`${source}.agent_version`, view.agentVersion);
    put(`${source}.isolation`, view.isolation);
  }
  return fields;
}

/** 16 hex digits of SHA-256 over the compared fields: equal fingerprints mean nothing to report. */
export function assetFingerprint(asset: InventoryAsset): string {
  return createHash('sha256')
    .update(assetFields(asset).map(([field, value]) => `${field}\u001f${value}`).join('\u001e'))
    .digest('hex')
    .slice(0, 16);
}

/** The fields as a plain record, e.g. for messages. */
export function assetFieldRecord(asset: InventoryAsset): Record<string, string> {
  return Object.fromEntries(assetFields(asset));
}

/**
 * Added, removed and changed assets (field by field) between two snapshots, matched by key.
 * Source-aware: an asset whose sources were not all read on the other side is not reported as
 * added or removed but as unverified, and a changed asset whose sources were not read on both
 * sides is compared only on the fields of sources read on both (`partial`). So an outage of one
 * product does not look like its hosts leaving. Results are sorted by host name, then key.
 */
export function diffAssets(before: readonly InventoryAsset[], after: readonly InventoryAsset[], coverage?: DiffCoverage): AssetDiff {
  const diff: AssetDiff = { added: [], removed: [], changed: [], unverified: [], totals: { before: before.length, after: after.length } };
  const old = new Map<string, InventoryAsset>();
  for (const asset of before) old.set(asset.key, asset);
  const read = (side: ReadonlySet<string> | undefined, source: string) => side === undefined || side.has(source);
  const seen = new Set<string>();

  for (const current of after) {
    seen.add(current.key);
    const previous = old.get(current.key);
    if (previous === undefined) {
      const unread = (Object.keys(current.sources) as AssetSource[]).filter((source) => !read(coverage?.before, source));
      if (unread.length > 0) diff.unverified.push({ key: current.key, hostname: current.hostname, looksLike: 'added', unreadSources: unread.sort() });
      else diff.added.push(current);
      continue;
    }
    if (previous.fingerprint !== undefined && previous.fingerprint === current.fingerprint) continue;
    const beforeFields = assetFields(previous);
    const afterFields = assetFields(current);
    if (sameFields(beforeFields, afterFields)) continue;
    const involved = new Set([...Object.keys(previous.sources), ...Object.keys(current.sources)]);
    const comparable = [...involved].filter((source) => read(coverage?.before, source) && read(coverage?.after, source));
    const partial = comparable.length < involved.size;
    const changes = fieldChanges(beforeFields, afterFields, partial ? (field) => comparable.some((source) => field.startsWith(`${source}.`)) : () => true);
    if (changes.length > 0) diff.changed.push({ key: current.key, hostname: current.hostname, changes, ...(partial ? { partial: true as const } : {}) });
  }
  for (const previous of before) {
    if (seen.has(previous.key)) continue;
    const unread = (Object.keys(previous.sources) as AssetSource[]).filter((source) => !read(coverage?.after, source));
    if (unread.length > 0) diff.unverified.push({ key: previous.key, hostname: previous.hostname, looksLike: 'removed', unreadSources: unread.sort() });
    else diff.removed.push(previous);
  }
  const byName = (a: { hostname: string; key: string }, b: { hostname: string; key: string }) => compare(a.hostname, b.hostname) || compare(a.key, b.key);
  diff.added.sort(byName);
  diff.removed.sort(byName);
  diff.changed.sort(byName);
  diff.unverified.sort(byName);
  return diff;
}

export function isEmptyDiff(diff: Pick<AssetDiff, 'added' | 'removed' | 'changed'>): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

function sameFields(a: FieldList, b: FieldList): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index]!;
    const right = b[index]!;
    if (left[0] !== right[0] || left[1] !== right[1]) return false;
  }
  return true;
}

function fieldChanges(before: FieldList, after: FieldList, include: (field: string) => boolean): FieldChange[] {
  const old = new Map(before);
  const now = new Map(after);
  const changes: FieldChange[] = [];
  for (const field of orderedUnion(before, after)) {
    if (!include(field)) continue;
    const was = old.get(field) ?? null;
    const is = now.get(field) ?? null;
    if (was !== is) changes.push({ field, before: was, after: is });
  }
  return changes;
}

/** Field names of both lists in the fixed field order (merged fields, then sources by name). */
function orderedUnion(a: FieldList, b: FieldList): string[] {
  const names = new Set<string>();
  for (const [field] of a) names.add(field);
  for (const [field] of b) names.add(field);
  const rank = (field: string) => {
    const index = (COMPARED_FIELDS as readonly string[]).indexOf(field);
    return index === -1 ? COMPARED_FIELDS.length : index;
  };
  return [...names].sort((x, y) => rank(x) - rank(y) || (rank(x) === COMPARED_FIELDS.length ? compare(x, y) : 0));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
