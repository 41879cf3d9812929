/**
 * Issue 4: `agent validate` on broken definitions written for this test (test/fixtures/agents/broken-located),
 * through the CLI: exit 2, every problem on its own line as file:line:col, and each line:col points at the
 * offending token in the file (checked against the file's text, not only against the message).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryHome } from '../../helpers/cli.js';

const FOLDER = resolve('test/fixtures/agents/broken-located');

/** File → every problem in file order: [line, column, the text found there, message]. */
const CASES: Array<[file: string, problems: Array<[line: number, column: number, token: string, message: string]>]> = [
  ['bad-operator.yaml', [
    [9, 25, "~=", "steps.0.condition: invalid condition at column 10: unexpected character '~'"],
  ]],
  ['block-condition.yaml', [
    [14, 24, ">", "steps.1.condition: invalid condition at column 34: expected a value, found '>'"],
  ]],
  ['cond-later-steps.yaml', [
    [9, 39, "steps.t.count", "steps.0.condition: \"steps.t.count\" reads step \"t\", which runs later; only earlier steps' outputs exist"],
  ]],
  ['condition-number.yaml', [
    [9, 16, "5", "steps.0.condition: expected a string, got number 5"],
  ]],
  ['dup-key.yaml', [
    [11, 7, "query:", "YAML syntax error: Map keys must be unique"],
  ]],
  ['empty-steps.yaml', [
    [6, 8, "[", "steps: expected at least one step, got an empty list"],
  ]],
  ['empty.yaml', [
    [1, 1, "", "(root): an agent file must be a mapping with name, description, version, tools, permissions and steps"],
  ]],
  ['escaped-newline.yaml', [
    [11, 17, "late.rows[0", "steps.0.params.query: \"late.rows[0].host\" reads step \"late\", which runs later; only earlier steps' outputs exist"],
  ]],
  ['escaped-string.yaml', [
    [10, 39, "nothere.value", "steps.0.params.query: \"nothere.value\" reads unknown step \"nothere\""],
  ]],
  ['flow-tools.yaml', [
    [4, 24, "cisco.xdr.evnts", "tools.1: unknown tool \"cisco.xdr.evnts\" (did you mean \"cisco.xdr.events\"?)"],
  ]],
  ['folded-condition.yaml', [
    [14, 9, "frist.rows[0", "steps.1.condition: \"frist.rows[0].count\" reads unknown step \"frist\""],
  ]],
  ['in-unterminated.yaml', [
    [9, 44, "'", "steps.0.condition: invalid condition at column 28: expected ',' or ']' in the list opened at column 13, found the end of the expression"],
  ]],
  ['many-problems.yaml', [
    [1, 7, "Bad", "name: expected lower-case letters, digits and -, starting with a letter (e.g. phishing-triage), got \"Bad Name\""],
    [3, 10, "v1.0", "version: expected a version like 1.0.0, got \"v1.0\""],
    [4, 10, "turbo", "runtime: expected one of secure|standard, got \"turbo\""],
    [7, 5, "nope.tool", "tools.1: unknown tool \"nope.tool\""],
    [9, 9, "yes", "permissions.read: expected true or false, got \"yes\""],
    [16, 7, "bogus:", "steps.0.params.bogus: unknown param for splunk.search (accepted: query, earliest, latest, max_results, mode)"],
    [17, 11, "s1", "steps.1.name: duplicate step name \"s1\" (first used at line 12)"],
    [18, 11, "pagerduty.create_incident", "steps.1.tool: tool \"pagerduty.create_incident\" is not listed in tools"],
    [19, 27, ">", "steps.1.condition: invalid condition at column 12: expected a value, found '>'"],
    [20, 5, "params:", "steps.1.params: missing required param \"source\" for pagerduty.create_incident"],
    [20, 5, "params:", "steps.1.params: missing required param \"severity\" for pagerduty.create_incident"],
    [21, 20, "s3.foo", "steps.1.params.summary: \"s3.foo\" reads unknown step \"s3\" (did you mean \"s1\"?)"],
    [26, 27, "", "steps.2.params.query: invalid template at column 13: in '{{ }}': expected ']' after the index, found the end of the expression"],
    [27, 5, "extra:", "steps.2.extra: unknown key (allowed: name, tool, params, condition, requires_approval)"],
  ]],
  ['multi-doc.yaml', [
    [7, 1, "---", "YAML syntax error: expected one document, but the file holds more (a second one starts here)"],
  ]],
  ['nested-template.yaml', [
    [17, 17, "search.rows", "steps.0.params.custom_details.list.1: \"search.rows\" reads step \"search\", which runs later; only earlier steps' outputs exist"],
  ]],
  ['params-list.yaml', [
    [7, 5, "name:", "steps.0: missing required param \"query\" for splunk.search"],
    [10, 7, "-", "steps.0.params: expected a mapping, got a list"],
  ]],
  ['permission-typo.yaml', [
    [7, 3, "exec:", "permissions.exec: unknown key (allowed: read, write, execute)"],
  ]],
  ['requires-approval-type.yaml', [
    [9, 24, "\"sometimes\"", "steps.0.requires_approval: expected true or false, got \"sometimes\""],
  ]],
  ['severity-typo.yaml', [
    [12, 44, "crtical", "steps.1.condition: \"crtical\" is not a severity (info, low, medium, high, critical): did you mean critical? (a run parameter of that name is params.crtical)"],
    [12, 68, "hihg", "steps.1.condition: \"hihg\" is not a severity (info, low, medium, high, critical): did you mean high? (a run parameter of that name is params.hihg)"],
  ]],
  ['single-quoted-escape.yaml', [
    [9, 38, "''s''", "steps.0.condition: invalid condition at column 20: unexpected string \"s\" (expected and, or or the end)"],
  ]],
  ['step-without-tool.yaml', [
    [10, 5, "name:", "steps.1.tool: required key is missing"],
  ]],
  ['steps-mapping.yaml', [
    [7, 3, "s:", "steps: expected a list, got a mapping"],
  ]],
  ['tab.yaml', [
    [6, 1, "", "YAML syntax error: Tabs are not allowed as indentation"],
  ]],
  ['template-filter.yaml', [
    [12, 32, "|", "steps.1.params.query: invalid template at column 11: in '{{ }}': unexpected '|' (use '||' or 'or')"],
  ]],
  ['unicode-escape.yaml', [
    [10, 33, "ghost.rows", "steps.0.params.query: \"ghost.rows\" reads unknown step \"ghost\""],
  ]],
];

