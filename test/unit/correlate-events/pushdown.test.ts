/**
 * Push-down compilation: Sigma detections to SPL and KQL filters (sound supersets, exact where
 * the subset allows), string literals escaped, what cannot be expressed widened or refused, and
 * the plan for count correlations (sound bin thresholds, candidate restrictions).
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseRuleCollection, type DetectionRule } from '../../../src/correlate/rules/index.js';
import {
  compileDetectionFilter,
  explainPushdown,
  kqlQuote,
  literalEquals,
  parseGlob,
  planPushdown,
  pruningThreshold,
  SENTINEL_TABLES,
  splQuote,
  SPLUNK_TABLE,
  type SiemTable,
} from '../../../src/correlate/pushdown/index.js';

const [SECURITY_EVENT, SIGNIN_LOGS] = SENTINEL_TABLES as [SiemTable, SiemTable];

function detection(detectionSection: Record<string, unknown>): DetectionRule {
  return parseRuleCollection(stringify({ title: 'Under test', logsource: { category: 'authentication' }, detection: detectionSection }), 'test.yaml').rules[0] as DetectionRule;
}

function filter(table: SiemTable, detectionSection: Record<string, unknown>) {
  const compiled = compileDetectionFilter(detection(detectionSection), table);
  return { text: compiled.expression.kind === 'true' ? 'TRUE' : compiled.expression.kind === 'false' ? 'FALSE' : table.dialect.render(compiled.expression), exact: compiled.exact, notes: compiled.notes };
}

describe('string literals', () => {
  it('escape backslashes and quotes for SPL and KQL', () => {
    expect(splQuote('CORP\\jdoe "x"')).toBe('"CORP\\\\jdoe \\"x\\""');
    expect(kqlQuote('CORP\\jdoe "x"')).toBe('"CORP\\\\jdoe \\"x\\""');
  });

  it('a hostile value stays inside its literal', () => {
    const text = filter(SPLUNK_TABLE, { selection: { 'src.ip': '1.2.3.4" OR index=* | delete "' }, condition: 'selection' }).text;
    expect(text).toBe('(src_ip="1.2.3.4\\" OR index=* | delete \\"" OR Source_Address="1.2.3.4\\" OR index=* | delete \\"")');
    const kql = filter(SECURITY_EVENT, { selection: { 'src.ip': 'x" or 1==1 | take 1 //' }, condition: 'selection' }).text;
    expect(kql).toBe('IpAddress =~ "x\\" or 1==1 | take 1 //"');
  });

  it('control characters (and SPL backticks, which expand macros) are never written: the test widens, with a note', () => {
    const spl = filter(SPLUNK_TABLE, { selection: { class: 'authentication', 'user.name': 'a\nb' }, other: { 'src.ip': '`evil`' }, condition: 'selection or other' });
    expect(spl.text).toBe('TRUE');
    expect(spl.notes.join(' ')).toMatch(/cannot be written safely in SPL \(control characters or backticks\)/);
    const kql = filter(SECURITY_EVENT, { selection: { 'src.ip': 'a\u0000b', outcome: 'failure' }, condition: 'selection' });
    expect(kql).toMatchObject({ text: 'EventID == 4625', exact: false });
  });
});

describe('detections to SPL and KQL', () => {
  it('equals, lists, contains, startswith, endswith, and/or/not and numbers', () => {
    const rule = {
      selection: { class: 'authentication', outcome: 'failure', 'user.name|startswith': 'svc_', 'dst.host|endswith': ['-db-01', '-db-02'] },
      noisy: { 'src.ip': ['10.0.0.1', '10.0.0.2'] },
      numbers: { 'event_code|gte': 4624 },
      condition: 'selection and numbers and not noisy',
    };
    expect(filter(SECURITY_EVENT, rule)).toEqual({
      text: 'EventID == 4625 and (TargetUserName contains "svc_" or Account contains "svc_") and (Computer contains "-db-01" or Computer contains "-db-02") and EventID >= 4624 and not((IpAddress =~ "10.0.0.1" or IpAddress =~ "10.0.0.2"))',
      exact: false,
      notes: [],
    });
    const spl = filter(SPLUNK_TABLE, { selection: { 'dst.port': 445, 'url|contains': '/update.bin', 'file.name|endswith': '.docm' }, condition: 'selection' });
    expect(spl).toEqual({ text: 'dest_port=445 url="*/update.bin*" file_name="*.docm"', exact: true, notes: [] });
    expect(filter(SPLUNK_TABLE, { selection: { 'dst.port|lt': 1024, sourcetype: 'cisco:ftd*' }, condition: 'selection' }).text).toBe('dest_port<1024 sourcetype="cisco:ftd*"');
  });

  it('KQL has no wildcards: *x*, x* and *x are exact; other patterns become wider ANDs', () => {
    expect(filter(SIGNIN_LOGS, { selection: { app: '*Exchange*' }, condition: 'selection' })).toMatchObject({ text: 'AppDisplayName contains "Exchange"', exact: true });
    expect(filter(SIGNIN_LOGS, { selection: { app: 'Office*Online' }, condition: 'selection' })).toMatchObject({ text: 'AppDisplayName startswith "Office" and AppDisplayName endswith "Online"', exact: false });
    // A wider test cannot be negated soundly: `not` of it widens to nothing.
    expect(filter(SIGNIN_LOGS, { selection: { app: 'Office*Online' }, filter: { 'src.ip': '1.1.1.1' }, condition: 'filter and not selection' })).toMatchObject({ text: 'IPAddress =~ "1.1.1.1"', exact: false });
  });

  it('escaped Sigma wildcards are literal; SPL cannot say a literal * so it widens', () => {
    expect(parseGlob('a\\*b*c?\\\\d\\e')).toEqual([{ kind: 'text', text: 'a*b' }, { kind: 'any' }, { kind: 'text', text: 'c' }, { kind: 'one' }, { kind: 'text', text: '\\d\\e' }]);
    expect(filter(SPLUNK_TABLE, { selection: { app: 'a\\*b' }, condition: 'selection' })).toMatchObject({ text: 'app="a*b"', exact: false });
    expect(filter(SIGNIN_LOGS, { selection: { app: 'a\\*b' }, condition: 'selection' })).toMatchObject({ text: 'AppDisplayName =~ "a*b"', exact: true });
  });

  it('the normaliser’s transforms: short host names and accounts without domains', () => {
    expect(filter(SECURITY_EVENT, { selection: { 'dst.host': 'srv-db-01' }, condition: 'selection' })).toMatchObject({ text: '(Computer =~ "srv-db-01" or Computer startswith "srv-db-01.")', exact: true });
    expect(filter(SIGNIN_LOGS, { selection: { 'user.name': 'jdoe' }, condition: 'selection' }).text).toContain('UserPrincipalName startswith "jdoe@"');
  });

  it('fields a table never has decide exactly: nothing matches (or everything, for null / exists: false)', () => {
    expect(filter(SIGNIN_LOGS, { selection: { 'dst.host': 'srv-db-01' }, condition: 'selection' })).toMatchObject({ text: 'FALSE', exact: true });
    expect(filter(SPLUNK_TABLE, { selection: { 'process.name': 'powershell.exe' }, condition: 'selection' })).toMatchObject({ text: 'FALSE', exact: true });
    expect(filter(SIGNIN_LOGS, { selection: { 'dst.host': null, outcome: 'success' }, condition: 'selection' })).toMatchObject({ text: 'ResultType =~ "0"', exact: true });
    expect(filter(SECURITY_EVENT, { selection: { class: 'process_activity' }, condition: 'selection' })).toMatchObject({ text: 'FALSE', exact: true });
  });

  it('what the subset cannot say widens with a note: keywords, re, cidr, unmapped fields', () => {
    const widened = filter(SPLUNK_TABLE, { keywords: ['mimikatz'], selection: { 'src.ip|cidr': '10.0.0.0/8', 'user.name|re': '^svc_', 'nobody.knows': 'x' }, condition: 'keywords or selection' });
    expect(widened.text).toBe('TRUE');
    expect(widened.notes).toEqual([
      'keyword searches are not pushed down (checked by DefenseClaw)',
      'src.ip|cidr is not pushed down (checked by DefenseClaw)',
      'user.name|re is not pushed down (checked by DefenseClaw)',
      'field nobody.knows has no splunk mapping: not filtered there',
    ]);
  });

  it('literal equality from data takes no wildcards', () => {
    expect(SPLUNK_TABLE.dialect.render(literalEquals(SPLUNK_TABLE, 'dst.ip', '10.0.0.*').expression)).toBe('dest_ip="10.0.0.*"');
    expect(literalEquals(SPLUNK_TABLE, 'dst.ip', '10.0.0.*').exact).toBe(false);
    expect(SECURITY_EVENT.dialect.render(literalEquals(SECURITY_EVENT, 'src.ip', '10.0.0.*').expression)).toBe('IpAddress =~ "10.0.0.*"');
  });
});

