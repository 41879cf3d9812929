import type { AssetRecord } from '../../../src/connectors/model/index.js';

/** An asset record with the fields a test names; the rest empty. */
export function record(fields: Partial<AssetRecord> & Pick<AssetRecord, 'source' | 'sourceId'>): AssetRecord {
  return { hostname: '', ips: [], macs: [], raw: undefined, ...fields };
}
