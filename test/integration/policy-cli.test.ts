/**
 * `defenseclaw policy list|validate|check|enforce|schedule|history|show` and `report compliance`:
 * usage, bad input (exit 2, file:line:col), user policies, schedules, and the compliance report
 * with product text planted in the lab world (every value escaped; the JSON parses).
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ComplianceReport, PolicyRunResult } from '../../src/policy/index.js';
import { isMutating, labRequests, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';
import { runCli } from '../helpers/cli.js';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

let env: GatewayLab;
beforeEach(async () => {
  env = await startGatewayLab();
});
afterEach(async () => {
  await env.close();
});

const cli = (args: string[]) => runCli(args, { home: env.home });

const USER_POLICY = `name: server-naming
description: Servers carry a department tag.
version: 0.1.0
checks:
  - id: department-tag
    title: Servers are tagged with their department
    severity: low
    rationale: Owners are found by department.
    cis: ["CIS 1.1"]
    applies_to: "hostname contains 'srv-'"
    condition: "'it' in tags or 'finance' in tags or 'engineering' in tags"
`;

describe('policy CLI', () => {
  it('lists built-in and user policies (config policy.directory), as a table and as JSON', async () => {
    mkdirSync(join(env.home, 'policies'));
    writeFileSync(join(env.home, 'policies', 'server-naming.yaml'), USER_POLICY);
    const text = await cli(['policy', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^NAME\s+VERSION\s+ORIGIN\s+CHECKS\s+DESCRIPTION/);
    expect(text.stdout).toMatch(/endpoint-hardening\s+1\.0\.0\s+built-in\s+6\s+/);
    expect(text.stdout).toMatch(/server-naming\s+0\.1\.0\s+user\s+1\s+/);
    const json = JSON.parse((await cli(['policy', 'list', '--json'])).stdout) as Array<{ name: string; valid: boolean; checks: Array<{ id: string; cis: string[]; remediation: string | null; live: string | null }> }>;
    expect(json.map((entry) => entry.name)).toEqual(['cis-controls', 'endpoint-hardening', 'server-naming']);
    expect(json[1]!.checks.find((check) => check.id === 'no-unresolved-critical-detection')).toMatchObject({ live: 'crowdstrike.list_alerts', remediation: 'crowdstrike.contain_host' });
    // A user policy runs like a built-in.
    const run = await cli(['policy', 'check', '--policy', 'server-naming', '--json']);
    expect(run.code).toBeLessThanOrEqual(1);
    expect((JSON.parse(run.stdout) as PolicyRunResult).checks).toMatchObject([{ policy: 'server-naming', checkId: 'department-tag' }]);
  });

  it('validate: ok for a good file; every problem at its file:line:col with exit 2 for a bad one', async () => {
    const good = await cli(['policy', 'validate', join(process.cwd(), 'policies', 'endpoint-hardening.yaml')]);
    expect(good.code).toBe(0);
    expect(good.stdout).toBe('ok: endpoint-hardening v1.0.0, 6 check(s), 4 with a remediation\n');
    writeFileSync(join(env.home, 'bad.yaml'), USER_POLICY.replace('severity: low', 'severity: lowest').replace("'it' in tags", "'it' in tagz"));
    const bad = await cli(['policy', 'validate', 'bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toEqual([
      'defenseclaw: bad.yaml:7:15: checks.0.severity: expected one of info|low|medium|high|critical, got "lowest"',
      'defenseclaw: bad.yaml:11:25: checks.0.condition: "tagz" reads unknown name "tagz" (did you mean "tags"?)',
    ]);
    const json = await cli(['policy', 'validate', 'bad.yaml', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, problems: [{ line: 7, column: 15, path: 'checks.0.severity' }, { line: 11, column: 25 }] });
    // An invalid user policy stops a run of it (or of all) before anything is read.
    mkdirSync(join(env.home, 'policies'));
    writeFileSync(join(env.home, 'policies', 'bad.yaml'), readFileSync(join(env.home, 'bad.yaml')));
    const run = await cli(['policy', 'check', '--all']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.yaml:7:15: checks.0.severity');
    expect(await labRequests(env.lab.url)).toEqual([]);
  });

  it.each([
    [['policy', 'check'], 'policy check: --policy <name> or --all is required'],
    [['policy', 'check', '--policy', 'endpoint-hardening', '--all'], 'give either --policy <name> or --all, not both'],
    [['policy', 'check', '--policy', 'Endpoint Hardening'], '--policy: "Endpoint Hardening" is not a policy name'],
    [['policy', 'check', '--policy', 'endpoint-hardenin'], 'no policy named "endpoint-hardenin" (did you mean "endpoint-hardening"?)'],
    [['policy', 'check', '--all', '--output', 'drift.pdf'], '--output: "drift.pdf" must end in .md or .json'],
    [['policy', 'check', 'bad host!', '--all'], 'resource "bad host!" is not a host name, FQDN or asset key'],
    [['policy', 'enforce', '--dry-run'], 'policy enforce: --policy <name> is required'],
    [['policy', 'schedule', '--policy', 'all'], '--cron "<expression>" are required'],
    [['policy', 'show', 'pol-nope'], 'no finished policy run "pol-nope"'],
    [['report', 'compliance'], 'report compliance: --framework is required (CIS)'],
    [['report', 'compliance', '--framework', 'NIST'], '--framework: "NIST" is not supported (CIS)'],
    [['report', 'compliance', '--framework', 'CIS', '--output', 'report.pdf'], '--output: "report.pdf" must end in .html or .json'],
    [['report', 'compliance', '--framework', 'CIS', '--run', 'yesterday'], '--run: "yesterday" is not a policy run id (pol-…) or latest'],
  ])('%j is bad input: exit 2, one line on stderr, nothing read', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(await labRequests(env.lab.url)).toEqual([]);
  });

  it('an unknown resource is bad input too (exit 2), after the inventory was read', async () => {
    const result = await cli(['policy', 'check', 'no-such-host', '--policy', 'endpoint-hardening']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no asset "no-such-host" in the inventory snapshot of .*inventory scan/);
  });

  it('has --help for every policy and report command', async () => {
    for (const path of [['policy'], ['policy', 'list'], ['policy', 'validate'], ['policy', 'check'], ['policy', 'enforce'], ['policy', 'schedule'], ['policy', 'history'], ['policy', 'show'], ['report'], ['report', 'compliance']]) {
      const result = await cli([...path, '--help']);
      expect(result.code, path.join(' ')).toBe(0);
      expect(result.stdout).toContain('Usage: defenseclaw');
      if (path.length > 1 && path[1] !== 'list') expect(result.stdout).toContain('--json');
    }
    expect((await cli(['policy', 'check', '--help'])).stdout).toContain('defenseclaw policy check srv-db-01 --policy endpoint-hardening');
  });

  it('schedule persists a policy job for the scheduler; bad cron, target or policy is refused with exit 2', async () => {
    const ok = await cli(['policy', 'schedule', '--policy', 'endpoint-hardening', '--cron', '0 6 * * *', '--notify', '#soc-reports']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('scheduled policy:endpoint-hardening: policy check endpoint-hardening at "0 6 * * *", results to #soc-reports\n');
    const json = await cli(['policy', 'schedule', '--policy', 'all', '--cron', '30 5 * * 1-5', '--notify', 'C0LABSOC01', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'policy:all', kind: 'policy', schedule: '30 5 * * 1-5', params: { policy: 'all' }, notify: 'C0LABSOC01', createdBy: expect.stringMatching(/^cli:/) });
    expect(env.runtime.scheduler().list().map((job) => [job.name, job.kind, job.params])).toEqual([
      ['policy:all', 'policy', { policy: 'all' }],
      ['policy:endpoint-hardening', 'policy', { policy: 'endpoint-hardening' }],
    ]);
    for (const args of [
      ['--policy', 'endpoint-hardening', '--cron', 'every morning', '--notify', '#soc', '--name', 'x1'],
      ['--policy', 'endpoint-hardening', '--cron', '0 6 * * *', '--notify', 'not a target', '--name', 'x2'],
      // E-mail needs smtp.* configured, which the lab config leaves to ${SMTP_HOST}.
      ['--policy', 'endpoint-hardening', '--cron', '0 6 * * *', '--notify', 'secops@example.com', '--name', 'x3'],
      ['--policy', 'no-such-policy', '--cron', '0 6 * * *', '--notify', '#soc'],
      ['--policy', 'endpoint-hardening', '--cron', '0 6 * * *', '--notify', '#soc'],
    ]) {
      const refused = await cli(['policy', 'schedule', ...args]);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).not.toBe('');
    }
    expect(env.runtime.scheduler().list()).toHaveLength(2);
  });

  it('history and show list and replay stored runs', async () => {
    const check = await cli(['policy', 'check', 'srv-db-01', '--policy', 'endpoint-hardening', '--json']);
    const run = JSON.parse(check.stdout) as PolicyRunResult;
    const history = await cli(['policy', 'history']);
    expect(history.stdout).toMatch(new RegExp(`${run.id}\\s+endpoint-hardening\\s+check\\s+complete`));
    const show = await cli(['policy', 'show', run.id, '--json']);
    expect(JSON.parse(show.stdout)).toEqual(run);
    expect((await cli(['policy', 'show', run.id])).stdout).toContain(`Policy check endpoint-hardening on srv-db-01 (run ${run.id}, complete)`);
  });
});

describe('report compliance', () => {
  it('writes self-contained HTML with charts where planted product text stays text, and JSON that parses', async () => {
    // Product text from the lab world: an OS name and a connector version carrying markup.
    const host = env.lab.world.inventory.current.find((candidate) => candidate.hostname === 'ws-0003' || (candidate.hostname.startsWith('ws-') && candidate.secureEndpoint !== undefined))!;
    host.os = { ...host.os, name: XSS };
    host.secureEndpoint!.connectorVersion = `8.4.1${XSS}`;

    const html = await cli(['report', 'compliance', '--framework', 'CIS', '--output', 'compliance-report.html']);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toMatch(/^CIS compliance: \d+ of \d+ control\(s\) pass, \d+ fail .*\(run pol-/);
    const file = join(env.home, 'compliance-report.html');
    expect(html.stdout).toContain(`Report: ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const page = readFileSync(file, 'utf8');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain(`<code>${host.hostname}</code>`);
    expect(page).toMatch(/<svg [^>]*role="img"/);
    expect(page).toContain('CIS 10.1 — Deploy and Maintain Anti-Malware Software');
    expect(page).toContain('CIS 2.2 — Ensure Authorized Software is Currently Supported');

    const json = await cli(['report', 'compliance', '--framework', 'cis', '--output', 'compliance-report.json', '--run', 'latest']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(env.home, 'compliance-report.json'), 'utf8')) as ComplianceReport;
    expect(report).toMatchObject({ schema: 'defenseclaw.compliance/v1', framework: 'CIS' });
    // --run latest reports the run the HTML was built from.
    expect(html.stdout).toContain(report.run.id);
    expect(report.controls.map((control) => control.id)).toEqual(['CIS 1.1', 'CIS 1.2', 'CIS 2.2', 'CIS 7.3', 'CIS 10.1', 'CIS 10.2', 'CIS 10.7', 'CIS 13.2', 'CIS 17.4']);
    const supported = report.controls.find((control) => control.id === 'CIS 2.2')!;
    expect(supported.status).toBe('fail');
    const planted = supported.assetResults.find((asset) => asset.hostname === host.hostname)!;
    expect(planted.checks[0]!.evidence.observed['os.name']).toBe(XSS);
    const eol = env.lab.world.inventory.current.filter((candidate) => candidate.os.endOfLife && (candidate.secureEndpoint !== undefined || candidate.crowdstrike !== undefined));
    expect(supported.assets.fail).toBe(eol.length);
    // Building the report only read.
    expect((await labRequests(env.lab.url)).filter(isMutating)).toEqual([]);

    const summary = await cli(['report', 'compliance', '--framework', 'CIS', '--run', report.run.id, '--json']);
    expect(JSON.parse(summary.stdout)).toMatchObject({ format: 'html', file: join(env.home, 'reports', `compliance-${report.run.id}.html`), run: { id: report.run.id } });
  });
});
