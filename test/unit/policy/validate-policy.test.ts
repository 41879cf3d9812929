import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/connectors/catalog/index.js';
import { InputError, UsageError, formatProblem } from '../../../src/core/errors/index.js';
import { ToolRegistry } from '../../../src/gateway/tool-registry.js';
import { BUILT_IN_POLICIES_DIRECTORY, PolicyLibrary, loadPolicyFile, validatePolicyFile, validatePolicyText } from '../../../src/policy/index.js';

const tools = new ToolRegistry(loadCatalog());

const VALID = `name: tiny
description: One check.
version: 1.0.0
checks:
  - id: edr
    title: EDR present
    severity: high
    rationale: Because.
    cis: ["CIS 10.1"]
    condition: "'crowdstrike' in sources"
`;

/** Each case: a YAML body and the one problem it must give, as `line:col: key path: message`. */
const BROKEN: Array<[name: string, text: string, expected: string]> = [
  ['yaml syntax', `${VALID}  - [unclosed\n`, '12:1: YAML syntax error'],
  ['bad name', VALID.replace('name: tiny', 'name: Tiny'), '1:7: name: expected lower-case letters, digits and -, starting with a letter (e.g. endpoint-hardening), got "Tiny"'],
  ['number version', VALID.replace('version: 1.0.0', 'version: 1'), '3:10: version: expected a string, got number 1'],
  ['unknown key', `${VALID}    colour: red\n`, '11:5: checks.0.colour: unknown key (allowed: id, title, severity, rationale, cis, applies_to, condition, live, remediation)'],
  ['misspelt key', VALID.replace('rationale:', 'rationle:'), '8:5: checks.0.rationle: unknown key (did you mean "rationale"?)'],
  ['severity', VALID.replace('severity: high', 'severity: huge'), '7:15: checks.0.severity: expected one of info|low|medium|high|critical, got "huge"'],
  ['cis mapping', VALID.replace('"CIS 10.1"', '"10.1"'), '9:11: checks.0.cis.0: expected a CIS control such as "CIS 10.1", got "10.1"'],
  ['condition syntax', VALID.replace(`"'crowdstrike' in sources"`, '"days_since_seen <= "'), '10:36: checks.0.condition: invalid condition at column 20: expected a value, found the end of the expression'],
  ['unknown name', VALID.replace(`"'crowdstrike' in sources"`, '"hostnmae == \'x\'"'), '10:17: checks.0.condition: "hostnmae" reads unknown name "hostnmae" (did you mean "hostname"?)'],
  ['undefined var', VALID.replace(`"'crowdstrike' in sources"`, 'os.name not in vars.eol'), '10:31: checks.0.condition: "vars.eol" reads vars.eol, which the policy does not define'],
  ['live without read', VALID.replace(`"'crowdstrike' in sources"`, 'live.count > 0'), '10:16: checks.0.condition: "live.count" reads live, but this check has no live read'],
  ['duplicate id', `${VALID}  - id: edr\n    title: t\n    severity: low\n    rationale: r\n    condition: "true"\n`, '11:9: checks.1.id: duplicate check id "edr" (first used at line 5)'],
  [
    'live write tool',
    `${VALID}    live:\n      tool: crowdstrike.contain_host\n      params: { hostname: "{{ hostname }}" }\n`,
    '12:13: checks.0.live.tool: a live read must use a read tool; crowdstrike.contain_host has scope execute',
  ],
  [
    'remediation read tool',
    `${VALID}    remediation:\n      tool: servicenow.list_incidents\n`,
    '12:13: checks.0.remediation.tool: a remediation must change something (a write or execute tool); servicenow.list_incidents only reads',
  ],
  ['unknown tool', `${VALID}    remediation:\n      tool: crowdstrike.contian\n      params: { hostname: x }\n`, '12:13: checks.0.remediation.tool: unknown tool "crowdstrike.contian" (did you mean "crowdstrike.contain"?)'],
  [
    'missing required param',
    `${VALID}    remediation:\n      tool: secure_endpoint.isolate_host\n      params: { hostname: "{{ hostname }}" }\n`,
    '13:7: checks.0.remediation.params: missing required param "comment" for secure_endpoint.isolate_host',
  ],
  [
    'unknown param',
    `${VALID}    live:\n      tool: servicenow.list_incidents\n      params: { txt: "{{ hostname }}" }\n`,
    '13:17: checks.0.live.params.txt: unknown param for servicenow.list_incidents (did you mean "text"?)',
  ],
  [
    'bad template root',
    `${VALID}    remediation:\n      tool: crowdstrike.contain_host\n      params: { hostname: "{{ host }}" }\n`,
    '13:31: checks.0.remediation.params.hostname: "host" reads unknown name "host" (known: key, hostname, fqdn',
  ],
  [
    'live in live params',
    `${VALID}    live:\n      tool: crowdstrike.list_alerts\n      params: { hostname: "{{ live.x }}" }\n`,
    '13:31: checks.0.live.params.hostname: "live.x" reads live, but live params are filled before the read',
  ],
  ['live in applies_to', `${VALID}    applies_to: live.x\n    live:\n      tool: crowdstrike.list_alerts\n`, '11:17: checks.0.applies_to: "live.x" reads live, but applies_to is decided before the live read'],
];

