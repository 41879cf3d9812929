/**
 * Inputs that reach queries or the engine: indicators (checked before any query), the pivot's
 * SPL/KQL, which reports count as sightings, JSONL events for `rule test`, and stored rules.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../../src/connectors/model/index.js';
import { InputError, UsageError, formatProblem } from '../../../src/core/errors/index.js';
import { readEventLines } from '../../../src/correlate/events/index.js';
import { mentionsIndicator, parseIndicator, planPivotReads, sentinelPivotQueries, splunkPivotQuery } from '../../../src/correlate/pivot/index.js';
import { RuleLibrary } from '../../../src/correlate/rule-library.js';
import { RuleRepository } from '../../../src/store/rule-repository.js';

describe('indicators', () => {
  it('are typed, checked and put in comparable form', () => {
    expect(parseIndicator('185.220.101.5')).toEqual({ type: 'ip', value: '185.220.101.5' });
    expect(parseIndicator('2001:DB8::1')).toEqual({ type: 'ip', value: '2001:db8::1' });
    expect(parseIndicator('Update-Check.Example-CDN.net.')).toEqual({ type: 'domain', value: 'update-check.example-cdn.net' });
    expect(parseIndicator('9E8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A2F1E0D9C8B7A6F5E4D3C2B1A0F9E8D')).toMatchObject({ type: 'sha256' });
    expect(parseIndicator('WORKSTATION-042.corp.example.com', 'host')).toEqual({ type: 'host', value: 'workstation-042' });
    expect(parseIndicator('CORP\\jdoe', 'user')).toEqual({ type: 'user', value: 'corp\\jdoe' });
  });

  it.each([
    ['jdoe', undefined],
    ['1.2.3.4; drop', 'ip'],
    ['bad domain', 'domain'],
    ['abc', 'sha256'],
    ['host name', 'host'],
    ['"quoted"', 'user'],
    ['x', 'url'],
    ['', undefined],
  ])('refuses %j as %s (exit 2, before any query)', (value, type) => {
    expect(() => parseIndicator(value, type)).toThrow(UsageError);
  });

  it('are quoted in SPL and KQL', () => {
    expect(splunkPivotQuery({ type: 'user', value: 'corp\\jdoe' })).toBe('search (user="jdoe" OR Account_Name="jdoe" OR src_user="corp\\\\jdoe" OR recipient="jdoe@*")');
    expect(sentinelPivotQueries({ type: 'user', value: 'corp\\jdoe' })).toEqual([
      ['SigninLogs', 'SigninLogs | where UserPrincipalName =~ "corp\\\\jdoe" or UserPrincipalName startswith "jdoe@"'],
      ['SecurityEvent', 'SecurityEvent | where TargetUserName =~ "jdoe" or Account endswith "\\\\jdoe"'],
    ]);
    expect(sentinelPivotQueries({ type: 'domain', value: 'x.example' })).toEqual([]);
  });

  it('plan one read per source that can hold them, filtering in the product where it can', () => {
    const reads = planPivotReads({ type: 'sha256', value: 'a'.repeat(64) }, ['cisco-xdr', 'secure-endpoint', 'crowdstrike', 'splunk', 'sentinel', 'umbrella'], 86_400);
    expect(reads.map((read) => read.tool)).toEqual(['cisco_xdr.get_events', 'secure_endpoint.list_events', 'crowdstrike.list_alerts', 'splunk.search']);
    expect(reads[1]!.input).toMatchObject({ sha256: 'a'.repeat(64), since_hours: 24 });
    expect(reads[2]!.input).toMatchObject({ filter: `sha256:'${'a'.repeat(64)}'`, since: '86400s' });
    const firewallOnly = planPivotReads({ type: 'ip', value: '10.0.0.1' }, ['secure-firewall'], 3600);
    expect(firewallOnly).toMatchObject([{ source: 'secure-firewall', tool: 'splunk.search', input: { query: expect.stringMatching(/ sourcetype="cisco:ftd\*"$/) } }]);
  });
});

describe('sightings', () => {
  const event = (patch: Partial<SecurityEvent>): SecurityEvent => ({
    id: 'x:1', time: '2026-03-01T10:00:00.000Z', class: 'network_activity', classUid: 4001, severity: 'info', source: 'splunk', title: 'Connection', fields: {},
    entities: { hosts: [], users: [], ips: [], domains: [], hashes: [], urls: [] }, raw: {}, ...patch,
  });

  it('count when the report names the indicator, not a longer value that contains it', () => {
    const ip = parseIndicator('185.220.101.5');
    expect(mentionsIndicator(event({ entities: { hosts: [], users: [], ips: ['185.220.101.5'], domains: [], hashes: [], urls: [] } }), ip)).toBe(true);
    expect(mentionsIndicator(event({ entities: { hosts: [], users: [], ips: [], domains: [], hashes: [], urls: ['http://185.220.101.5/update.bin'] } }), ip)).toBe(true);
    expect(mentionsIndicator(event({ message: 'SrcIP: 10.0.0.1, DstIP: 185.220.101.5, SrcPort: 1' }), ip)).toBe(true);
    expect(mentionsIndicator(event({ message: 'DstIP: 185.220.101.50' }), ip)).toBe(false);
    expect(mentionsIndicator(event({ fields: { dst_ip: '185.220.101.51' } }), ip)).toBe(false);
    const domain = parseIndicator('example-cdn.net');
    expect(mentionsIndicator(event({ entities: { hosts: [], users: [], ips: [], domains: ['update-check.example-cdn.net'], hashes: [], urls: [] } }), domain)).toBe(true);
    expect(mentionsIndicator(event({ fields: { domain: 'notexample-cdn.net' } }), domain)).toBe(false);
    expect(mentionsIndicator(event({ fields: { user: 'CORP\\JDoe' } }), parseIndicator('jdoe@corp.example.com', 'user'))).toBe(true);
  });
});

describe('events for rule test (JSONL)', () => {
  it('takes flat events and SecurityEvents', () => {
    const text = [
      JSON.stringify({ time: '2026-03-01T10:00:00Z', fields: { class: 'authentication', outcome: 'failure', 'src.ip': '10.0.0.1', 'entities.ips': ['10.0.0.1'] } }),
      '',
      JSON.stringify({ id: 'splunk:main:1', time: '2026-03-01T10:00:01Z', class: 'authentication', severity: 'low', source: 'splunk', title: 'Failed', entities: { hosts: ['srv-db-01'], users: ['svc_backup'], ips: ['10.0.0.1'], domains: [], hashes: [], urls: [] }, fields: { user: 'svc_backup', src_ip: '10.0.0.1', host: 'srv-db-01', outcome: 'failure' } }),
    ].join('\n');
    const events = readEventLines(text, 'events.jsonl');
    expect(events.map((event) => event.ref)).toEqual([{ line: 1, time: '2026-03-01T10:00:00.000Z' }, { line: 3, id: 'splunk:main:1', time: '2026-03-01T10:00:01.000Z' }]);
    expect(events[1]!.fields).toMatchObject({ class: 'authentication', outcome: 'failure', 'user.name': 'svc_backup', 'dst.host': 'srv-db-01', 'src.ip': '10.0.0.1' });
  });

  it('reports every bad line with its location', () => {
    const error = (() => {
      try {
        readEventLines('{"time": 1, "fields": {}}\n{"time": 1\n{"time": "never", "fields": {}}\n{"class": "authentication", "entities": {}}\n', 'events.jsonl');
      } catch (caught) {
        return caught as InputError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^events\.jsonl:2:1: not JSON/),
      expect.stringMatching(/^events\.jsonl:3:1: expected \{"time": …, "fields": \{…\}\} or a SecurityEvent: time: /),
      expect.stringMatching(/^events\.jsonl:4:1: not a SecurityEvent: /),
    ]);
  });
});

describe('stored rules', () => {
  let directory: string;
  let library: RuleLibrary;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'defenseclaw-rules-'));
    library = new RuleLibrary({ store: new RuleRepository(join(directory, 'rules')) });
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const create = (name: string, text: string, replace = false) => library.create({ name, description: 'test rule', text, file: `${name}.yaml`, createdBy: 'cli:test', createdAt: '2026-03-01T00:00:00.000Z', replace });

  it('a rule referencing a built-in one is checked against it, stored as given, and joins the collection', () => {
    const text = 'title: Many failures, any account\nname: many_failures_any\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [src.ip]\n  timespan: 5m\n  condition: {gte: 20}\n';
    const { stored, rules } = create('failures', text);
    expect(rules.map((rule) => rule.name)).toEqual(['many_failures_any']);
    expect(readFileSync(stored.file, 'utf8')).toBe(text);
    expect(JSON.parse(readFileSync(join(directory, 'rules', 'failures.meta.json'), 'utf8'))).toMatchObject({ name: 'failures', description: 'test rule', createdBy: 'cli:test' });
    const loaded = library.load();
    expect(loaded.files.map((file) => `${file.origin}:${file.name}`)).toEqual(['built-in:brute-force-then-login', 'stored:failures']);
    expect([...library.select(loaded, ['failures'])].map((index) => loaded.collection.rules[index]!.name)).toEqual(['many_failures_any']);
    expect(() => library.select(loaded, ['failurs'])).toThrow(/did you mean "failures"/);
  });

  it('nothing is written for a bad rule, a taken name or a bad name', () => {
    expect(() => create('broken', 'title: x\ndetection:\n  selection: {a: 1}\n  condition: selction\n')).toThrow(InputError);
    expect(() => create('brute-force-then-login', 'title: x\nlogsource: {category: a}\ndetection:\n  selection: {a: 1}\n  condition: selection\n')).toThrow(/built-in rule file/);
    expect(() => create('Bad Name', 'title: x\n')).toThrow(UsageError);
    expect(existsSync(join(directory, 'rules'))).toBe(false);
    const good = 'title: x\nname: only_x\nlogsource: {category: a}\ndetection:\n  selection: {a: 1}\n  condition: selection\n';
    create('x', good);
    expect(() => create('x', good)).toThrow(/--replace/);
    // Replacing checks the new text against everything but the rule it replaces.
    create('x', good.replace('{a: 1}', '{a: 2}'), true);
    expect(readdirSync(join(directory, 'rules')).sort()).toEqual(['x.meta.json', 'x.yaml']);
    expect(readFileSync(join(directory, 'rules', 'x.yaml'), 'utf8')).toContain('{a: 2}');
  });
});
