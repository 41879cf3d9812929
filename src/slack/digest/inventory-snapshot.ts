import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Runtime } from '../../app/runtime.js';
import { writeFileAtomic } from '../../config/index.js';
import type { AssetRecord } from '../../connectors/model/index.js';
import { profile, type Caller } from '../../gateway/caller.js';

/** One asset as the digest compares it: field name (`<source>.<field>`) → value. */
export type AssetFields = Record<string, string>;

/** Hostname → fields, per source. */
export type SourceAssets = Record<string, AssetFields>;

/** What the last digest saw, kept in DEFENSECLAW_HOME/digest/last-snapshot.json. */
export interface InventorySnapshot {
  version: 1;
  /** ISO time the sources were read. */
  takenAt: string;
  /** Source name → its assets by hostname. */
  sources: Record<string, SourceAssets>;
}

/** A source that could not be read this time, and why (its previous assets were carried over). */
export interface SourceProblem {
  source: string;
  message: string;
}

/** Where the inventory comes from until the inventory service exists: read tools through the gateway. */
export interface InventorySource {
  /** Prefix of the field names, e.g. `secure_endpoint`. */
  name: string;
  tool: string;
  input: Record<string, unknown>;
  /** The normalised asset records in the tool's output. */
  assets(output: unknown): AssetRecord[];
}

export const INVENTORY_SOURCES: readonly InventorySource[] = [
  {
    name: 'secure_endpoint',
    tool: 'secure_endpoint.list_computers',
    input: { limit: 20_000 },
    assets: (output) => arrayField(output, 'computers'),
  },
  {
    name: 'crowdstrike',
    tool: 'crowdstrike.query_devices',
    input: { limit: 10_000 },
    assets: (output) => arrayField(output, 'assets'),
  },
];

const snapshotSchema = z.object({
  version: z.literal(1),
  takenAt: z.string(),
  sources: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.string()))),
});

/** The digest's caller: read tools only, nothing else. */
function digestCaller(): Caller {
  return {
    kind: 'slack',
    actor: 'slack:digest',
    requester: 'slack:digest',
    permissions: profile(
      INVENTORY_SOURCES.map((source) => source.tool),
      { read: true },
    ),
    // The secure runtime cuts outputs over 256 KiB, which would drop hosts from a large
    // inventory and show them as removed; this profile can only read, so nothing is lost.
    runtime: 'standard',
    reason: 'scheduled inventory digest',
  };
}

/**
 * Reads every source through the gateway. A source that fails (not configured, down, truncated)
 * keeps its assets from `previous`, so an outage does not look like every host leaving.
 */
export async function takeInventorySnapshot(runtime: Runtime, previous: InventorySnapshot | undefined, sources: readonly InventorySource[] = INVENTORY_SOURCES): Promise<{ snapshot: InventorySnapshot; problems: SourceProblem[] }> {
  const snapshot: InventorySnapshot = { version: 1, takenAt: runtime.clock.now().toISOString(), sources: {} };
  const problems: SourceProblem[] = [];
  const caller = digestCaller();
  for (const source of sources) {
    let problem: string | undefined;
    try {
      const result = await runtime.gateway().call(source.tool, source.input, caller);
      if (result.outcome !== 'succeeded') problem = result.outcome === 'failed' ? result.error.message : `${result.outcome}${'reason' in result ? `: ${result.reason}` : ''}`;
      else if (result.truncated) problem = 'the output was truncated';
      else snapshot.sources[source.name] = normaliseAssets(source.name, source.assets(result.output));
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem !== undefined) {
      problems.push({ source: source.name, message: problem });
      const kept = previous?.sources[source.name];
      if (kept !== undefined) snapshot.sources[source.name] = kept;
    }
  }
  return { snapshot, problems };
}

/** Hostname → fields of one source's asset records (the most recently seen record wins on duplicates). */
export function normaliseAssets(sourceName: string, assets: readonly AssetRecord[]): SourceAssets {
  const chosen = new Map<string, AssetRecord>();
  for (const asset of assets) {
    if (asset.hostname === '') continue;
    const existing = chosen.get(asset.hostname);
    if (existing === undefined || (asset.lastSeen ?? '') > (existing.lastSeen ?? '')) chosen.set(asset.hostname, asset);
  }
  const result: SourceAssets = {};
  for (const hostname of [...chosen.keys()].sort()) result[hostname] = assetFields(sourceName, chosen.get(hostname)!);
  return result;
}

/**
 * The fields compared between digests. Last-seen times are left out on purpose: they change
 * on every check-in and would make every host look changed.
 */
export function assetFields(sourceName: string, asset: AssetRecord): AssetFields {
  const fields: AssetFields = {};
  const put = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') fields[`${sourceName}.${name}`] = value;
  };
  put('fqdn', asset.fqdn);
  put('os', [asset.os?.name, asset.os?.version].filter((part) => part !== undefined && part !== '').join(' '));
  put('ips', [...asset.ips].sort().join(', '));
  put('macs', [...asset.macs].sort().join(', '));
  put('agent_version', asset.agentVersion);
  put('isolation', asset.isolation);
  put('tags', [...(asset.tags ?? [])].sort().join(', '));
  put('user', asset.user);
  return fields;
}

/** Hostname → every source's fields. */
export function mergeSources(snapshot: InventorySnapshot): Map<string, AssetFields> {
  const merged = new Map<string, AssetFields>();
  for (const name of Object.keys(snapshot.sources).sort()) {
    for (const [hostname, fields] of Object.entries(snapshot.sources[name]!)) merged.set(hostname, { ...merged.get(hostname), ...fields });
  }
  return merged;
}

export function snapshotFile(runtime: Runtime): string {
  return join(runtime.paths.home, 'digest', 'last-snapshot.json');
}

/** The previous digest's snapshot; undefined when there is none (or it is unreadable: start afresh). */
export function readSnapshot(file: string): InventorySnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the snapshot atomically (mode 0600: host names and IPs are internal data). */
export function writeSnapshot(file: string, snapshot: InventorySnapshot): void {
  writeFileAtomic(file, `${JSON.stringify(snapshot)}\n`, 0o600);
}

function arrayField(output: unknown, name: string): AssetRecord[] {
  const value = typeof output === 'object' && output !== null ? (output as Record<string, unknown>)[name] : undefined;
  return Array.isArray(value) ? (value as AssetRecord[]) : [];
}