describe('the push-down plan', () => {
  const FILE = 'rules/brute-force-then-login.yaml';
  const collection = parseRuleCollection(readFileSync(FILE, 'utf8'), FILE);
  const wanted = new Set(collection.rules.map((_, index) => index));

  it('bins keep every group a sliding window could fire on: ⌈lower / (2 × units)⌉', () => {
    expect(pruningThreshold(10, 1)).toBe(5);
    expect(pruningThreshold(10, 2)).toBe(3);
    expect(pruningThreshold(1, 4)).toBe(1);
    // A burst of 10 straddling a bin edge (5 + 5) in one unit is kept with threshold 5.
    expect(Math.max(5, 5)).toBeGreaterThanOrEqual(pruningThreshold(10, 1));
  });

  it('narrows the failure count in both SIEMs and restricts the success to the candidates', () => {
    const plan = planPushdown(collection, wanted, [SPLUNK_TABLE, ...SENTINEL_TABLES]);
    expect(plan.refused).toEqual([]);
    expect(plan.prunings).toHaveLength(1);
    const [pruning] = plan.prunings;
    expect(pruning!.rule.name).toBe('many_failed_logons');
    // SigninLogs has no host logged on to: it cannot add to a group by dst.host.
    expect(pruning!.units.map((unit) => unit.table.name)).toEqual(['splunk', 'SecurityEvent']);
    expect(pruning!.threshold).toBe(3);
    const byName = (name: string) => collection.rules.findIndex((rule) => rule.name === name);
    expect(plan.uses.get(byName('failed_logon'))).toEqual([{ kind: 'candidates', pruning: byName('many_failed_logons'), fields: ['src.ip', 'user.name', 'dst.host'], tupleIndexes: [0, 1, 2] }]);
    expect(plan.uses.get(byName('successful_logon'))).toEqual([{ kind: 'candidates', pruning: byName('many_failed_logons'), fields: ['src.ip', 'user.name', 'dst.host'], tupleIndexes: [0, 1, 2] }]);
    const queries = explainPushdown(plan);
    // Sign-ins name no host logged on to: the correlation would skip them, so none is fetched.
    expect(queries.map((query) => `${query.stage} ${query.table}`)).toEqual(['candidates splunk', 'candidates SecurityEvent', 'fetch splunk', 'fetch SecurityEvent']);
    expect(queries.find((query) => query.stage === 'fetch' && query.table === 'SecurityEvent')!.query).toBe('SecurityEvent | where (EventID == 4625 or EventID == 4624)');
  });

  it('a rule nothing of which narrows a table is refused there: that table is pulled whole', () => {
    const loose = parseRuleCollection(stringify({ title: 'Anything mentioning mimikatz', name: 'mimikatz_anywhere', logsource: { category: 'process_creation' }, detection: { keywords: ['mimikatz'], condition: 'keywords' } }), 'loose.yaml');
    const plan = planPushdown(loose, new Set([0]), [SPLUNK_TABLE]);
    expect(plan.refused).toEqual([{ table: 'splunk', rule: 'mimikatz_anywhere', reason: 'keyword searches are not pushed down (checked by DefenseClaw)' }]);
    expect(explainPushdown(plan)).toMatchObject([{ stage: 'bulk', table: 'splunk', query: 'search index=*' }]);
  });
});
