import type { AssetRecord, AssetSource } from '../connectors/model/index.js';
import { normaliseCloudId, normaliseHostname, normaliseIp, normaliseMac, normaliseSerial, normaliseTag } from './asset-identifiers.js';
import type { AssetSourceView, InventoryAsset } from './inventory-asset.js';
import { IdentitySets } from './union-find.js';

/** A merged asset before it gets its stable key (see `asset-keys.ts`). */
export type MergedAsset = Omit<InventoryAsset, 'key'>;

/** Sources in the order their values win when they disagree (fqdn, OS, serial). */
export const SOURCE_PRIORITY: readonly AssetSource[] = ['secure-endpoint', 'crowdstrike', 'cisco-xdr'];

/** A serial or MAC seen on more host names than this is shared hardware or a clone, not an identity. */
const MAX_HOSTNAMES_PER_IDENTIFIER = 2;

interface NormalisedRecord {
  record: AssetRecord;
  hostname: string | undefined;
  serial: string | undefined;
  cloudId: string | undefined;
  macs: string[];
  ips: string[];
}

/**
 * Merges the asset records of every source into assets, one per machine.
 *
 * Rules, strongest first — two records are the same machine when they have:
 * 1. the same cloud instance id (`cloudId`, e.g. an EC2 instance id);
 * 2. the same hardware serial number (placeholders such as "To Be Filled By O.E.M." or "0" are
 *    not serial numbers);
 * 3. the same MAC address (compared in lower-case colon form; all-zero and broadcast are ignored);
 * 4. the same short host name (lower case, domain removed);
 * 5. the same IP address — only as a tie-breaker: a record with no usable host name (and not
 *    already placed by 1–3) joins the one asset that has one of its IPs; if several assets have
 *    its IPs it stays on its own. IPs alone never merge named hosts (DHCP reuse, NAT, VPN pools).
 *
 * Vetoes and limits:
 * - Records whose serial numbers differ, or whose cloud ids differ, are never merged by any rule,
 *   directly or through a chain (a serial or cloud id belongs to one machine; names and MACs are
 *   reused and cloned). Two machines called `ws-1` with different serials stay two assets.
 * - A serial or MAC reported under more than two different host names is shared (VM templates,
 *   VPN or docker adapters) and is not used as an identifier.
 * - FQDNs are not compared: products disagree on the domain part.
 * - Two records of one source can merge (a re-imaged machine registered twice): the most recently
 *   seen is that source's view, the other ids are kept in `duplicateIds`.
 *
 * The merged asset takes the most common host name of its records, the union of IPs, MACs, users
 * and source tags, the latest last-seen time, "isolated" if any source says so, and fqdn, OS,
 * serial and cloud id from the first source in SOURCE_PRIORITY that has them. The result depends
 * only on the set of records, not on their order.
 */
export function mergeAssetRecords(records: readonly AssetRecord[]): MergedAsset[] {
  const ordered = [...records].sort(compareRecords);
  const normalised = ordered.map(normaliseRecord);
  const sharedSerials = sharedIdentifiers(normalised, (record) => (record.serial === undefined ? [] : [record.serial]));
  const sharedMacs = sharedIdentifiers(normalised, (record) => record.macs);
  const serialOf = (record: NormalisedRecord) => (record.serial === undefined || sharedSerials.has(record.serial) ? undefined : record.serial);
  const sets = new IdentitySets(normalised.map((record) => ({ serial: serialOf(record), cloudId: record.cloudId })));

  const joinOn = (identifiers: (record: NormalisedRecord) => Iterable<string>) => {
    const first = new Map<string, number>();
    normalised.forEach((record, index) => {
      for (const identifier of identifiers(record)) {
        const seen = first.get(identifier);
        if (seen === undefined) first.set(identifier, index);
        else sets.union(seen, index);
      }
    });
  };
  joinOn((record) => (record.cloudId === undefined ? [] : [record.cloudId]));
  joinOn((record) => {
    const serial = serialOf(record);
    return serial === undefined ? [] : [serial];
  });
  joinOn((record) => record.macs.filter((mac) => !sharedMacs.has(mac)));
  joinOn((record) => (record.hostname === undefined ? [] : [record.hostname]));
  joinByIpTieBreak(normalised, sets);

  const groups = new Map<number, NormalisedRecord[]>();
  normalised.forEach((record, index) => {
    const root = sets.find(index);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [record]);
    else group.push(record);
  });
  return [...groups.values()].map(buildAsset);
}

/** Rule 5: records with no host name in their set join the single named set that shares an IP. */
function joinByIpTieBreak(normalised: readonly NormalisedRecord[], sets: IdentitySets): void {
  const named = new Set<number>();
  normalised.forEach((record, index) => {
    if (record.hostname !== undefined) named.add(sets.find(index));
  });
  const rootsByIp = new Map<string, Set<number>>();
  normalised.forEach((record, index) => {
    const root = sets.find(index);
    if (!named.has(root)) return;
    for (const ip of record.ips) {
      const roots = rootsByIp.get(ip);
      if (roots === undefined) rootsByIp.set(ip, new Set([root]));
      else roots.add(root);
    }
  });
  normalised.forEach((record, index) => {
    if (named.has(sets.find(index))) return;
    const candidates = new Set<number>();
    for (const ip of record.ips) for (const root of rootsByIp.get(ip) ?? []) candidates.add(root);
    if (candidates.size === 1) sets.union([...candidates][0]!, index);
  });
}

function normaliseRecord(record: AssetRecord): NormalisedRecord {
  return {
    record,
    hostname: normaliseHostname(record.hostname),
    serial: normaliseSerial(record.serial),
    cloudId: normaliseCloudId(record.cloudId),
    macs: unique(record.macs.map(normaliseMac)),
    ips: unique(record.ips.map(normaliseIp)),
  };
}

