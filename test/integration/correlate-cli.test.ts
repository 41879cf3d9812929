/**
 * Issue 8 on the command line: `rule create|list|show|test` (bad rules give their location and
 * store nothing) and `event correlate` (rules, --output, --pushdown, --explain, --ioc) against the lab.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORY } from '../../src/lab/scenario/index.js';
import { runCli } from '../helpers/cli.js';
import { journalMark, startGatewayLab, type GatewayLab } from '../helpers/gateway-lab.js';

let lab: GatewayLab;
beforeAll(async () => {
  lab = await startGatewayLab();
});
afterAll(async () => {
  await lab.close();
});

const cli = (...args: string[]) => runCli(args, { home: lab.home });

/** Writes a file in the home (the CLI's working directory) and returns its relative name. */
function file(name: string, text: string): string {
  writeFileSync(join(lab.home, name), text);
  return name;
}

const GOOD_RULE = `title: Admin share access after many failures
name: admin_share_after_failures
level: critical
correlation:
  type: temporal_ordered
  rules: [failures_from_source, admin_share_access]
  group-by: [src.ip]
  timespan: 1h
---
title: Failures from one source
name: failures_from_source
correlation:
  type: event_count
  rules: [any_failed_logon]
  group-by: [src.ip]
  timespan: 15m
  condition:
    gte: 20
---
title: Any failed logon
name: any_failed_logon
logsource: {category: authentication}
detection:
  selection: {class: authentication, outcome: failure}
  condition: selection
---
title: Admin share accessed
name: admin_share_access
logsource: {product: windows}
detection:
  selection:
    event_code: 5140
    share|endswith: 'ADMIN$'
  condition: selection
`;

/** Malformed rules: each problem must come back as file:line:col, and nothing may be stored. */
const BAD_RULES: Array<[name: string, text: string, location: RegExp]> = [
  ['yaml-syntax', 'title: Broken\ndetection:\n  selection: {class: [authentication\n  condition: selection\n', /^defenseclaw: bad-yaml-syntax\.yaml:\d+:\d+: YAML syntax error/m],
  ['unknown-modifier', 'title: Bad modifier\nlogsource: {category: authentication}\ndetection:\n  selection:\n    user.name|startwith: svc_\n  condition: selection\n', /^defenseclaw: bad-unknown-modifier\.yaml:5:5: .*unknown modifier "startwith" \(did you mean "startswith"\?\)/m],
  ['unknown-reference', 'title: Dangling\ncorrelation:\n  type: event_count\n  rules: [no_such_rule]\n  group-by: [src.ip]\n  timespan: 10m\n  condition: {gte: 3}\n', /^defenseclaw: bad-unknown-reference\.yaml:4:\d+: .*unknown rule "no_such_rule"/m],
  ['bad-timespan', 'title: Bad span\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [src.ip]\n  timespan: 10M\n  condition: {gte: 3}\n', /^defenseclaw: bad-bad-timespan\.yaml:6:\d+: /m],
  // The built-in rule's id: rules resolve across files, so ids must stay unique across them.
  ['duplicate-id', 'title: Copy\nid: 6d0b7a4e-3f1c-4e55-9a0e-2b8f4c1d7e90\nlogsource: {category: authentication}\ndetection:\n  selection: {class: authentication}\n  condition: selection\n', /^defenseclaw: bad-duplicate-id\.yaml:2:\d+: .*duplicate id .*rules\/brute-force-then-login\.yaml:\d+:\d+/m],
];

