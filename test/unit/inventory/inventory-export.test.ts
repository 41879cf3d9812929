import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { INVENTORY_CSV_COLUMNS, writeInventoryExport, type InventoryAsset, type SnapshotSummary } from '../../../src/inventory/index.js';

const snapshot: SnapshotSummary = { id: 'snap-1', takenAt: '2026-01-01T00:00:00.000Z', status: 'complete', assetCount: 2, sources: {} };
const hostile: InventoryAsset = {
  key: 'asset:weird',
  hostname: 'weird',
  fqdn: 'a,"b"\r\nc.example.com',
  ips: ['10.0.0.1', 'fe80::1'],
  macs: [],
  users: ['=cmd|"/c calc"!A1', 'o\'brien'],
  tags: ['a;b', 'c'],
  sources: { crowdstrike: { sourceId: 'cs,1', hostname: 'weird' } },
};
const plain: InventoryAsset = { key: 'asset:p', hostname: 'p', ips: [], macs: [], users: [], tags: [], sources: {} };

async function exported(format: 'csv' | 'json' | 'splunk-hec', assets: InventoryAsset[]): Promise<string> {
  let text = '';
  await writeInventoryExport({ format, snapshot, assets, write: async (chunk) => void (text += chunk), hecEnvelope: { host: 'h', index: 'security' } });
  return text;
}

describe('inventory export', () => {
  it('CSV: RFC 4180 quoting survives commas, quotes and line breaks in product text', async () => {
    const text = await exported('csv', [hostile, plain]);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([...INVENTORY_CSV_COLUMNS]);
    // The formula-looking cell is neutralised for spreadsheets (leading apostrophe), the rest verbatim.
    expect(rows[0]).toMatchObject({ fqdn: hostile.fqdn, users: `'${hostile.users.join('; ')}`, crowdstrike_id: 'cs,1', ips: '10.0.0.1; fe80::1' });
    expect(rows[1]).toMatchObject({ key: 'asset:p', ips: '' });
    expect(parse(await exported('csv', []), { columns: true })).toEqual([]);
  });

  it('CSV: cells starting with = + - @ tab or CR cannot run as spreadsheet formulas', async () => {
    for (const payload of ['=1+1', '+SUM(A1)', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      const rows = parse(await exported('csv', [{ ...plain, hostname: payload }]), { columns: true }) as Array<Record<string, string>>;
      expect(rows[0]!.hostname).toBe(`'${payload}`);
    }
  });

  it('JSON and HEC envelopes parse back', async () => {
    expect(JSON.parse(await exported('json', [hostile, plain]))).toEqual({ snapshot, assets: [hostile, plain] });
    expect(JSON.parse(await exported('json', []))).toEqual({ snapshot, assets: [] });
    const envelopes = (await exported('splunk-hec', [hostile])).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(envelopes).toEqual([{ time: 1767225600, host: 'h', source: 'defenseclaw', sourcetype: 'defenseclaw:inventory', index: 'security', event: { snapshot_id: 'snap-1', ...hostile } }]);
  });

  it('HEC to a sink: every asset added, then flushed once', async () => {
    const added: unknown[] = [];
    let flushed = 0;
    const result = await writeInventoryExport({ format: 'splunk-hec', snapshot, assets: Array.from({ length: 2500 }, () => plain), write: async () => {}, hec: { add: async (envelope) => void added.push(envelope), flush: async () => void (flushed += 1) } });
    expect(result.records).toBe(2500);
    expect(added).toHaveLength(2500);
    expect(flushed).toBe(1);
  });
});
