import { describe, expect, it } from 'vitest';
import {
  ExpressionSyntaxError,
  buildRunScope,
  evaluate,
  isTruthy,
  parseExpression,
  referencedRoots,
  severityTypos,
  type EvaluationScope,
} from '../../../src/agents/expression/index.js';

const run = (text: string, scope: EvaluationScope = {}) => evaluate(parseExpression(text), scope);

function syntaxError(text: string): ExpressionSyntaxError {
  try {
    parseExpression(text);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${text}`);
}

const scope: EvaluationScope = {
  severity: 'critical',
  alert: { severity: 'High', tags: ['phishing', 'finance'], title: 'Outlook spawned PowerShell' },
  findings: [{ host: 'workstation-042', score: 87 }, { host: 'srv-db-01', score: 12 }],
  empty: [],
  params: { hostname: 'workstation-042', count: '5', dry_run: 'false' },
  steps: { enrich: { verdict: 'malicious', ips: ['185.220.101.5'] } },
  enrich: { verdict: 'malicious', ips: ['185.220.101.5'] },
  nothing: null,
  zero: 0,
};

describe('expression: operators and precedence', () => {
  it.each([
    ['true or false and false', true],
    ['(true or false) and false', false],
    ['not false and false', false],
    ['not (false and false)', true],
    ['!false && true', true],
    ['false || !false', true],
    ['1 < 2 and 2 < 3', true],
    ['1 + 0 == 1', 'syntax'],
  ])('%s', (text, expected) => {
    if (expected === 'syntax') expect(() => parseExpression(text)).toThrow(ExpressionSyntaxError);
    else expect(run(text)).toBe(expected);
  });

  it('compares numbers, strings, booleans and null', () => {
    expect(run('findings[0].score > 50', scope)).toBe(true);
    expect(run('findings[1].score >= 12.0', scope)).toBe(true);
    expect(run('findings[1].score != 12', scope)).toBe(false);
    expect(run("findings[0].host == 'workstation-042'", scope)).toBe(true);
    expect(run('findings[0].host == "srv-db-01"', scope)).toBe(false);
    expect(run("'abc' < 'abd'", scope)).toBe(true);
    expect(run('nothing == null', scope)).toBe(true);
    expect(run('zero == 0 and -1 < zero', scope)).toBe(true);
  });

  it('treats run parameters (strings) as numbers and booleans when compared with them', () => {
    expect(run('params.count > 3', scope)).toBe(true);
    expect(run('params.count == 5', scope)).toBe(true);
    expect(run('params.dry_run == false', scope)).toBe(true);
  });

  it('rejects chained comparisons', () => {
    expect(syntaxError('1 < 2 < 3').column).toBe(7);
  });
});

describe('expression: severity ordering', () => {
  it.each([
    ['severity >= high', true],
    ['severity > critical', false],
    ['alert.severity > medium', true],
    ['alert.severity >= HIGH', true],
    ['alert.severity == high', true],
    ['alert.severity < critical', true],
    ["'informational' == info", true],
    ['low < medium and medium < high and info < low', true],
    ["alert.severity in ['high', 'critical']", true],
  ])('%s → %s', (text, expected) => {
    expect(run(text, scope)).toBe(expected);
  });

  it('reads a defined path before the severity word of the same name', () => {
    expect(run('high == 3', { high: 3 })).toBe(true);
    expect(run('high', {})).toBe('high');
  });

  it('orders severity words by rank, not alphabetically; other strings alphabetically', () => {
    expect(run("'critical' > 'high'")).toBe(true);
    expect(run("'critical' > 'hot'")).toBe(false);
  });
});

describe('expression: in and contains', () => {
  it.each([
    ["'phishing' in alert.tags", true],
    ["'malware' in alert.tags", false],
    ["'malware' not in alert.tags", true],
    ["alert.tags contains 'finance'", true],
    ["alert.title contains 'PowerShell'", true],
    ["'Outlook' in alert.title", true],
    ["'powershell' in alert.title", false],
    ['5 in [1, 5, 7]', true],
    ["params.count in [1, 5, 7]", true],
    ["'hostname' in params", true],
    ["[1, 'b', 3] contains 'b'", true],
    ["'x' in missing.list", false],
    ["'x' not in missing.list", false],
  ])('%s → %s', (text, expected) => {
    expect(run(text, scope)).toBe(expected);
  });
});

describe('expression: paths', () => {
  it('follows keys and list indexes, steps.<name> and <name>', () => {
    expect(run('findings[1].host', scope)).toBe('srv-db-01');
    expect(run('steps.enrich.ips[0]', scope)).toBe('185.220.101.5');
    expect(run("enrich['verdict']", scope)).toBe('malicious');
    expect(run('params.hostname', scope)).toBe('workstation-042');
  });

  it('gives the length of lists and strings as .count and .length', () => {
    expect(run('findings.count > 0', scope)).toBe(true);
    expect(run('findings.count', scope)).toBe(2);
    expect(run('empty.count == 0', scope)).toBe(true);
    expect(run('params.hostname.length', scope)).toBe(15);
    expect(run('obj.count', { obj: { count: 9 } })).toBe(9);
    expect(run('obj.count', { obj: { total: 9 } })).toBeUndefined();
  });

  it('evaluates missing paths to undefined and every comparison with them to false, without throwing', () => {
    expect(run('missing.deeply.nested[3].x', scope)).toBeUndefined();
    expect(run('findings[9].host', scope)).toBeUndefined();
    expect(run('findings[0].host.name.first', scope)).toBeUndefined();
    for (const operator of ['==', '!=', '>', '>=', '<', '<=']) {
      expect(run(`missing ${operator} 1`, scope), operator).toBe(false);
      expect(run(`1 ${operator} missing.x`, scope), operator).toBe(false);
    }
    expect(run('not missing', scope)).toBe(true);
    expect(run('missing.count > 0', scope)).toBe(false);
  });

  it('builds lists from literals and paths', () => {
    expect(run("[1, 'b', params.hostname, null, true]", scope)).toEqual([1, 'b', 'workstation-042', null, true]);
  });
});

describe('expression: never runs code', () => {
  it.each([
    ["constructor.constructor('x')()", 24],
    ["params.constructor.constructor('return process')()", 31],
    ['alert.title.toString()', 21],
    ["eval('1')", 5],
  ])('refuses to parse the call in %s', (text, column) => {
    const error = syntaxError(text);
    expect(error.column).toBe(column);
    expect(error.message).toMatch(/function calls are not supported/);
  });

  it.each([
    '__proto__',
    '__proto__.polluted',
    'params.__proto__',
    'params.constructor',
    'params.constructor.name',
    'alert.tags.constructor',
    'alert.tags.push',
    'alert.title.toUpperCase',
    "params['__proto__']",
    'findings.map',
    'prototype',
    'toString',
    'hasOwnProperty',
  ])('evaluates %s to undefined', (text) => {
    expect(run(text, scope)).toBeUndefined();
  });

  it('reads own data keys that shadow nothing dangerous, and never inherited ones', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    expect(run('data.__proto__.polluted', { data })).toBeUndefined();
    expect(run('data.x', { data })).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never calls a function found in the scope', () => {
    let called = false;
    const hostile = {
      fn: () => {
        called = true;
        return 'ran';
      },
    };
    expect(run('fn', hostile)).toBeUndefined();
    expect(run('fn.length', hostile)).toBeUndefined();
    expect(run('fn == "ran"', hostile)).toBe(false);
    expect(called).toBe(false);
  });

  it('bounds nesting and length', () => {
    expect(syntaxError(`${'('.repeat(100)}1${')'.repeat(100)}`).message).toMatch(/nests deeper than 64/);
    expect(syntaxError('a'.repeat(5000)).message).toMatch(/longer than 4096/);
  });
});

describe('expression: syntax errors carry the 1-based column', () => {
  it.each([
    ['', 1, 'empty expression'],
    ['severity >=', 12, 'expected a value, found the end of the expression'],
    ['severity = high', 10, "unexpected '=' (use '==' to compare)"],
    ["a == 'open", 6, 'unterminated string'],
    ['(a and b', 9, "expected ')' to close '(' at column 1"],
    ['a and b)', 8, "unexpected ')' without a matching '('"],
    ['a and and b', 7, "expected a value, found 'and'"],
    ['a.', 3, "expected a name after '.'"],
    ['items[-1]', 7, 'expected a list index'],
    ['a # b', 3, "unexpected character '#'"],
    ['a & b', 3, "unexpected '&' (use '&&' or 'and')"],
    ['[1, 2', 6, "expected ',' or ']'"],
    ['a b', 3, "unexpected 'b'"],
    ['3abc', 2, "unexpected 'a' after number 3"],
  ])('%j → column %i', (text, column, message) => {
    const error = syntaxError(text);
    expect(error.column).toBe(column);
    expect(error.message).toContain(message);
    expect(error.code).toBe('expression_syntax');
  });
});

describe('referencedRoots', () => {
  it('lists the first segment of every path once, leaving out bare severity words', () => {
    expect(referencedRoots(parseExpression("severity >= high and steps.enrich.verdict == 'x' or enrich.ips.count > 0 and params.a in [b.c, 1]"))).toEqual([
      'severity',
      'steps',
      'enrich',
      'params',
      'b',
    ]);
  });
});

describe('isTruthy', () => {
  it.each([
    [undefined, false],
    [null, false],
    [false, false],
    [0, false],
    [Number.NaN, false],
    ['', false],
    [[], false],
    [{}, false],
    [true, true],
    [1, true],
    ['false', true],
    [[0], true],
    [{ a: 1 }, true],
  ])('%j → %s', (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });
});

describe('buildRunScope', () => {
  it('puts step outputs under their name and steps.<name>, params at top level unless a step has the name', () => {
    const runScope = buildRunScope({
      stepOutputs: new Map<string, unknown>([['computer', { hostname: 'ws-1' }], ['severity', { from: 'step' }]]),
      params: { severity: 'critical', hostname: 'ws-1', steps: 'nope', __proto__: 'x' } as Record<string, unknown>,
      trigger: { kind: 'schedule' },
    });
    expect(run('computer.hostname == steps.computer.hostname', runScope)).toBe(true);
    expect(run('severity.from', runScope)).toBe('step');
    expect(run('params.severity >= high', runScope)).toBe(true);
    expect(run('hostname', runScope)).toBe('ws-1');
    expect(run('steps.computer.hostname', runScope)).toBe('ws-1');
    expect(run('trigger.kind', runScope)).toBe('schedule');
  });

  it('lets `severity >= high` read --param severity=critical', () => {
    expect(run('severity >= high', buildRunScope({ stepOutputs: {}, params: { severity: 'critical' } }))).toBe(true);
    expect(run('severity >= high', buildRunScope({ stepOutputs: {}, params: { severity: 'low' } }))).toBe(false);
  });
});

describe('severityTypos', () => {
  const typos = (text: string) => severityTypos(parseExpression(text)).map(({ node, suggestion }) => [node.text, suggestion, node.column]);

  it('finds bare words a letter or two from a severity word where a severity is compared', () => {
    expect(typos('severity >= hihg')).toEqual([['hihg', 'high', 13]]);
    expect(typos('trigger.severity in [high, crtical] and not (alert.severity == meduim)')).toEqual([
      ['crtical', 'critical', 28],
      ['meduim', 'medium', 64],
    ]);
    expect(typos('lwo < incident.severity')).toEqual([['lwo', 'low', 1]]);
  });

  it('leaves severity words, parameters named on purpose, quoted strings and other comparisons alone', () => {
    for (const text of ['severity >= high', 'severity >= min_severity', 'severity >= params.hihg', "severity == 'hihg'", 'priority >= hihg', 'severity >= extreme', 'count > 3']) {
      expect(typos(text), text).toEqual([]);
    }
  });
});
