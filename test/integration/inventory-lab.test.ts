/**
 * Issue 7, inventory: scans of the lab through the gateway. The scenario's ground truth
 * (`lab.world.inventory`) is the oracle: overlapping hosts merge into one asset each, a source
 * failing after its first page leaves the others, the baseline → current diff is exactly the
 * scenario's changes, tags reach the gateway's guards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { LabHost } from '../../src/lab/scenario/inventory.js';
import type { InventoryAsset } from '../../src/inventory/index.js';
import { caller, labRequests, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';
import { runCli } from '../helpers/cli.js';

let lab: GatewayLab;
const clock = fixedClock(Date.now());

beforeEach(async () => {
  clock.set(Date.now());
  lab = await startGatewayLab({ clock });
});
afterEach(async () => {
  await lab.close();
});

async function setPhase(phase: 'baseline' | 'current'): Promise<void> {
  const response = await fetch(`${lab.lab.url}/__lab/inventory`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phase }) });
  expect(response.status).toBe(200);
}

/** Hosts a source with a device-listing tool (Secure Endpoint, CrowdStrike) can see: XDR-only hosts are not scanned. */
function visibleHosts(phase: 'baseline' | 'current'): LabHost[] {
  return lab.lab.world.inventory[phase].filter((host) => host.secureEndpoint !== undefined || host.crowdstrike !== undefined);
}

function byHostname(assets: readonly InventoryAsset[]): Map<string, InventoryAsset[]> {
  const map = new Map<string, InventoryAsset[]>();
  for (const asset of assets) map.set(asset.hostname, [...(map.get(asset.hostname) ?? []), asset]);
  return map;
}