describe('defenseclaw rule', () => {
  it.each(BAD_RULES)('create refuses a malformed rule (%s) with its location, exit 2, and stores nothing', async (name, text, location) => {
    const result = await cli('rule', 'create', '--name', name, '--description', 'broken', '--file', file(`bad-${name}.yaml`, text));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(location);
    expect(result.stdout).toBe('');
    expect(existsSync(join(lab.home, 'rules')) ? readdirSync(join(lab.home, 'rules')) : []).toEqual([]);
    const list = await cli('rule', 'list', '--json');
    expect((JSON.parse(list.stdout) as Array<{ origin: string }>).map((entry) => entry.origin)).toEqual(['built-in']);
  });

  it('create validates and stores; list, show and a second create (needs --replace) follow', async () => {
    const created = await cli('rule', 'create', '--name', 'admin-share', '--description', 'Admin share after a failure burst', '--file', file('admin-share.yaml', GOOD_RULE), '--json');
    expect(created.code, created.stderr).toBe(0);
    const stored = JSON.parse(created.stdout) as { name: string; file: string; createdBy: string; rules: Array<{ name: string }> };
    expect(stored).toMatchObject({ name: 'admin-share', file: join(lab.home, 'rules', 'admin-share.yaml') });
    expect(stored.rules.map((rule) => rule.name)).toEqual(['admin_share_after_failures', 'failures_from_source', 'any_failed_logon', 'admin_share_access']);
    expect(readFileSync(stored.file, 'utf8')).toBe(GOOD_RULE);

    const list = await cli('rule', 'list');
    expect(list.stdout).toMatch(/brute-force-then-login\s+built-in\s+4\s+brute_force_then_login \(high\)/);
    expect(list.stdout).toMatch(/admin-share\s+stored\s+4\s+admin_share_after_failures \(critical\)\s+Admin share after a failure burst/);

    const show = await cli('rule', 'show', 'admin-share');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('admin-share (stored)');
    expect(show.stdout).toContain('temporal_ordered of failures_from_source, admin_share_access by src.ip within 1h');
    expect(show.stdout).toContain(GOOD_RULE);
    const one = JSON.parse((await cli('rule', 'show', 'brute_force_then_login', '--json')).stdout) as { name: string; rules: Array<{ name: string }> };
    expect(one).toMatchObject({ name: 'brute-force-then-login', rules: [{ name: 'brute_force_then_login' }] });

    const again = await cli('rule', 'create', '--name', 'admin-share', '--description', 'x', '--file', 'admin-share.yaml');
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('--replace') });
    expect((await cli('rule', 'create', '--name', 'admin-share', '--description', 'Replaced', '--file', 'admin-share.yaml', '--replace')).code).toBe(0);
    expect((await cli('rule', 'show', 'nothing-like-it')).code).toBe(2);
    expect((await cli('rule', 'create', '--name', '../escape', '--description', 'x', '--file', 'admin-share.yaml')).code).toBe(2);
  });

  it('test runs a rule file over JSONL events; a bad event line gives its location', async () => {
    const time = Date.parse('2026-03-01T10:00:00Z');
    const logon = (offset: number, outcome: string) => JSON.stringify({ time: time + offset, fields: { class: 'authentication', outcome, 'src.ip': '10.0.0.9', 'user.name': 'alice', 'dst.host': 'srv-x' } });
    const lines = [...Array.from({ length: 12 }, (_, index) => logon(index * 1000, 'failure')), logon(60_000, 'success')];
    const events = file('logons.jsonl', `${lines.join('\n')}\n`);
    const builtIn = join(process.cwd(), 'rules/brute-force-then-login.yaml');
    const result = await cli('rule', 'test', builtIn, '--events', events, '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { events: number; correlations: Array<{ rule: { name: string }; group: Record<string, string>; events: Array<{ line: number }> }> };
    expect(report.events).toBe(13);
    expect(report.correlations).toHaveLength(1);
    expect(report.correlations[0]).toMatchObject({ rule: { name: 'brute_force_then_login' }, group: { 'src.ip': '10.0.0.9', 'user.name': 'alice', 'dst.host': 'srv-x' } });
    expect(report.correlations[0]!.events.at(-1)!.line).toBe(13);

    const text = await cli('rule', 'test', builtIn, '--events', events);
    expect(text.stdout).toMatch(/HIGH brute_force_then_login \[temporal_ordered\] src\.ip=10\.0\.0\.9 user\.name=alice dst\.host=srv-x/);

    const bad = await cli('rule', 'test', 'admin-share.yaml', '--events', file('bad.jsonl', `${lines[0]}\n{"time": "yesterday", "fields": {}}\nnot json\n`));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^defenseclaw: bad\.jsonl:2:1: /m);
    expect(bad.stderr).toMatch(/^defenseclaw: bad\.jsonl:3:1: not JSON/m);
  });
});

