import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGENT_TYPES,
  agentScaffold,
  loadAgentDefinition,
  referenceProblem,
  validateAgentFile,
  validateAgentText,
} from '../../../src/agents/definition/index.js';
import { loadCatalog } from '../../../src/connectors/catalog/index.js';
import { InputError, formatProblem } from '../../../src/core/errors/index.js';
import { ToolRegistry } from '../../../src/gateway/tool-registry.js';

const registry = new ToolRegistry(loadCatalog());
const BROKEN = 'test/fixtures/agents/broken';
const VALID = 'test/fixtures/agents/valid';

/** Each broken fixture has exactly one problem: `line:col: key path: message`. */
const BROKEN_FIXTURES: Array<[file: string, expected: string]> = [
  ['yaml-syntax.yaml', '9:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['unknown-key.yaml', '17:5: steps.1.retries: unknown key (allowed: name, tool, params, condition, requires_approval)'],
  ['wrong-type.yaml', '9:9: permissions.read: expected true or false, got "yes"'],
  ['bad-version.yaml', '3:10: version: expected a version like 1.0.0, got "latest"'],
  ['bad-runtime.yaml', '4:10: runtime: expected one of secure|standard, got "fast"'],
  ['bad-step-name.yaml', '15:11: steps.1.name: expected lower-case letters, digits and _, starting with a letter (e.g. get_incident), got "Recent-Events"'],
  ['missing-steps.yaml', '1:1: steps: required key is missing'],
  ['duplicate-step.yaml', '15:11: steps.1.name: duplicate step name "computer" (first used at line 11)'],
  ['reserved-step-name.yaml', '15:11: steps.1.name: step name "params" is reserved (params, steps, trigger name run data)'],
  ['unknown-tool.yaml', '8:5: tools.2: unknown tool "splunk.serch" (did you mean "splunk.search"?)'],
  ['unknown-step-tool.yaml', '16:11: steps.1.tool: unknown tool "umbrella.investigate_hash"'],
  ['tool-not-listed.yaml', '15:11: steps.1.tool: tool "secure_endpoint.list_events" is not listed in tools'],
  ['scope-not-granted.yaml', '8:5: tools.2: tool "cisco.secure_endpoint.isolate" needs the execute permission (set permissions.execute: true)'],
  ['bad-condition.yaml', "17:52: steps.1.condition: invalid condition at column 37: expected a value, found 'and'"],
  ['later-step-reference.yaml', '13:16: steps.0.condition: "events.count" reads step "events", which runs later; only earlier steps\' outputs exist'],
  ['self-reference.yaml', '19:26: steps.1.params.hostname: "steps.events.count" reads this step\'s own output; only earlier steps\' outputs exist'],
  ['unknown-step-template.yaml', '19:21: steps.1.params.hostname: "computr.hostname" reads unknown step "computr" (did you mean "computer"?)'],
  ['unterminated-template.yaml', "19:18: steps.1.params.hostname: invalid template at column 1: unterminated '{{' (no closing '}}')"],
  ['missing-required-param.yaml', '13:5: steps.0.params: missing required param "hostname" for secure_endpoint.get_computer'],
  ['unknown-param.yaml', '21:7: steps.1.params.hostnme: unknown param for secure_endpoint.list_events (did you mean "hostname"?)'],
  ['invalid-param-value.yaml', '20:20: steps.1.params.since_hours: invalid value for secure_endpoint.list_events: Too small: expected number to be >0'],
];

describe('validateAgentFile: broken definitions, one problem each', () => {
  it.each(BROKEN_FIXTURES)('%s → %s', (name, expected) => {
    const file = join(BROKEN, name);
    const { definition, problems } = validateAgentFile(file, registry);
    expect(definition).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([`${file}:${expected}`]);
    expect(problems[0]).toMatchObject({ file, line: expect.any(Number), column: expect.any(Number) });
  });

  it('covers every file in the broken folder', async () => {
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(BROKEN).sort()).toEqual(BROKEN_FIXTURES.map(([name]) => name).sort());
  });
});