describe('inventory scan of the lab', () => {
  it('merges hosts seen by several products into one asset each: as many assets as real hosts', async () => {
    const progress: string[] = [];
    const result = await lab.runtime.inventory().scan({ onProgress: (event) => progress.push(event.kind) });
    const hosts = visibleHosts('current');
    expect(result.snapshot).toMatchObject({ status: 'complete', assetCount: hosts.length });
    expect(result.snapshot.sources['secure-endpoint']).toMatchObject({ count: hosts.filter((host) => host.secureEndpoint !== undefined).length });
    expect(result.snapshot.sources.crowdstrike).toMatchObject({ count: hosts.filter((host) => host.crowdstrike !== undefined).length });
    expect(result.records).toBe(result.snapshot.sources['secure-endpoint']!.count + result.snapshot.sources.crowdstrike!.count);
    expect(progress).toEqual(expect.arrayContaining(['source_started', 'source_finished', 'merged', 'stored']));

    const { assets } = lab.runtime.inventory().assets();
    const named = byHostname(assets);
    expect(assets).toHaveLength(hosts.length);
    for (const host of hosts) {
      const matches = named.get(host.hostname) ?? [];
      expect(matches, host.hostname).toHaveLength(1);
      const asset = matches[0]!;
      expect(asset.key).toBe(`asset:${host.hostname}`);
      expect(Object.keys(asset.sources).sort()).toEqual([...(host.crowdstrike === undefined ? [] : ['crowdstrike']), ...(host.secureEndpoint === undefined ? [] : ['secure-endpoint'])]);
      expect(asset.serial).toBe(host.serial);
      expect(asset.macs).toEqual([host.mac.toLowerCase()]);
      expect(asset.ips).toContain(host.ip);
      if (host.crowdstrike !== undefined) {
        expect(asset.sources.crowdstrike?.sourceId).toBe(host.crowdstrike.deviceId);
        expect(asset.cloudId).toBe(host.cloudId?.toLowerCase());
      }
      if (host.secureEndpoint !== undefined) expect(asset.sources['secure-endpoint']?.sourceId).toBe(host.secureEndpoint.connectorGuid);
    }
    const both = hosts.filter((host) => host.secureEndpoint !== undefined && host.crowdstrike !== undefined);
    expect(both.length).toBeGreaterThan(100);
    expect(assets.filter((asset) => Object.keys(asset.sources).length === 2)).toHaveLength(both.length);

    // Every read went through the gateway, read-only and audited.
    const calls = lab.runtime.ledger().query({ action: 'tool.call' });
    expect(calls.map((record) => record.target).sort()).toEqual(['crowdstrike.query_devices', 'secure_endpoint.list_computers']);
    expect(calls.every((record) => record.scope === 'read' && record.outcome === 'succeeded')).toBe(true);
    expect(lab.runtime.ledger().query({ action: 'inventory.scan' })).toEqual([expect.objectContaining({ target: result.snapshot.id, outcome: 'succeeded' })]);

    // A second scan keeps every key.
    const again = await lab.runtime.inventory().scan();
    expect(again.previous?.id).toBe(result.snapshot.id);
    expect(lab.runtime.inventory().assets(again.snapshot.id).assets.map((asset) => asset.key)).toEqual(assets.map((asset) => asset.key));
  });

  it('a source failing after its first page leaves the other sources, names the failure, and is not mistaken for removals', async () => {
    // CrowdStrike answers the first page of device ids, then fails every device-details request.
    const fault = await fetch(`${lab.lab.url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product: 'crowdstrike', path: '/devices/entities/devices/v2', status: 500 }) });
    expect(fault.ok).toBe(true);
    const partial = await lab.runtime.inventory().scan();
    await fetch(`${lab.lab.url}/__lab/faults`, { method: 'DELETE' });

    const journal = await labRequests(lab.lab.url, { product: 'crowdstrike' });
    const idsPage = journal.findIndex((entry) => entry.path === '/crowdstrike/devices/queries/devices/v1' && entry.status === 200);
    const details = journal.findIndex((entry) => entry.path === '/crowdstrike/devices/entities/devices/v2' && entry.status === 500);
    expect(idsPage).toBeGreaterThanOrEqual(0);
    expect(details).toBeGreaterThan(idsPage);

    const hosts = visibleHosts('current');
    const seHosts = hosts.filter((host) => host.secureEndpoint !== undefined);
    expect(partial.snapshot.status).toBe('partial');
    expect(partial.snapshot.sources['secure-endpoint']).toEqual({ count: seHosts.length, durationMs: expect.any(Number) });
    expect(partial.snapshot.sources.crowdstrike).toMatchObject({ count: 0, error: expect.stringMatching(/crowdstrike\.query_devices failed: .*500/) });
    expect(partial.snapshot.assetCount).toBe(seHosts.length);

    // The CLI shows the same: exit 1, the failed source named on stderr, the other's count on stdout.
    const cli = await runCli(['inventory', 'snapshots', '--json'], { home: lab.home, clock });
    expect(JSON.parse(cli.stdout)[0]).toMatchObject({ id: partial.snapshot.id, status: 'partial' });

    // With CrowdStrike back, its hosts are not "added": the earlier snapshot did not read it.
    const full = await lab.runtime.inventory().scan();
    expect(full.snapshot.status).toBe('complete');
    const diff = lab.runtime.inventory().diffSnapshots(partial.snapshot.id, full.snapshot.id);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.unverified.map((entry) => entry.hostname).sort()).toEqual(hosts.filter((host) => host.secureEndpoint === undefined).map((host) => host.hostname).sort());
    expect(diff.unverified.every((entry) => entry.looksLike === 'added' && entry.unreadSources.join() === 'crowdstrike')).toBe(true);
    // Hosts in both products only compare their Secure Endpoint fields: nothing changed there.
    expect(diff.changed).toEqual([]);
  });

  it('the CLI scan exits 1 and names the source when one fails, 0 when all are read', async () => {
    await fetch(`${lab.lab.url}/__lab/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ product: 'secure_endpoint', path: '/v1/computers', status: 403 }) });
    const failed = await runCli(['inventory', 'scan'], { home: lab.home, clock });
    await fetch(`${lab.lab.url}/__lab/faults`, { method: 'DELETE' });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/\(partial\)/);
    expect(failed.stdout).toMatch(/crowdstrike\s+ok\s+\d+/);
    expect(failed.stderr).toMatch(/^defenseclaw: inventory scan: secure-endpoint: .*403/m);

    const ok = await runCli(['inventory', 'scan', '--source', 'crowdstrike,secure-endpoint', '--verbose', '--json'], { home: lab.home, clock });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ snapshot: { status: 'complete' } });
    const one = await runCli(['inventory', 'scan', '--source', 'crowdstrike'], { home: lab.home, clock });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/complete/);
    expect(one.stdout).not.toMatch(/secure-endpoint/);
  });
});

