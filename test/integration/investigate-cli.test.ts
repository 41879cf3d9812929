import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab-server.js';
import { ALL_SIMULATORS } from '../../src/lab/products/index.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { isMutating, labRequests } from '../helpers/gateway-lab.js';

let lab: Lab;
let home: ReturnType<typeof temporaryHome>;

beforeAll(async () => {
  lab = await startLab({ products: ALL_SIMULATORS });
  home = temporaryHome();
  expect((await runCli(['lab', 'init', '--url', lab.url], { home: home.home })).code).toBe(0);
});
afterAll(async () => {
  await lab?.close();
  home?.cleanup();
});

describe('defenseclaw investigate', () => {
  it('investigates, writes reports, lists, shows and replays', async () => {
    const run = await runCli(['investigate', '--alert-id', 'XDR-2026-001234', '--timeline', '--enrich', '--output', 'out/report.md'], { home: home.home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/deterministic triage: the LLM is not used, no API key is configured/);
    expect(run.stdout).toMatch(/^Investigation inv-\S+ of XDR-2026-001234 \(high\)/);
    expect(run.stdout).toContain('The LLM was not used');
    expect(run.stdout).toMatch(/40 failed logons svc_backup from 10\.10\.4\.42 to srv-db-01/);
    expect(run.stdout).toMatch(/secure_endpoint\.isolate_host \{"hostname":"srv-db-01".*\(denied: host srv-db-01 is tagged crown-jewel\)/);
    expect(run.stdout).toMatch(/Enrichment\n\s+TYPE\s+VALUE/);
    const id = /^Investigation (inv-\S+)/.exec(run.stdout)![1]!;
    const html = join(home.home, 'reports', `${id}.html`);
    expect(statSync(html).mode & 0o777).toBe(0o600);
    expect(readFileSync(html, 'utf8')).toContain('<!DOCTYPE html>');
    expect(readFileSync(join(home.home, 'out', 'report.md'), 'utf8')).toContain('XDR-2026-001234');

    const json = await runCli(['investigate', '--alert-id', 'XDR-2026-001234', '--json', '--output', 'r.json'], { home: home.home });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { id: string; mode: string; timeline: unknown[]; report: { html: string; output: string } };
    expect(parsed).toMatchObject({ mode: 'deterministic', report: { output: join(home.home, 'r.json') } });
    expect(parsed.timeline).toHaveLength(62);
    expect(JSON.parse(readFileSync(join(home.home, 'r.json'), 'utf8'))).toMatchObject({ schema: 'defenseclaw.investigation/v1', id: parsed.id });

    const list = await runCli(['investigate', 'list', '--json'], { home: home.home });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((row) => row.id).slice(0, 2)).toEqual([parsed.id, id]);

    const show = await runCli(['investigate', 'show', id, '--output', 'again.html'], { home: home.home });
    expect(show.code).toBe(0);
    expect(existsSync(join(home.home, 'again.html'))).toBe(true);

    const replay = await runCli(['investigate', 'replay', id], { home: home.home });
    expect(replay.stdout).toMatch(/reproduced/);
    expect(replay.code).toBe(0);

    const status = await runCli(['status', '--json'], { home: home.home });
    expect(JSON.parse(status.stdout)).toMatchObject({ investigations_24h: { count: 2 } });
  });

  it('an approver approving a proposal from the CLI runs it exactly once', async () => {
    const run = await runCli(['investigate', '--alert-id', 'XDR-2026-001234', '--json'], { home: home.home });
    const result = JSON.parse(run.stdout) as { proposals: Array<{ tool: string; input: { hostname?: string }; approvalId?: string }> };
    const isolate = result.proposals.find((proposal) => proposal.tool === 'secure_endpoint.isolate_host' && proposal.input.hostname === 'workstation-042')!;
    const before = (await labRequests(lab.url, { product: 'secure_endpoint' })).filter(isMutating).length;
    const approve = await runCli(['approvals', 'approve', isolate.approvalId!, '--json'], { home: home.home });
    expect(approve.code, approve.stderr).toBe(0);
    expect(JSON.parse(approve.stdout)).toMatchObject({ state: 'approved', executed: { tool: 'secure_endpoint.isolate_host', outcome: 'succeeded' } });
    const isolations = (await labRequests(lab.url, { product: 'secure_endpoint' })).filter(isMutating);
    expect(isolations.length - before).toBe(1);
    expect(isolations.at(-1)!.path).toMatch(/\/isolation$/);
    // Deciding again changes nothing and runs nothing.
    expect((await runCli(['approvals', 'approve', isolate.approvalId!], { home: home.home })).code).not.toBe(0);
    expect((await labRequests(lab.url, { product: 'secure_endpoint' })).filter(isMutating).length - before).toBe(1);
  });

  it('refuses bad input with exit 2 and reports an unknown incident as a failed job', async () => {
    const bad = await runCli(['investigate', '--alert-id', 'XDR 1; rm -rf /'], { home: home.home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--alert-id: .* is not an incident id/);
    expect((await runCli(['investigate', '--alert-id', 'XDR-2026-001234', '--output', 'report.pdf'], { home: home.home })).code).toBe(2);
    expect((await runCli(['investigate'], { home: home.home })).code).toBe(2);
    expect((await runCli(['investigate', 'replay', 'inv-nope'], { home: home.home })).code).toBe(1);
    const missing = await runCli(['investigate', '--alert-id', 'XDR-2026-999999'], { home: home.home });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/FAILED RESULT:\n\s+- the investigation failed: incident XDR-2026-999999 not found/);
  });

  it('looks up one asset across products', async () => {
    const asset = await runCli(['investigate', 'asset', '--id', 'endpoint:workstation-042', '--last', '24h', '--format', 'json'], { home: home.home });
    expect(asset.code, asset.stderr).toBe(0);
    const parsed = JSON.parse(asset.stdout) as { hostname: string; records: Array<{ source: string }>; timeline: Array<{ title: string }> };
    expect(parsed.hostname).toBe('workstation-042');
    expect(parsed.records.map((record) => record.source).sort()).toEqual(['crowdstrike', 'secure-endpoint']);
    expect(parsed.timeline.map((entry) => entry.title)).toContain('Credential dumping from LSASS memory');
    expect((await runCli(['investigate', 'asset', '--id', 'endpoint:../etc'], { home: home.home })).code).toBe(2);
  });
});

describe('defenseclaw demo', () => {
  it('runs the whole investigation on an embedded lab in a temporary home', async () => {
    const other = temporaryHome();
    try {
      const demo = await runCli(['demo'], { home: other.home });
      expect(demo.code, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/Investigation inv-\S+ of XDR-2026-001234/);
      expect(demo.stdout).toMatch(/Timeline \(62 events\)/);
      const report = /HTML report: (\S+)/.exec(demo.stdout)![1]!;
      expect(existsSync(report)).toBe(true);
      const demoHome = /export DEFENSECLAW_HOME=(\S+)/.exec(demo.stdout)![1]!;
      expect(report.startsWith(demoHome)).toBe(true);
      rmSync(demoHome, { recursive: true, force: true });
      // The user's home was not touched.
      expect(existsSync(join(other.home, 'config.yaml'))).toBe(false);
    } finally {
      other.cleanup();
    }
  });
});
