import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../core/csv-formula.js';
import type { InventoryAsset } from './inventory-asset.js';
import type { SnapshotSummary } from './inventory-snapshot.js';

export const INVENTORY_EXPORT_FORMATS = ['csv', 'json', 'splunk-hec'] as const;
export type InventoryExportFormat = (typeof INVENTORY_EXPORT_FORMATS)[number];

/** CSV columns; list cells (ips, macs, users, sources, tags) are joined with LIST_SEPARATOR. */
export const INVENTORY_CSV_COLUMNS = [
  'key',
  'hostname',
  'fqdn',
  'ips',
  'macs',
  'serial',
  'cloud_id',
  'os_family',
  'os_name',
  'os_version',
  'users',
  'last_seen',
  'isolation',
  'sources',
  'tags',
  'secure_endpoint_id',
  'crowdstrike_id',
  'cisco_xdr_id',
] as const;
export const LIST_SEPARATOR = '; ';

/** Assets per written chunk (and per HEC add loop turn). */
const CHUNK_ASSETS = 1000;

/** Where HEC envelopes go: the audit export's `HecSender` fits (batched, retried on 429/503). */
export interface HecSink {
  add(envelope: Record<string, unknown>): Promise<void>;
  flush(): Promise<void>;
}

export interface HecEnvelopeSettings {
  /** The `host` field: the machine DefenseClaw runs on. */
  host: string;
  index?: string;
  source?: string;
  sourcetype?: string;
}

export interface InventoryExportOptions {
  format: InventoryExportFormat;
  snapshot: SnapshotSummary;
  assets: readonly InventoryAsset[];
  /** Writes text (stdout, a file); used for every format unless HEC envelopes go to `hec`. */
  write(chunk: string): Promise<void>;
  hec?: HecSink;
  hecEnvelope?: HecEnvelopeSettings;
}

/**
 * RFC 4180 CSV (CRLF record ends, fields quoted as needed), one row per asset. Cells are product
 * text; a cell a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
 * leading apostrophe (OWASP "CSV injection"), so opening the export cannot run anything.
 */
export function inventoryCsv(assets: readonly InventoryAsset[], withHeader: boolean): string {
  return stringify(assets.map(csvRow), { header: withHeader, columns: [...INVENTORY_CSV_COLUMNS], record_delimiter: 'windows', eof: true, cast: { string: neutraliseFormula } });
}

function csvRow(asset: InventoryAsset): string[] {
  return [
    asset.key,
    asset.hostname,
    asset.fqdn ?? '',
    asset.ips.join(LIST_SEPARATOR),
    asset.macs.join(LIST_SEPARATOR),
    asset.serial ?? '',
    asset.cloudId ?? '',
    asset.os?.family ?? '',
    asset.os?.name ?? '',
    asset.os?.version ?? '',
    asset.users.join(LIST_SEPARATOR),
    asset.lastSeen ?? '',
    asset.isolation ?? '',
    Object.keys(asset.sources).sort().join(LIST_SEPARATOR),
    asset.tags.join(LIST_SEPARATOR),
    asset.sources['secure-endpoint']?.sourceId ?? '',
    asset.sources.crowdstrike?.sourceId ?? '',
    asset.sources['cisco-xdr']?.sourceId ?? '',
  ];
}

/** One HEC event envelope per asset: the snapshot's time (epoch seconds), the asset as the event. */
export function inventoryHecEnvelope(asset: InventoryAsset, snapshot: SnapshotSummary, settings: HecEnvelopeSettings): Record<string, unknown> {
  return {
    time: Date.parse(snapshot.takenAt) / 1000,
    host: settings.host,
    source: settings.source ?? 'defenseclaw',
    sourcetype: settings.sourcetype ?? 'defenseclaw:inventory',
    ...(settings.index === undefined ? {} : { index: settings.index }),
    event: { snapshot_id: snapshot.id, ...asset },
  };
}

/**
 * Writes a snapshot's assets in a format, chunk by chunk: CSV with a header, one JSON document
 * `{snapshot, assets}`, or HEC envelopes (to `hec` in batches, else as JSON lines to `write`).
 * Returns how many assets went out.
 */
export async function writeInventoryExport(options: InventoryExportOptions): Promise<{ records: number }> {
  const { assets, snapshot } = options;
  switch (options.format) {
    case 'csv':
      if (assets.length === 0) await options.write(inventoryCsv([], true));
      for (let index = 0; index < assets.length; index += CHUNK_ASSETS) await options.write(inventoryCsv(assets.slice(index, index + CHUNK_ASSETS), index === 0));
      break;
    case 'json': {
      await options.write(`{"snapshot":${JSON.stringify(snapshot)},"assets":[`);
      for (let index = 0; index < assets.length; index += CHUNK_ASSETS) {
        const chunk = assets.slice(index, index + CHUNK_ASSETS).map((asset) => `\n${JSON.stringify(asset)}`);
        await options.write(`${index === 0 ? '' : ','}${chunk.join(',')}`);
      }
      await options.write('\n]}\n');
      break;
    }
    case 'splunk-hec': {
      const settings = options.hecEnvelope ?? { host: 'defenseclaw' };
      for (let index = 0; index < assets.length; index += CHUNK_ASSETS) {
        const envelopes = assets.slice(index, index + CHUNK_ASSETS).map((asset) => inventoryHecEnvelope(asset, snapshot, settings));
        if (options.hec === undefined) await options.write(envelopes.map((envelope) => `${JSON.stringify(envelope)}\n`).join(''));
        else for (const envelope of envelopes) await options.hec.add(envelope);
      }
      await options.hec?.flush();
      break;
    }
  }
  return { records: assets.length };
}