describe('inventory diff of the lab', () => {
  it('baseline → current reports exactly the scenario adds, removals and changes, field by field', async () => {
    await setPhase('baseline');
    const baseline = await lab.runtime.inventory().scan();
    clock.advance(25 * 3_600_000);
    await setPhase('current');
    const current = await lab.runtime.inventory().scan();
    const { changes, baseline: before, current: after } = lab.lab.world.inventory;

    const diff = lab.runtime.inventory().diff({ since: new Date(clock.now().getTime() - 24 * 3_600_000).toISOString() });
    expect(diff.from.id).toBe(baseline.snapshot.id);
    expect(diff.to.id).toBe(current.snapshot.id);
    expect(diff.note).toBeUndefined();
    expect(diff.added.map((asset) => asset.hostname)).toEqual(changes.added);
    expect(diff.removed.map((asset) => asset.hostname)).toEqual(changes.removed);
    expect(diff.changed.map((entry) => entry.hostname)).toEqual(changes.changed);
    expect(diff.unverified).toEqual([]);
    expect(diff.totals).toEqual({ before: visibleHosts('baseline').length, after: visibleHosts('current').length });

    // Field level: each changed host reports exactly what the scenario changed, with before/after.
    for (const entry of diff.changed) {
      const was = before.find((host) => host.hostname === entry.hostname)!;
      const is = after.find((host) => host.hostname === entry.hostname)!;
      const expected = [
        ...(was.os.version !== is.os.version ? ['os'] : []),
        ...(was.ip !== is.ip ? ['ips'] : []),
        ...(was.tags.join() !== is.tags.join() && is.crowdstrike !== undefined ? ['tags'] : []),
        ...(was.secureEndpoint?.connectorVersion !== is.secureEndpoint?.connectorVersion ? ['secure-endpoint.agent_version'] : []),
      ];
      expect(entry.changes.map((change) => change.field), entry.hostname).toEqual(expected);
      for (const change of entry.changes) {
        if (change.field === 'os') expect(change).toMatchObject({ before: `${was.os.name} ${was.os.version}`, after: `${is.os.name} ${is.os.version}` });
        if (change.field === 'ips') expect(change).toMatchObject({ before: expect.stringContaining(was.ip), after: expect.stringContaining(is.ip) });
        if (change.field === 'secure-endpoint.agent_version') expect(change).toMatchObject({ before: was.secureEndpoint!.connectorVersion, after: is.secureEndpoint!.connectorVersion });
        if (change.field === 'tags') expect(change.before).toContain('staging');
      }
    }

    // The CLI says the same, in JSON and as text.
    const json = await runCli(['inventory', 'diff', '--since', '24h', '--json'], { home: lab.home, clock });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { added: InventoryAsset[]; removed: InventoryAsset[]; changed: Array<{ hostname: string }> };
    expect(parsed.added.map((asset) => asset.hostname)).toEqual(changes.added);
    expect(parsed.removed.map((asset) => asset.hostname)).toEqual(changes.removed);
    expect(parsed.changed.map((entry) => entry.hostname)).toEqual(changes.changed);
    const text = await runCli(['inventory', 'diff', '--since', '24h'], { home: lab.home, clock });
    expect(text.stdout).toContain(`${changes.added.length} added, ${changes.removed.length} removed, ${changes.changed.length} changed`);
    expect(text.stdout).toMatch(/→/);

    // Nothing changed since the last scan: an empty diff, said so.
    const none = lab.runtime.inventory().diff({ since: clock.now().toISOString() });
    expect(none).toMatchObject({ added: [], removed: [], changed: [], note: expect.stringContaining('no scan since') });
  });
});

