/**
 * Workflows are checked like agents (issue 4): `workflow validate` (and `workflow register`, and
 * `agent validate` of a file with a trigger) report every problem at file:line:col — schema, trigger
 * filter, unknown tools, scopes not granted, conditions and templates that read unknown or later
 * actions, params the tool's input schema needs — and register nothing when there is one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateWorkflowText } from '../../../src/agents/workflow/validate-workflow.js';
import { loadCatalog } from '../../../src/connectors/catalog/index.js';
import { formatProblem } from '../../../src/core/errors/index.js';
import { ToolRegistry } from '../../../src/gateway/tool-registry.js';
import { runCli, temporaryHome } from '../../helpers/cli.js';
import { REPO_ROOT } from '../../helpers/spawn.js';

const registry = new ToolRegistry(loadCatalog());
const SEED = join(REPO_ROOT, 'agents', 'workflows', 'auto-threat-response.yaml');

const BROKEN = `name: broken-flow
description: every kind of problem once
trigger:
  type: event
  source: cisco-xdr
  filter: severity >= hihg
  every: 5m
permissions: { read: true }
steps:
  - action: check
    tool: cisco.secure_endpoint.status
    params:
      hostname: "{{ trigger.entities.hosts[0] }}"
  - action: isolate
    tool: cisco.secure_endpoint.isolate
    condition: ticket.number != null and check.threat_score >
    params:
      hostname: "{{ check.hostname }}"
  - action: ticket
    tool: servicenow.create_incident
    params:
      short_description: "{{ trigger.title }}"
      description: "{{ chekc.hostname }}"
      urgency: 7
  - action: trigger
    tool: pagerduty.nothing
`;

describe('validateWorkflowText', () => {
  it('accepts the seed auto-threat-response', () => {
    const result = validateWorkflowText(readFileSync(SEED, 'utf8'), SEED, registry);
    expect(result.problems).toEqual([]);
    expect(result.definition).toMatchObject({ name: 'auto-threat-response', trigger: { type: 'event', source: 'cisco-xdr' } });
  });

  it('reports every problem at its place, in file order', () => {
    const { definition, problems } = validateWorkflowText(BROKEN, 'broken.yaml', registry);
    expect(definition).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      'broken.yaml:6:23: trigger.filter: "hihg" is not a severity (info, low, medium, high, critical): did you mean high?',
      'broken.yaml:7:3: trigger.every: unknown key (allowed: type, source, filter, cron, interval)',
      'broken.yaml:15:11: steps.1.tool: tool "cisco.secure_endpoint.isolate" needs the execute permission (set permissions.execute: true)',
      'broken.yaml:16:62: steps.1.condition: invalid condition at column 47: expected a value, found the end of the expression',
      'broken.yaml:17:5: steps.1.params: missing required param "comment" for secure_endpoint.isolate_host',
      'broken.yaml:20:11: steps.2.tool: tool "servicenow.create_incident" needs the write permission (set permissions.write: true)',
      'broken.yaml:23:24: steps.2.params.description: "chekc.hostname" reads unknown step "chekc"',
      'broken.yaml:24:16: steps.2.params.urgency: invalid value for servicenow.create_incident: Invalid option: expected one of "high"|"medium"|"low"',
      'broken.yaml:25:13: steps.3.action: action name "trigger" is reserved (params, steps, trigger name run data)',
      'broken.yaml:26:11: steps.3.tool: unknown tool "pagerduty.nothing"',
    ]);
  });

  it('a condition reading a later action is refused once the syntax is right', () => {
    const text = BROKEN.replace('check.threat_score >\n', 'check.threat_score > 85\n');
    const problems = validateWorkflowText(text, 'broken.yaml', registry).problems.map(formatProblem);
    expect(problems).toContain('broken.yaml:16:16: steps.1.condition: "ticket.number" reads step "ticket", which runs later; only earlier steps\' outputs exist');
  });
});

describe('defenseclaw workflow validate', () => {
  let home: ReturnType<typeof temporaryHome>;
  beforeEach(() => {
    home = temporaryHome();
  });
  afterEach(() => home.cleanup());
  const cli = (args: string[]) => runCli(args, { home: home.home });

  it('exits 0 with a summary for the seed workflow, from workflow validate and from agent validate', async () => {
    const expected = "ok: workflow auto-threat-response v1.0.0 (event trigger on cisco-xdr where severity >= high and status == 'New'), 3 steps\n";
    expect(await cli(['workflow', 'validate', SEED])).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(await cli(['agent', 'validate', SEED])).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('exits 2 with every problem on its own line (and --json lists them), registering nothing', async () => {
    writeFileSync(join(home.home, 'broken.yaml'), BROKEN);
    const result = await cli(['workflow', 'validate', 'broken.yaml']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('defenseclaw: broken.yaml:6:23: trigger.filter: "hihg" is not a severity (info, low, medium, high, critical): did you mean high?');
    const json = await cli(['workflow', 'validate', 'broken.yaml', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, problems: expect.arrayContaining([{ file: 'broken.yaml', line: 26, column: 11, path: 'steps.3.tool', message: 'unknown tool "pagerduty.nothing"' }]) });
    const register = await cli(['workflow', 'register', 'broken.yaml']);
    expect(register.code).toBe(2);
    expect(JSON.parse((await cli(['workflow', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('exits 2 for a missing file and for YAML that does not parse', async () => {
    expect(await cli(['workflow', 'validate', 'nope.yaml'])).toMatchObject({ code: 2, stderr: 'defenseclaw: nope.yaml: no such file\n' });
    writeFileSync(join(home.home, 'syntax.yaml'), 'name: x\ntrigger: [type: event\n');
    const syntax = await cli(['workflow', 'validate', 'syntax.yaml']);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/^defenseclaw: syntax\.yaml:\d+:\d+: YAML syntax error: /);
  });
});
