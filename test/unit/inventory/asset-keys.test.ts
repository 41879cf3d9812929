import { describe, expect, it } from 'vitest';
import { assignKeys, keyHistory, mergeAssetRecords, type InventoryAsset } from '../../../src/inventory/index.js';
import { record } from './records.js';

const scan = (previous: InventoryAsset[], records: Parameters<typeof mergeAssetRecords>[0]) => assignKeys(mergeAssetRecords(records), keyHistory(previous));

describe('assignKeys: stable keys across scans', () => {
  it('a first scan keys assets by host name; two machines with one name get distinct keys', () => {
    const assets = scan([], [
      record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'ws-1', serial: 'A' }),
      record({ source: 'crowdstrike', sourceId: 'cs-1', hostname: 'ws-1', serial: 'B' }),
      record({ source: 'crowdstrike', sourceId: 'cs-2', hostname: 'ws-2' }),
    ]);
    expect(assets.map((asset) => asset.key)).toEqual(['asset:ws-1', expect.stringMatching(/^asset:ws-1:[0-9a-f]{8}$/), 'asset:ws-2']);
  });

  it('a renamed machine keeps its key (same source record); its old name is not handed to a newcomer', () => {
    const first = scan([], [record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'ws-1' }), record({ source: 'crowdstrike', sourceId: 'cs-9', hostname: 'ws-9', serial: 'S9' })]);
    const second = scan(first, [
      record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'ws-1-renamed' }),
      // A new machine that took the old name.
      record({ source: 'crowdstrike', sourceId: 'cs-new', hostname: 'ws-1' }),
      // Re-imaged: new source id, same serial.
      record({ source: 'crowdstrike', sourceId: 'cs-9b', hostname: 'ws-9', serial: 'S9' }),
    ]);
    const byName = Object.fromEntries(second.map((asset) => [asset.hostname, asset.key]));
    expect(byName['ws-1-renamed']).toBe('asset:ws-1');
    expect(byName['ws-9']).toBe('asset:ws-9');
    expect(byName['ws-1']).toMatch(/^asset:ws-1:[0-9a-f]{8}$/);
  });

  it('a host name match is refused when the serial says it is another machine', () => {
    const first = scan([], [record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'ws-1', serial: 'OLD' })]);
    const second = scan(first, [record({ source: 'crowdstrike', sourceId: 'cs-1', hostname: 'ws-1', serial: 'NEW' })]);
    expect(second[0]!.key).not.toBe('asset:ws-1');
    const same = scan(first, [record({ source: 'crowdstrike', sourceId: 'cs-1', hostname: 'ws-1' })]);
    expect(same[0]!.key).toBe('asset:ws-1');
  });
});