describe('defenseclaw event correlate', () => {
  it('finds the brute force, prints it and writes the JSON report', async () => {
    const result = await cli('event', 'correlate', '--last', '4h', '--sources', 'cisco-xdr,crowdstrike,splunk,sentinel', '--rules', 'brute-force-then-login', '--output', 'correlation.json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('1 correlation(s)');
    expect(result.stdout).toContain(`HIGH brute_force_then_login — Brute force then successful logon [temporal_ordered]`);
    expect(result.stdout).toContain(`group: src.ip=${STORY.victimIp} user.name=${STORY.serviceAccount} dst.host=${STORY.targetHost}`);
    expect(result.stderr).toContain(`report: ${join(lab.home, 'correlation.json')}`);
    const report = JSON.parse(readFileSync(join(lab.home, 'correlation.json'), 'utf8')) as { kind: string; correlations: Array<{ group: Record<string, string>; events: unknown[] }>; sources: Array<{ source: string }> };
    expect(report.kind).toBe('defenseclaw.correlation-report');
    expect(report.correlations).toHaveLength(1);
    expect(report.correlations[0]!.events).toHaveLength(11);
    expect(new Set(report.sources.map((source) => source.source))).toEqual(new Set(['cisco-xdr', 'crowdstrike', 'splunk', 'sentinel']));
  });

  it('--rules picks stored and given rule files; --pushdown --explain shows the SPL and KQL it ran', async () => {
    const result = await cli('event', 'correlate', '--last', '4h', '--sources', 'splunk,sentinel', '--rules', 'brute_force_then_login', '--pushdown', '--explain');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Push-down queries run:');
    // The 40 failures span under 10 minutes: one or two 10m bins, depending on where the lab's clock puts them.
    expect(result.stdout).toMatch(/\[candidates\] splunk splunk \(splunk\.search\) for many_failed_logons · [12] row\(s\)/);
    expect(result.stdout).toContain('| bin _time span=10m | stats count as window_count by _time, src_ip, user, dest | where window_count >= 3');
    expect(result.stdout).toContain('summarize window_count = count() by bin(TimeGenerated, 10m), IpAddress, TargetUserName, Computer');
    expect(result.stdout).toMatch(/\[fetch\] sentinel SecurityEvent \(sentinel\.query\) for failed_logon, successful_logon · 41 row\(s\), 41 event\(s\)/);
    expect(result.stdout).toContain('1 correlation(s)');

    // The rule stored above (by name) fires on the lab too: the failures, then SMB to ADMIN$.
    const stored = JSON.parse((await cli('event', 'correlate', '--last', '4h', '--rules', 'admin-share', '--json')).stdout) as { correlations: Array<{ rule: { name: string }; group: Record<string, string> }> };
    expect(stored.correlations.map((correlation) => [correlation.rule.name, correlation.group])).toEqual([['admin_share_after_failures', { 'src.ip': STORY.victimIp }]]);

    // A rule file given on the command line runs with the others; only its results are reported.
    const probe = file('probe.yaml', 'title: Successful logon to the database server\nname: db_logon_probe\nlogsource: {category: authentication}\ndetection:\n  selection: {dst.host: srv-db-01, outcome: success}\n  condition: selection\n');
    const json = JSON.parse((await cli('event', 'correlate', '--last', '4h', '--sources', 'splunk', '--rules', probe, '--json')).stdout) as { rules: Array<{ file: string }>; correlations: unknown[]; detections: Array<{ event: { user: string } }> };
    expect(json.rules.map((rule) => rule.file)).toEqual(['probe.yaml']);
    expect(json.correlations).toEqual([]);
    expect(json.detections.map((detection) => detection.event.user)).toContain(STORY.serviceAccount);
  });

  it('--explain alone prints the queries and reads nothing', async () => {
    const before = await journalMark(lab.lab.url);
    const result = await cli('event', 'correlate', '--explain', '--sources', 'splunk,sentinel', '--rules', 'brute-force-then-login');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Push-down queries (not run):');
    expect(result.stdout).toContain('SecurityEvent | where (EventID == 4625 or EventID == 4624)');
    expect(result.stdout).not.toContain('SigninLogs');
    expect(result.stdout).toContain('restricted to the candidate groups');
    expect(await journalMark(lab.lab.url)).toBe(before);
  });

  it('--ioc pivots on an indicator across the products', async () => {
    const result = await cli('event', 'correlate', '--ioc', STORY.attackerIp, '--ioc-type', 'ip', '--last', '7d', '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { indicator: { type: string }; products: Array<{ product: string }>; timeline: unknown[] };
    expect(report.indicator.type).toBe('ip');
    expect(report.products.map((product) => product.product)).toEqual(['cisco-xdr', 'secure-endpoint', 'secure-firewall', 'sentinel', 'splunk']);
    const text = await cli('event', 'correlate', '--ioc', STORY.attackerIp);
    expect(text.stdout).toMatch(new RegExp(`^${STORY.attackerIp.replaceAll('.', '\\.')} \\(ip\\) · .* · \\d+ sighting\\(s\\) in 5 product\\(s\\)`));
    expect(text.stdout).toContain('Outbound TLS to known-bad address');
  });

  it.each([
    [['--last', 'forever'], /--last: "forever" is not a duration/],
    [['--sources', 'splunk,bogus'], /--sources: unknown source "bogus"/],
    [['--sources', 'splnk'], /did you mean "splunk"/],
    [['--rules', 'no_such_rule'], /--rules: no rule file, id or name "no_such_rule"/],
    [['--output', 'report.txt'], /--output: "report.txt" must end in \.json/],
    [['--ioc-type', 'ip'], /--ioc-type needs --ioc/],
    [['--ioc', '999.1.1.1', '--ioc-type', 'ip'], /is not an IPv4 or IPv6 address/],
    [['--ioc', 'jdoe'], /say what it is with --ioc-type host or --ioc-type user/],
    [['--ioc', 'x.example', '--ioc-type', 'url'], /--ioc-type: "url" is not one of/],
    [['--ioc', '10.0.0.1', '--pushdown'], /--rules, --pushdown and --explain apply to rule correlation/],
    [['--explain', '--sources', 'crowdstrike'], /--explain: push-down writes queries for splunk/],
  ])('exits 2 on bad input: %j', async (args, message) => {
    const before = await journalMark(lab.lab.url);
    const result = await cli('event', 'correlate', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(await journalMark(lab.lab.url)).toBe(before);
  });
});
