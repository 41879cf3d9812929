import { describe, expect, it } from 'vitest';
import { mergeAssetRecords } from '../../../src/inventory/index.js';
import { record } from './records.js';

const names = (assets: ReturnType<typeof mergeAssetRecords>) => assets.map((asset) => asset.hostname).sort();

describe('mergeAssetRecords: the merge rules', () => {
  it('1-4: cloud id, serial, MAC (any notation) and short host name each join records of one machine', () => {
    const merged = mergeAssetRecords([
      record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'web-01', cloudId: 'i-0ABC' }),
      record({ source: 'crowdstrike', sourceId: 'cs-1', hostname: 'ip-10-0-0-5', cloudId: 'i-0abc' }),
      record({ source: 'secure-endpoint', sourceId: 'se-2', hostname: 'db-01', serial: 'sn123 ' }),
      record({ source: 'crowdstrike', sourceId: 'cs-2', hostname: 'DB01-renamed', serial: 'SN123' }),
      record({ source: 'secure-endpoint', sourceId: 'se-3', hostname: 'lt-7', macs: ['00:1A:2B:3C:4D:5E'] }),
      record({ source: 'crowdstrike', sourceId: 'cs-3', hostname: 'laptop-seven', macs: ['00-1a-2b-3c-4d-5e'] }),
      record({ source: 'secure-endpoint', sourceId: 'se-4', hostname: 'WS-9.corp.example.com', fqdn: 'ws-9.corp.example.com' }),
      record({ source: 'crowdstrike', sourceId: 'cs-4', hostname: 'ws-9' }),
    ]);
    expect(merged).toHaveLength(4);
    for (const asset of merged) expect(Object.keys(asset.sources).sort()).toEqual(['crowdstrike', 'secure-endpoint']);
    const web = merged.find((asset) => asset.cloudId === 'i-0abc')!;
    // The most common name wins; on a tie the higher-priority source (Secure Endpoint).
    expect(web.hostname).toBe('web-01');
    expect(merged.find((asset) => asset.serial === 'SN123')!.hostname).toBe('db-01');
    expect(merged.find((asset) => asset.macs.includes('00:1a:2b:3c:4d:5e'))!.macs).toEqual(['00:1a:2b:3c:4d:5e']);
    expect(merged.find((asset) => asset.hostname === 'ws-9')!.fqdn).toBe('ws-9.corp.example.com');
  });

  it('5: an IP joins a nameless record to the one named asset with that IP, never two named hosts', () => {
    const merged = mergeAssetRecords([
      record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'ws-1', ips: ['10.0.0.1'] }),
      record({ source: 'crowdstrike', sourceId: 'cs-1', hostname: '', ips: ['10.0.0.1'] }),
      record({ source: 'secure-endpoint', sourceId: 'se-2', hostname: 'ws-2', ips: ['10.0.0.2'] }),
      record({ source: 'crowdstrike', sourceId: 'cs-2', hostname: 'ws-3', ips: ['10.0.0.2'] }),
      record({ source: 'secure-endpoint', sourceId: 'se-4', hostname: 'ws-4', ips: ['10.0.0.9'] }),
      record({ source: 'secure-endpoint', sourceId: 'se-5', hostname: 'ws-5', ips: ['10.0.0.9'] }),
      record({ source: 'crowdstrike', sourceId: 'cs-5', hostname: 'localhost', ips: ['10.0.0.9'] }),
    ]);
    expect(names(merged)).toEqual(['10.0.0.9', 'ws-1', 'ws-2', 'ws-3', 'ws-4', 'ws-5']);
    expect(Object.keys(merged.find((asset) => asset.hostname === 'ws-1')!.sources).sort()).toEqual(['crowdstrike', 'secure-endpoint']);
    // Ambiguous IP (two named hosts): the nameless record stays on its own, named after its IP.
    expect(merged.find((asset) => asset.hostname === '10.0.0.9')!.sources.crowdstrike?.sourceId).toBe('cs-5');
  });

  it('vetoes: different serials or cloud ids never merge, not even through a shared name or MAC chain', () => {
    const merged = mergeAssetRecords([
      record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'ws-1', serial: 'AAA', macs: ['02:00:00:00:00:01'] }),
      record({ source: 'crowdstrike', sourceId: 'cs-1', hostname: 'ws-1', serial: 'BBB' }),
      record({ source: 'crowdstrike', sourceId: 'cs-2', hostname: 'other', macs: ['02:00:00:00:00:01'], serial: 'BBB' }),
      record({ source: 'secure-endpoint', sourceId: 'se-3', hostname: 'vm-a', cloudId: 'i-1' }),
      record({ source: 'crowdstrike', sourceId: 'cs-3', hostname: 'vm-a', cloudId: 'i-2' }),
    ]);
    expect(merged).toHaveLength(4);
    const bbb = merged.find((asset) => asset.serial === 'BBB')!;
    expect(bbb.sources.crowdstrike).toMatchObject({ sourceId: 'cs-1', duplicateIds: ['cs-2'] });
    expect(merged.find((asset) => asset.serial === 'AAA')!.sources.crowdstrike).toBeUndefined();
    expect(merged.filter((asset) => asset.hostname === 'vm-a').map((asset) => asset.cloudId).sort()).toEqual(['i-1', 'i-2']);
  });

  it('placeholder serials and MACs shared by many host names are not identities', () => {
    const merged = mergeAssetRecords([
      record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'a', serial: 'To Be Filled By O.E.M.', macs: ['02:42:ac:11:00:02', '00:00:00:00:00:00'] }),
      record({ source: 'secure-endpoint', sourceId: 'se-2', hostname: 'b', serial: 'To Be Filled By O.E.M.', macs: ['02:42:ac:11:00:02'] }),
      record({ source: 'secure-endpoint', sourceId: 'se-3', hostname: 'c', serial: '000000', macs: ['02:42:ac:11:00:02'] }),
      record({ source: 'crowdstrike', sourceId: 'cs-1', hostname: 'd', macs: ['02:42:AC:11:00:02', 'ff:ff:ff:ff:ff:ff'] }),
    ]);
    expect(names(merged)).toEqual(['a', 'b', 'c', 'd']);
    expect(merged.every((asset) => asset.serial === undefined)).toBe(true);
    expect(merged.find((asset) => asset.hostname === 'a')!.macs).toEqual(['02:42:ac:11:00:02']);
  });

  it('merged fields: union of IPs and tags, latest last-seen, isolated if any source says so, duplicates of one source', () => {
    const [asset, ...rest] = mergeAssetRecords([
      record({ source: 'crowdstrike', sourceId: 'cs-old', hostname: 'ws-1', lastSeen: '2026-01-01T00:00:00.000Z', isolation: 'not_isolated', tags: ['Finance'], ips: ['10.0.0.1', '127.0.0.1'], os: { family: 'windows', name: 'Windows 11', version: '1' }, user: 'bob' }),
      record({ source: 'crowdstrike', sourceId: 'cs-new', hostname: 'ws-1', lastSeen: '2026-02-01T00:00:00.000Z', isolation: 'isolated', agentVersion: '7.2', ips: ['10.0.0.3'] }),
      record({ source: 'secure-endpoint', sourceId: 'se-1', hostname: 'ws-1', lastSeen: '2026-01-15T00:00:00.000Z', tags: ['group:protect'], ips: ['10.0.0.2'], os: { family: 'other', name: 'Windows 11 Pro', version: '2' }, user: 'alice' }),
    ]);
    expect(rest).toEqual([]);
    expect(asset).toMatchObject({
      hostname: 'ws-1',
      ips: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      lastSeen: '2026-02-01T00:00:00.000Z',
      isolation: 'isolated',
      tags: ['finance', 'group:protect'],
      users: ['alice', 'bob'],
      // Name and version from the first source with a name (Secure Endpoint); family from one that knows it.
      os: { family: 'windows', name: 'Windows 11 Pro', version: '2' },
    });
    expect(asset!.sources.crowdstrike).toEqual({ sourceId: 'cs-new', hostname: 'ws-1', lastSeen: '2026-02-01T00:00:00.000Z', agentVersion: '7.2', isolation: 'isolated', duplicateIds: ['cs-old'] });
  });

  it('is deterministic: the same records in any order give the same assets', () => {
    const records = Array.from({ length: 60 }, (_, index) =>
      record({
        source: index % 3 === 0 ? 'secure-endpoint' : index % 3 === 1 ? 'crowdstrike' : 'cisco-xdr',
        sourceId: `id-${index}`,
        hostname: `host-${index % 17}`,
        serial: index % 5 === 0 ? `S${index % 4}` : undefined,
        macs: [`00:00:00:00:00:${(index % 11).toString(16).padStart(2, '0')}`],
        ips: [`10.0.0.${index % 7}`],
      }),
    );
    const canonical = JSON.stringify(mergeAssetRecords(records).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
    for (let round = 0; round < 5; round += 1) {
      const shuffled = [...records].sort(() => Math.random() - 0.5);
      expect(JSON.stringify(mergeAssetRecords(shuffled).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))))).toBe(canonical);
    }
  });
});