describe('validateAgentFile: valid definitions', () => {
  it('accepts the investigation fixture and fills defaults', () => {
    const { definition, problems, notes } = validateAgentFile(join(VALID, 'phishing-triage.yaml'), registry);
    expect(problems).toEqual([]);
    expect(notes).toEqual([]);
    expect(definition).toMatchObject({ name: 'phishing-triage', version: '1.2.0', runtime: 'secure', permissions: { read: true, write: false, execute: false } });
    expect(definition?.steps.map((step) => step.name)).toEqual(['incident', 'host_events', 'enrich', 'logons']);
  });

  it('accepts .yml, flow style and a folded condition, noting an ignored requires_approval: false', () => {
    const file = join(VALID, 'isolate-host.yml');
    const { definition, problems, notes } = validateAgentFile(file, registry);
    expect(problems).toEqual([]);
    // No runtime in the file: config agent.runtime decides when it runs (secure by default).
    expect(definition?.runtime).toBeUndefined();
    expect(definition?.permissions).toEqual({ read: true, write: false, execute: true });
    expect(notes.map(formatProblem)).toEqual([
      `${file}:14:24: steps.1.requires_approval: false is ignored unless config agent.runtime is standard: the secure runtime (the default) asks for approval before every execute step`,
    ]);
  });

  it.each([
    ['1.0', '1'],
    ['1.5', '1.5'],
    ['"2.1"', '2.1'],
    ['3', '3'],
    ['1.0.0-rc.1', '1.0.0-rc.1'],
  ])('accepts version: %s as written by hand (read as "%s")', (written, read) => {
    const text = readFileSync(join(VALID, 'minimal.yaml'), 'utf8').replace(/^version: .*$/m, `version: ${written}`);
    const result = validateAgentText(text, 'minimal.yaml', registry);
    expect(result.problems).toEqual([]);
    expect(result.definition?.version).toBe(read);
  });

  it('accepts a minimal definition whose tool needs no params', () => {
    expect(validateAgentFile(join(VALID, 'minimal.yaml'), registry).definition).toMatchObject({ name: 'open-incidents' });
  });

  it.each(AGENT_TYPES)('the %s scaffold validates', (type) => {
    const result = validateAgentText(agentScaffold(`my-${type}`, type), `my-${type}.yaml`, registry);
    expect(result.problems).toEqual([]);
    expect(result.definition?.name).toBe(`my-${type}`);
    // Read-only first: every step before the first write/execute step is a read.
    const scopes = result.definition!.steps.map((step) => registry.resolve(step.tool)!.scope);
    expect(scopes[0]).toBe('read');
    const firstChange = scopes.findIndex((scope) => scope !== 'read');
    if (firstChange !== -1) {
      expect(scopes.slice(firstChange).every((scope) => scope !== 'read')).toBe(true);
      expect(result.definition!.steps.slice(firstChange).every((step) => step.requires_approval === true && step.condition !== undefined)).toBe(true);
    }
  });
});