/** Identifiers reported under more than MAX_HOSTNAMES_PER_IDENTIFIER different host names. */
function sharedIdentifiers(records: readonly NormalisedRecord[], identifiers: (record: NormalisedRecord) => readonly string[]): Set<string> {
  const names = new Map<string, string[]>();
  const shared = new Set<string>();
  for (const record of records) {
    if (record.hostname === undefined) continue;
    for (const identifier of identifiers(record)) {
      const seen = names.get(identifier);
      if (seen === undefined) names.set(identifier, [record.hostname]);
      else if (!seen.includes(record.hostname)) {
        seen.push(record.hostname);
        if (seen.length > MAX_HOSTNAMES_PER_IDENTIFIER) shared.add(identifier);
      }
    }
  }
  return shared;
}

function buildAsset(group: NormalisedRecord[]): MergedAsset {
  // Source priority first, then the most recently seen record of each source first.
  const records = [...group].sort((a, b) => sourceRank(a.record.source) - sourceRank(b.record.source) || compareLastSeen(b.record, a.record) || compareText(a.record.sourceId, b.record.sourceId));
  const first = <T>(pick: (record: NormalisedRecord) => T | undefined): T | undefined => {
    for (const record of records) {
      const value = pick(record);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const sources: Partial<Record<AssetSource, AssetSourceView>> = {};
  for (const record of records) {
    const { source } = record.record;
    const existing = sources[source];
    if (existing !== undefined) {
      existing.duplicateIds = [...(existing.duplicateIds ?? []), record.record.sourceId].sort(compareText);
      continue;
    }
    const tags = unique((record.record.tags ?? []).map(normaliseTag));
    sources[source] = {
      sourceId: record.record.sourceId,
      hostname: record.hostname ?? '',
      ...(record.record.lastSeen === undefined ? {} : { lastSeen: record.record.lastSeen }),
      ...(record.record.agentVersion === undefined ? {} : { agentVersion: record.record.agentVersion }),
      ...(record.record.isolation === undefined ? {} : { isolation: record.record.isolation }),
      ...(tags.length === 0 ? {} : { tags }),
    };
  }

  const ips = unique(records.flatMap((record) => record.ips));
  const hostname = mostCommonHostname(records) ?? ips[0] ?? `${records[0]!.record.source}-${records[0]!.record.sourceId}`;
  const fqdn = first((record) => nonEmpty(record.record.fqdn?.trim().toLowerCase()));
  const serial = first((record) => record.serial);
  const cloudId = first((record) => record.cloudId);
  const osName = first((record) => nonEmpty(record.record.os?.name));
  const osRecord = records.find((record) => nonEmpty(record.record.os?.name) !== undefined);
  const osVersion = osRecord === undefined ? first((record) => nonEmpty(record.record.os?.version)) : nonEmpty(osRecord.record.os?.version);
  const family = first((record) => (record.record.os?.family === undefined || record.record.os.family === 'other' ? undefined : record.record.os.family)) ?? first((record) => record.record.os?.family);
  const lastSeen = records.reduce<string | undefined>((latest, record) => {
    const seen = record.record.lastSeen;
    return seen !== undefined && (latest === undefined || seen > latest) ? seen : latest;
  }, undefined);
  const isolation = mergedIsolation(records.map((record) => record.record.isolation));
  const os = family === undefined && osName === undefined && osVersion === undefined ? undefined : { ...(family === undefined ? {} : { family }), ...(osName === undefined ? {} : { name: osName }), ...(osVersion === undefined ? {} : { version: osVersion }) };

  return {
    hostname,
    ...(fqdn === undefined ? {} : { fqdn }),
    ips,
    macs: unique(records.flatMap((record) => record.macs)),
    ...(serial === undefined ? {} : { serial }),
    ...(cloudId === undefined ? {} : { cloudId }),
    ...(os === undefined ? {} : { os }),
    users: unique(records.map((record) => nonEmpty(record.record.user?.trim()))),
    ...(lastSeen === undefined ? {} : { lastSeen }),
    ...(isolation === undefined ? {} : { isolation }),
    sources,
    tags: unique(records.flatMap((record) => (record.record.tags ?? []).map(normaliseTag))),
  };
}

function mostCommonHostname(records: readonly NormalisedRecord[]): string | undefined {
  const counts = new Map<string, number>();
  for (const record of records) if (record.hostname !== undefined) counts.set(record.hostname, (counts.get(record.hostname) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  // Map order is first appearance in priority order, so ties go to the highest-priority source.
  for (const [name, count] of counts) {
    if (count > bestCount) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}

/** Isolated if any source says so; else pending, else not isolated, else unknown. */
function mergedIsolation(values: ReadonlyArray<AssetRecord['isolation']>): InventoryAsset['isolation'] {
  for (const state of ['isolated', 'pending', 'not_isolated', 'unknown'] as const) if (values.includes(state)) return state;
  return undefined;
}

function sourceRank(source: AssetSource): number {
  const rank = SOURCE_PRIORITY.indexOf(source);
  return rank === -1 ? SOURCE_PRIORITY.length : rank;
}

function compareRecords(a: AssetRecord, b: AssetRecord): number {
  return sourceRank(a.source) - sourceRank(b.source) || compareText(a.sourceId, b.sourceId);
}

function compareLastSeen(a: AssetRecord, b: AssetRecord): number {
  return compareText(a.lastSeen ?? '', b.lastSeen ?? '');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Distinct defined values, sorted. */
function unique(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))].sort(compareText);
}