describe('inventory tags and the guards', () => {
  const rules = `# test rules
rules:
  - name: crown-jewel-db
    tag: crown-jewel
    condition: hostname == 'srv-db-02'
  - name: servers
    tag: server
    condition: hostname contains 'srv-' and os.family in ['windows', 'linux']
  - name: end-of-life
    tag: end-of-life
    condition: os.name in ['Windows 10', 'Windows Server 2012 R2', 'macOS 12']
  - name: single-edr
    tag: single-edr
    condition: sourceCount < 2
`;

  it('tag rules run after a scan; crown-jewel hosts from the inventory are protected by the guard (fail closed)', async () => {
    const isolate = (hostname: string) =>
      lab.runtime.gateway().call('secure_endpoint.isolate_host', { hostname, comment: 'inventory guard test' }, caller({ tools: ['secure_endpoint.isolate_host'], scopes: { execute: true } }));
    // Before the inventory knows srv-db-02, isolating it only waits for an approval.
    expect((await isolate('srv-db-02')).outcome).toBe('awaiting_approval');

    writeFileSync(join(lab.home, 'tag-rules.yaml'), rules);
    const scan = await lab.runtime.inventory().scan();
    const hosts = visibleHosts('current');
    expect(scan.tagging).toMatchObject({
      rules: 4,
      matches: {
        'crown-jewel-db': 1,
        servers: hosts.filter((host) => host.hostname.startsWith('srv-')).length,
        'end-of-life': hosts.filter((host) => host.os.endOfLife).length,
        'single-edr': hosts.filter((host) => host.secureEndpoint === undefined || host.crowdstrike === undefined).length,
      },
    });

    const search = await runCli(['inventory', 'search', '--tag', 'crown-jewel', '--json'], { home: lab.home, clock });
    expect(search.code).toBe(0);
    // srv-db-01 carries the tag in CrowdStrike; srv-db-02 got it from the rule.
    expect((JSON.parse(search.stdout) as { assets: InventoryAsset[] }).assets.map((asset) => asset.hostname)).toEqual(['srv-db-01', 'srv-db-02']);
    const detail = await runCli(['inventory', 'asset', 'srv-db-02'], { home: lab.home, clock });
    expect(detail.stdout).toMatch(/crown-jewel \(rule crown-jewel-db\)/);

    expect(await isolate('srv-db-02.corp.example.com')).toMatchObject({ outcome: 'denied', reason: 'host srv-db-02 is tagged crown-jewel' });
    // Config tags still apply.
    expect(await isolate('srv-db-01')).toMatchObject({ outcome: 'denied', reason: 'host srv-db-01 is tagged crown-jewel' });

    // A tag by hand protects too, and survives the next rule run.
    const manual = await runCli(['inventory', 'tag', '--asset', 'ws-0001', '--add', 'crown-jewel'], { home: lab.home, clock });
    expect(manual.code).toBe(0);
    const rerun = await runCli(['inventory', 'tag', '--rule', 'auto', '--json'], { home: lab.home, clock });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ rules: 4, added: 0, removed: 0 });
    expect(await isolate('ws-0001')).toMatchObject({ outcome: 'denied', reason: 'host ws-0001 is tagged crown-jewel' });

    // An inventory the guard cannot read denies (fail closed); calls without guards are unaffected.
    lab.runtime.store().sqlite.exec('DROP TABLE asset_tags');
    expect(await isolate('ws-0002')).toMatchObject({ outcome: 'denied', reason: expect.stringContaining('asset_tags') });
    expect((await lab.runtime.gateway().call('secure_endpoint.get_computer', { hostname: 'ws-0002' }, caller({ tools: '*', scopes: { read: true } }))).outcome).toBe('succeeded');
  });

  it('a wrong rules file is refused with file:line:col and exit 2, and changes nothing', async () => {
    await lab.runtime.inventory().scan();
    const file = join(lab.home, 'tag-rules.yaml');
    writeFileSync(file, 'rules:\n  - name: bad\n    tag: crown-jewel\n    condition: hostnme == "x"\n  - name: worse\n    tagg: x\n    condition: "hostname =="\n');
    const result = await runCli(['inventory', 'tag', '--rule', 'auto'], { home: lab.home, clock });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:4:16: rules.0.condition: unknown asset field "hostnme" (did you mean "hostname"?)`);
    expect(result.stderr).toMatch(new RegExp(`${file}:6:5: rules\\.1\\.tagg: unknown key \\(did you mean "tag"\\?\\)`));
    expect(lab.runtime.inventory().search({ tag: 'crown-jewel' }).assets.map((asset) => asset.hostname)).toEqual(['srv-db-01']);
    const missingRule = await runCli(['inventory', 'tag', '--rule', 'nope'], { home: lab.home, clock });
    expect(missingRule.code).toBe(2);
  });
});