describe('validateAgentText: every problem, in file order', () => {
  const text = `name: Bad_Name
description: several problems at once
version: 1.0.0
tools:
  - cisco.secure_endpoint.status
  - cisco.secure_endpoint.isolate
permissions:
  read: true
  admin: true
steps:
  - name: isolate
    tool: cisco.secure_endpoint.isolate
    condition: computer.isolation != 'isolated'
    params:
      hostname: "{{ params.hostname }}"
  - name: computer
    tool: cisco.secure_endpoint.status
    condition: |
      severity >= high and
      (isolate.status == 'pending'
    params:
      hostname: "{{ params.hostname }}"
      limit: 3
`;

  it('reports schema, permission, reference, syntax and params problems together, sorted by position', () => {
    const { definition, problems } = validateAgentText(text, 'agents/bad.yaml', registry);
    expect(definition).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      'agents/bad.yaml:1:7: name: expected lower-case letters, digits and -, starting with a letter (e.g. phishing-triage), got "Bad_Name"',
      'agents/bad.yaml:6:5: tools.1: tool "cisco.secure_endpoint.isolate" needs the execute permission (set permissions.execute: true)',
      'agents/bad.yaml:9:3: permissions.admin: unknown key (allowed: read, write, execute)',
      'agents/bad.yaml:13:16: steps.0.condition: "computer.isolation" reads step "computer", which runs later; only earlier steps\' outputs exist',
      'agents/bad.yaml:14:5: steps.0.params: missing required param "comment" for secure_endpoint.isolate_host',
      "agents/bad.yaml:20:35: steps.1.condition: invalid condition at column 51: expected ')' to close '(' at column 22, found the end of the expression",
      'agents/bad.yaml:23:7: steps.1.params.limit: unknown param for secure_endpoint.get_computer (accepted: hostname)',
    ]);
  });

  it('loadAgentDefinition throws one InputError (exit 2) with all of them', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const folder = mkdtempSync(join(tmpdir(), 'agent-'));
    try {
      const file = join(folder, 'bad.yaml');
      writeFileSync(file, text);
      let thrown: unknown;
      try {
        loadAgentDefinition(file, registry);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as InputError).exitCode).toBe(2);
      expect((thrown as InputError).code).toBe('agent_invalid');
      expect((thrown as InputError).problems).toHaveLength(7);
      expect((thrown as InputError).lines()[0]).toBe(`${file}:1:7: name: expected lower-case letters, digits and -, starting with a letter (e.g. phishing-triage), got "Bad_Name"`);
      writeFileSync(file, agentScaffold('ok-agent', 'inventory'));
      expect(loadAgentDefinition(file, registry).name).toBe('ok-agent');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses other file endings and missing files', () => {
    expect(validateAgentFile('agents/x.json', registry).problems.map(formatProblem)).toEqual(['agents/x.json: expected a .yaml or .yml file']);
    expect(validateAgentFile(join(VALID, 'nope.yaml'), registry).problems.map(formatProblem)).toEqual([`${join(VALID, 'nope.yaml')}: no such file`]);
  });

  it('reports a document that is not a mapping', () => {
    expect(validateAgentText('- a\n- b\n', 'x.yaml', registry).problems.map(formatProblem)).toEqual([
      'x.yaml:1:1: (root): an agent file must be a mapping with name, description, version, tools, permissions and steps',
    ]);
  });

  it('checks literal param values against the tool schema but leaves templated ones to run time', () => {
    const agent = (value: string) => `name: t
description: d
version: 1.0.0
tools: [cisco.xdr.events]
permissions: { read: true }
steps:
  - name: events
    tool: cisco.xdr.events
    params:
      observable_type: ${value}
      observable_value: "{{ params.value }}"
`;
    expect(validateAgentText(agent('hostname'), 'a.yaml', registry).problems).toEqual([]);
    expect(validateAgentText(agent('"{{ params.type }}"'), 'a.yaml', registry).problems).toEqual([]);
    expect(validateAgentText(agent('printer'), 'a.yaml', registry).problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^a\.yaml:10:24: steps\.0\.params\.observable_type: invalid value for cisco_xdr\.get_events: Invalid option: expected one of /),
    ]);
  });
});

describe('referenceProblem: what a step may read', () => {
  const steps = new Map([
    ['first', 0],
    ['second', 1],
    ['third', 2],
  ]);
  it.each([
    [['params', 'hostname'], undefined],
    [['trigger', 'event', 'id'], undefined],
    [['steps'], undefined],
    [['first', 'x'], undefined],
    [['steps', 'first', 'x'], undefined],
    [['severity'], undefined],
    [['second', 'x'], 'reads this step\'s own output'],
    [['steps', 'third'], 'reads step "third", which runs later'],
    [['third'], 'reads step "third", which runs later'],
    [['fourth', 'x'], 'reads unknown step "fourth"'],
    [['steps', 'fourth'], 'reads unknown step "fourth"'],
    [['steps', 0], 'expected steps.<step name>'],
  ] as const)('%j from step 1', (segments, expected) => {
    const problem = referenceProblem(segments, segments.join('.'), 1, steps);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });
});

describe('missing params without a params key', () => {
  it('points at the step', () => {
    const text = `name: t
description: d
version: 1.0.0
tools: [splunk.search]
permissions: { read: true }
steps:
  - name: search
    tool: splunk.search
`;
    expect(validateAgentText(text, 'a.yaml', registry).problems.map(formatProblem)).toEqual(['a.yaml:7:5: steps.0: missing required param "query" for splunk.search']);
  });
});