describe('policy validation', () => {
  it('accepts the built-in policies', () => {
    for (const file of ['endpoint-hardening.yaml', 'cis-controls.yaml']) {
      const validation = validatePolicyFile(join(BUILT_IN_POLICIES_DIRECTORY, file), tools);
      expect(validation.problems.map(formatProblem)).toEqual([]);
      expect(validation.definition?.checks.length).toBeGreaterThan(3);
    }
  });

  it('accepts a minimal policy and fills defaults', () => {
    const { definition, problems } = validatePolicyText(VALID, 'tiny.yaml', tools);
    expect(problems).toEqual([]);
    expect(definition).toMatchObject({ name: 'tiny', vars: {}, checks: [{ id: 'edr', cis: ['CIS 10.1'] }] });
  });

  it.each(BROKEN)('reports %s at its file:line:col', (_name, text, expected) => {
    const { definition, problems } = validatePolicyText(text, 'p.yaml', tools);
    expect(definition).toBeUndefined();
    expect(problems.length).toBeGreaterThan(0);
    const lines = problems.map(formatProblem);
    expect(lines.some((line) => line.startsWith(`p.yaml:${expected}`))).toBe(true);
  });

  it('reports every problem of a file, in file order, not just the first', () => {
    const text = VALID.replace('severity: high', 'severity: huge').replace('"CIS 10.1"', '"10.1"').replace(`"'crowdstrike' in sources"`, 'bogus > 1');
    const lines = validatePolicyText(text, 'p.yaml', tools).problems.map(formatProblem);
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => Number(line.split(':')[1]))).toEqual([7, 9, 10]);
  });

  it('refuses a non-YAML file name, a missing file and a non-mapping document', () => {
    expect(validatePolicyFile('policy.json', tools).problems[0]?.message).toContain('expected a .yaml or .yml file');
    expect(validatePolicyFile('/nonexistent/p.yaml', tools).problems[0]?.message).toBe('no such file');
    expect(validatePolicyText('- a\n- b\n', 'p.yaml', tools).problems.map(formatProblem)).toEqual(['p.yaml:1:1: (root): a policy file must be a mapping with name, description, version and checks']);
    expect(() => loadPolicyFile('/nonexistent/p.yaml', tools)).toThrow(InputError);
  });
});

describe('policy library', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('lists built-ins and user policies; a user policy shadows a built-in of the same name', () => {
    directory = mkdtempSync(join(tmpdir(), 'policies-'));
    writeFileSync(join(directory, 'mine.yaml'), VALID.replace('name: tiny', 'name: endpoint-hardening'));
    const library = new PolicyLibrary({ tools, userDirectory: directory });
    const entries = library.list();
    expect(entries.map((entry) => [entry.name, entry.origin])).toEqual([
      ['cis-controls', 'built-in'],
      ['endpoint-hardening', 'user'],
    ]);
    expect(library.resolve('endpoint-hardening')[0]?.checks.map((check) => check.id)).toEqual(['edr']);
    expect(library.resolve('all')).toHaveLength(2);
  });

  it('refuses an unknown policy (with a suggestion) and an invalid one (with its problems)', () => {
    directory = mkdtempSync(join(tmpdir(), 'policies-'));
    writeFileSync(join(directory, 'broken.yaml'), VALID.replace('name: tiny', 'name: broken').replace('severity: high', 'severity: huge'));
    const library = new PolicyLibrary({ tools, userDirectory: directory });
    expect(() => library.resolve('endpoint-hardenin')).toThrow(/did you mean "endpoint-hardening"/);
    expect(() => library.resolve('endpoint-hardenin')).toThrow(UsageError);
    const invalid = (() => {
      try {
        library.resolve('all');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(invalid).toBeInstanceOf(InputError);
    expect((invalid as InputError).exitCode).toBe(2);
    expect((invalid as InputError).lines()[0]).toMatch(/broken\.yaml:7:15: checks\.0\.severity/);
    // The valid ones still resolve by name.
    expect(library.resolve('cis-controls')).toHaveLength(1);
  });
});
