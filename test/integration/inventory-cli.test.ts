/**
 * Issue 7, inventory CLI: exports parse back (CSV with a standard parser, JSON, HEC envelopes the
 * lab's Splunk indexed), and every sub-command's exit codes and usage errors.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_CSV_COLUMNS, LIST_SEPARATOR, type InventoryAsset } from '../../src/inventory/index.js';
import { caller, labRequests, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';
import { runCli, temporaryHome } from '../helpers/cli.js';

let lab: GatewayLab;
let assets: InventoryAsset[];

beforeAll(async () => {
  lab = await startGatewayLab();
  const scan = await runCli(['inventory', 'scan'], { home: lab.home });
  expect(scan.code, scan.stderr).toBe(0);
  assets = lab.runtime.inventory().assets().assets;
});
afterAll(async () => {
  await lab.close();
});

const cli = (args: string[]) => runCli(args, { home: lab.home });

describe('inventory export', () => {
  it('writes RFC 4180 CSV that a standard parser reads back, asset for asset', async () => {
    const file = join(lab.home, 'inventory.csv');
    const result = await cli(['inventory', 'export', '--format', 'csv', '--output', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ format: 'csv', records: assets.length, destination: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\r\n')[0]).toBe(INVENTORY_CSV_COLUMNS.join(','));
    const rows = parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(assets.length);
    for (const [index, asset] of assets.entries()) {
      const row = rows[index]!;
      expect(row.key).toBe(asset.key);
      expect(row.hostname).toBe(asset.hostname);
      expect(row.ips === '' ? [] : row.ips!.split(LIST_SEPARATOR)).toEqual(asset.ips);
      expect(row.tags === '' ? [] : row.tags!.split(LIST_SEPARATOR)).toEqual(asset.tags);
      expect(row.os_name).toBe(asset.os?.name ?? '');
      expect(row.crowdstrike_id).toBe(asset.sources.crowdstrike?.sourceId ?? '');
    }
  });

  it('writes one JSON document that parses back to the snapshot and its assets', async () => {
    const result = await cli(['inventory', 'export', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { snapshot: { id: string; assetCount: number }; assets: InventoryAsset[] };
    expect(document.snapshot.assetCount).toBe(assets.length);
    expect(document.assets).toEqual(assets);
    expect(result.stderr).toContain(`exported ${assets.length} assets`);
  });

  it('sends HEC envelopes in batches that the lab Splunk accepts and indexes', async () => {
    const before = (await labRequests(lab.lab.url, { product: 'splunk', path: '/services/collector/event' })).length;
    const result = await cli(['inventory', 'export', '--format', 'splunk-hec', '--destination', `${lab.lab.url}/splunk/services/collector/event`, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { records: number; batches: number };
    expect(summary.records).toBe(assets.length);
    expect(summary.batches).toBe(Math.ceil(assets.length / 500));
    const posts = (await labRequests(lab.lab.url, { product: 'splunk', path: '/services/collector/event' })).slice(before);
    expect(posts).toHaveLength(summary.batches);
    expect(posts.every((entry) => entry.method === 'POST' && entry.status === 200)).toBe(true);

    // What Splunk indexed: one event per asset, each with its host name.
    const search = await lab.runtime.gateway().call('splunk.search', { query: 'index=security sourcetype="defenseclaw:inventory" | stats count by hostname', max_results: 5000 }, caller({ tools: ['splunk.search'], scopes: { read: true } }));
    expect(search.outcome).toBe('succeeded');
    const rows = (search as { output: { rows: Array<Record<string, string>> } }).output.rows;
    expect(rows.map((row) => row.hostname).sort()).toEqual(assets.map((asset) => asset.hostname).sort());
    expect(rows.every((row) => row.count === '1')).toBe(true);

    // The same envelopes as JSON lines without a destination.
    const lines = await cli(['inventory', 'export', '--format', 'splunk-hec']);
    const envelopes = lines.stdout.trim().split('\n').map((line) => JSON.parse(line) as { sourcetype: string; event: InventoryAsset & { snapshot_id: string } });
    expect(envelopes).toHaveLength(assets.length);
    expect(envelopes[0]).toMatchObject({ sourcetype: 'defenseclaw:inventory', event: { key: assets[0]!.key } });
    expect(lab.runtime.ledger().query({ action: 'inventory.export' }).length).toBeGreaterThanOrEqual(3);
  });
});

describe('inventory CLI', () => {
  it('show, asset, search and snapshots print data, with --json', async () => {
    const show = await cli(['inventory', 'show', '--limit', '5']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^snapshot snap-\S+ taken \S+ \(complete\): \d+ assets/);
    expect(show.stdout.trim().split('\n')).toHaveLength(1 + 1 + 5);
    const showJson = JSON.parse((await cli(['inventory', 'show', '--json'])).stdout) as { assets: InventoryAsset[]; total: number };
    expect(showJson.total).toBe(assets.length);

    const asset = await cli(['inventory', 'asset', 'workstation-042.corp.example.com']);
    expect(asset.code).toBe(0);
    expect(asset.stdout).toMatch(/^asset:workstation-042 {2}workstation-042/);
    expect(asset.stdout).toContain('secure-endpoint');
    const byKey = JSON.parse((await cli(['inventory', 'asset', 'asset:srv-db-01', '--json'])).stdout) as { assets: Array<InventoryAsset & { storedTags: unknown[] }> };
    expect(byKey.assets.map((entry) => entry.hostname)).toEqual(['srv-db-01']);
    const deviceId = byKey.assets[0]!.sources.crowdstrike!.sourceId;
    expect(JSON.parse((await cli(['inventory', 'asset', `crowdstrike:${deviceId}`, '--json'])).stdout).assets[0].key).toBe('asset:srv-db-01');

    const search = JSON.parse((await cli(['inventory', 'search', '--tag', 'production', '--query', 'srv-db', '--json'])).stdout) as { assets: InventoryAsset[] };
    expect(search.assets.map((entry) => entry.hostname)).toEqual(['srv-db-01', 'srv-db-02']);
    const text = await cli(['inventory', 'search', '--query', '10.10.8.']);
    expect(text.stdout).toMatch(/^\d+ assets in snap-/);

    const snapshots = JSON.parse((await cli(['inventory', 'snapshots', '--json'])).stdout) as Array<{ status: string }>;
    expect(snapshots[0]).toMatchObject({ status: 'complete' });
  });

  it('bad input is a usage error (exit 2) naming the option; missing data exits 1', async () => {
    const usage: Array<[string[], RegExp]> = [
      [['inventory'], /missing sub-command|Usage: defenseclaw inventory/],
      [['inventory', 'frobnicate'], /unknown command 'inventory frobnicate'/],
      [['inventory', 'scan', '--source', 'bogus'], /--source: "bogus" is not an asset source/],
      [['inventory', 'scan', '--source', 'cisco-xdr'], /--source: cisco-xdr cannot be scanned: Cisco XDR has no device-listing read tool/],
      [['inventory', 'diff', '--since', 'forever'], /--since: "forever" is neither a duration/],
      [['inventory', 'show', '--limit', '0'], /--limit: "0" is not a positive whole number/],
      [['inventory', 'search'], /search: give --tag <tag>, --query <text>, or both/],
      [['inventory', 'search', '--tag', 'Not A Tag!'], /--tag: "Not A Tag!" is not a tag/],
      [['inventory', 'tag'], /tag: give --rule auto/],
      [['inventory', 'tag', '--rule', 'auto', '--add', 'x'], /--rule cannot be combined/],
      [['inventory', 'tag', '--add', 'x'], /--add\/--remove need --asset/],
      [['inventory', 'tag', '--asset', 'srv-db-01', '--add', 'BAD TAG'], /tag "BAD TAG" must be lower-case/],
      [['inventory', 'export'], /required option '--format <format>' not specified/],
      [['inventory', 'export', '--format', 'xml'], /--format.*xml.*Allowed choices are csv, json, splunk-hec/],
      [['inventory', 'export', '--format', 'csv', '--destination', 'http://127.0.0.1:9/'], /--destination needs --format splunk-hec/],
      [['inventory', 'export', '--format', 'splunk-hec', '--destination', 'not a url'], /--destination: "not a url" is not a URL/],
      [['inventory', 'export', '--format', 'csv', '--output', 'x.csv', '--destination', 'http://127.0.0.1:9/'], /--output and --destination cannot be used together/],
    ];
    for (const [args, message] of usage) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    const missing = await cli(['inventory', 'asset', 'no-such-host']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no asset no-such-host in snapshot snap-/);

    // A fresh home has no snapshot: show / diff / export say so and exit 1.
    const empty = temporaryHome();
    try {
      expect((await runCli(['lab', 'init', '--url', lab.lab.url], { home: empty.home })).code).toBe(0);
      for (const args of [['inventory', 'show'], ['inventory', 'diff'], ['inventory', 'export', '--format', 'json'], ['inventory', 'search', '--tag', 'x']]) {
        const result = await runCli(args, { home: empty.home });
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr).toMatch(/no inventory snapshot yet: run `defenseclaw inventory scan` first/);
      }
    } finally {
      empty.cleanup();
    }
    for (const args of [['inventory', '--help'], ['inventory', 'scan', '--help'], ['inventory', 'export', '--help']]) {
      const help = await cli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: defenseclaw inventory');
    }
  });
});
