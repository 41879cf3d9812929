import type { EvaluationScope } from '../agents/expression/index.js';
import type { InventoryAsset } from '../inventory/inventory-asset.js';

/** The merged-asset fields a condition reads by name (`hostname`, `tags`, `sources['crowdstrike']`, …). */
export const ASSET_FIELDS = ['key', 'hostname', 'fqdn', 'ips', 'macs', 'serial', 'cloudId', 'os', 'users', 'lastSeen', 'isolation', 'sources', 'tags'] as const satisfies readonly (keyof InventoryAsset)[];

/** Names DefenseClaw fills besides the asset's fields. `live` exists only in checks with a `live` read. */
export const DERIVED_ROOTS = ['asset', 'days_since_seen', 'now', 'vars', 'policy', 'check', 'live'] as const;

const MS_PER_DAY = 86_400_000;

export interface AssetScopeInput {
  asset: InventoryAsset;
  /** The run's time; `days_since_seen` counts from it. */
  now: Date;
  vars: Readonly<Record<string, unknown>>;
  policy: { name: string; version: string };
  check: { id: string; title: string; severity: string };
  /** The live read's output, once read. */
  live?: unknown;
}

/**
 * What a check's conditions and templates see: every field of the asset at top level (and the
 * whole asset as `asset`), `days_since_seen` (days since the newest `lastSeen` of any source, two
 * decimals; absent when no source gave one, so `days_since_seen <= 7` fails), `now` (ISO-8601),
 * `vars`, `policy`, `check` and, after a live read, `live`. A null-prototype object: no path can
 * reach Object.prototype.
 */
export function assetScope(input: AssetScopeInput): EvaluationScope {
  const scope = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(input.asset)) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
    scope[name] = value;
  }
  // Present-but-empty beats missing: `'crowdstrike' in sources` must be false, not undefined.
  scope.sources ??= {};
  scope.tags ??= [];
  scope.asset = input.asset;
  const seen = daysSince(input.asset.lastSeen, input.now);
  if (seen !== undefined) scope.days_since_seen = seen;
  scope.now = input.now.toISOString();
  scope.vars = input.vars;
  scope.policy = input.policy;
  scope.check = input.check;
  if (input.live !== undefined) scope.live = input.live;
  return scope;
}

/** Whole and fractional days from an ISO time to `now` (two decimals), or undefined when it does not parse. */
export function daysSince(time: string | undefined, now: Date): number | undefined {
  if (time === undefined) return undefined;
  const ms = Date.parse(time);
  if (!Number.isFinite(ms)) return undefined;
  return Math.round(((now.getTime() - ms) / MS_PER_DAY) * 100) / 100;
}

/** Every root name a condition or template may read; `live` only where the check has a live read. */
export function knownRoots(options: { live: boolean }): string[] {
  return [...ASSET_FIELDS, ...DERIVED_ROOTS.filter((root) => options.live || root !== 'live')];
}