let home: ReturnType<typeof temporaryHome>;
beforeAll(() => {
  home = temporaryHome();
});
afterAll(() => home.cleanup());

describe('agent validate: each broken definition, located', () => {
  it('has at least 12 broken definitions, every file in the folder covered', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(12);
    expect(readdirSync(FOLDER).sort()).toEqual(CASES.map(([file]) => file).sort());
  });

  it.each(CASES)('%s', async (name, problems) => {
    const file = join(FOLDER, name);
    const result = await runCli(['agent', 'validate', file], { home: home.home });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual(problems.map(([line, column, , message]) => `defenseclaw: ${file}:${line}:${column}: ${message}`));
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [line, column, token] of problems) {
      expect(lines[line - 1]?.slice(column - 1).startsWith(token), `${name}:${line}:${column} should point at ${JSON.stringify(token)}, found ${JSON.stringify(lines[line - 1]?.slice(column - 1))}`).toBe(true);
    }
  });

  it('--json lists the same problems with line and column', async () => {
    const file = join(FOLDER, 'severity-typo.yaml');
    const result = await runCli(['agent', 'validate', file, '--json'], { home: home.home });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: false,
      problems: [
        { line: 12, column: 44, path: 'steps.1.condition' },
        { line: 12, column: 68, path: 'steps.1.condition' },
      ],
    });
  });
});
