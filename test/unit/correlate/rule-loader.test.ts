import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRuleCollection, parseRuleTexts, type CorrelationRule, type DetectionRule } from '../../../src/correlate/rules/index.js';
import { InputError } from '../../../src/core/errors/index.js';
import { MALFORMED_RULES } from './rule-loader.cases.js';
import { problemsOf } from './helpers.js';

describe('rule loader: malformed rules give their location', () => {
  it.each(MALFORMED_RULES)('$name', ({ text, expected }) => {
    expect(problemsOf(text).join('\n')).toBe(expected);
  });

  it('reports every problem of a collection, in file order, as one InputError', () => {
    const text = readFileSync('test/fixtures/correlate/broken-collection.yaml', 'utf8');
    let error: unknown;
    try {
      parseRuleCollection(text, 'rules/broken.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const inputError = error as InputError;
    expect(inputError.code).toBe('sigma_rule_invalid');
    expect(inputError.exitCode).toBe(2);
    expect(inputError.lines()).toEqual([
      'rules/broken.yaml:6:3: logsource.prodcut: unknown key (did you mean "product"?)',
      'rules/broken.yaml:10:5: detection.selection.outcome|startwith: unknown modifier "startwith" (did you mean "startswith"?)',
      'rules/broken.yaml:11:32: detection.condition: unknown search identifier "filter" (defined: selection)',
      'rules/broken.yaml:18:7: correlation.rules.1: unknown rule "faild_logon": no rule in the collection has this id or name (did you mean "failed_logon"?)',
      'rules/broken.yaml:20:13: correlation.timespan: "1H" is not a timespan: a number above 0 and a lower-case unit s, m, h or d (e.g. 90m)',
      'rules/broken.yaml:22:5: correlation.condition: a value_count condition needs "field": the field whose distinct values are counted',
    ]);
  });

  it('locates condition problems inside folded and quoted strings', () => {
    const folded = 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  condition: a and\n    (a or\n     nope)\n';
    expect(problemsOf(folded)).toEqual(['test.yaml:7:6: detection.condition: unknown search identifier "nope" (defined: a)']);
    const quoted = 'title: x\nlogsource: {}\ndetection:\n  a: { a: b }\n  condition: "a and nope"\n';
    expect(problemsOf(quoted)).toEqual(['test.yaml:5:21: detection.condition: unknown search identifier "nope" (defined: a)']);
  });

  it('does not report a reference to a rule that is itself invalid a second time', () => {
    const text = 'title: c\ncorrelation: { type: event_count, rules: [broken], timespan: 5m, condition: { gte: 2 } }\n---\ntitle: b\nname: broken\nlogsource: {}\ndetection: { a: { x|nope: 1 }, condition: a }\n';
    expect(problemsOf(text)).toEqual([
      'test.yaml:7:19: detection.a.x|nope: unknown modifier "nope" (known: contains, startswith, endswith, re, cidr, all, gt, gte, lt, lte, exists, cased)',
    ]);
  });
});

describe('rule loader: valid collections', () => {
  it('reads detection rules: identity, lower-cased logsource, identifiers and condition', () => {
    const [rule] = parseRuleCollection(
      `title: Encoded PowerShell
id: 1b5d6e2a-0000-4000-8000-000000000001
name: encoded_powershell
level: high
tags: [attack.execution]
logsource: { category: Process_Creation, product: Windows }
detection:
  selection:
    process.name|endswith: '\\powershell.exe'
    process.command_line|contains|all: [' -enc', 'hidden']
  filter: [ { user.name: svc }, { host.name: lab } ]
  keywords: [mimikatz]
  condition: selection and not filter or keywords
`,
      'x.yaml',
    ).rules as [DetectionRule];
    expect(rule).toMatchObject({
      kind: 'detection',
      title: 'Encoded PowerShell',
      id: '1b5d6e2a-0000-4000-8000-000000000001',
      name: 'encoded_powershell',
      level: 'high',
      tags: ['attack.execution'],
      logsource: { category: 'process_creation', product: 'windows' },
      location: { file: 'x.yaml', line: 1, column: 1 },
    });
    expect(Object.fromEntries(rule.identifiers)).toEqual({
      selection: {
        kind: 'fields',
        alternatives: [
          [
            { field: 'process.name', kind: 'endswith', all: false, cased: false, regexFlags: '', values: ['\\powershell.exe'] },
            { field: 'process.command_line', kind: 'contains', all: true, cased: false, regexFlags: '', values: [' -enc', 'hidden'] },
          ],
        ],
      },
      filter: {
        kind: 'fields',
        alternatives: [[{ field: 'user.name', kind: 'equals', all: false, cased: false, regexFlags: '', values: ['svc'] }], [{ field: 'host.name', kind: 'equals', all: false, cased: false, regexFlags: '', values: ['lab'] }]],
      },
      keywords: { kind: 'keywords', values: ['mimikatz'] },
    });
    expect(rule.condition).toEqual({
      kind: 'or',
      operands: [
        { kind: 'and', operands: [{ kind: 'identifier', name: 'selection' }, { kind: 'not', operand: { kind: 'identifier', name: 'filter' } }] },
        { kind: 'identifier', name: 'keywords' },
      ],
    });
  });

  it('resolves references by id or name across files, with aliases applied per rule', () => {
    const collection = parseRuleTexts([
      {
        file: 'correlation.yaml',
        text: `title: Scan then exploit
correlation:
  type: temporal
  rules: [port_scan, 2c6a1d8e-0000-4000-8000-000000000002]
  group-by: [attacker, dst.host]
  timespan: 1h
  aliases:
    attacker:
      port_scan: src.ip
      exploit_attempt: http.client_ip
  generate: true
level: critical
`,
      },
      { file: 'scan.yaml', text: 'title: Port scan\nname: port_scan\nlogsource: {}\ndetection: { s: { class: network_activity }, condition: s }\n' },
      { file: 'exploit.yaml', text: 'title: Exploit\nid: 2c6a1d8e-0000-4000-8000-000000000002\nname: exploit_attempt\nlogsource: {}\ndetection: { s: { http.status_code: 500 }, condition: s }\n' },
    ]);
    const correlation = collection.rules[0] as CorrelationRule;
    expect(correlation).toMatchObject({
      type: 'temporal',
      references: [1, 2],
      groupFieldsByReference: [
        ['src.ip', 'dst.host'],
        ['http.client_ip', 'dst.host'],
      ],
      condition: { gte: 2 },
      timespanMs: 3_600_000,
      generate: true,
      level: 'critical',
    });
  });

  it('the built-in rules load', () => {
    const collection = parseRuleCollection(readFileSync('rules/brute-force-then-login.yaml', 'utf8'), 'rules/brute-force-then-login.yaml');
    expect(collection.rules.map((rule) => rule.name)).toEqual(['brute_force_then_login', 'many_failed_logons', 'failed_logon', 'successful_logon']);
  });
});
