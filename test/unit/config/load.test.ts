import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_TEMPLATE, loadConfig, parseConfigText } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/core/errors/index.js';
import { temporaryHome } from '../../helpers/cli.js';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

function load(text: string, env: NodeJS.ProcessEnv = {}) {
  const file = join(home.home, 'config.yaml');
  writeFileSync(file, text);
  return loadConfig({ file, env });
}

function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return (error as ConfigError).lines().map((line) => line.replace(home.home, '<home>'));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults when the file does not exist', () => {
    const loaded = loadConfig({ file: join(home.home, 'none.yaml'), env: {} });
    expect(loaded.exists).toBe(false);
    expect(loaded.config.agent.runtime).toBe('secure');
    expect(loaded.config.cisco.region).toBe('us');
    expect(loaded.config.max_concurrent).toBe(16);
    expect(loaded.config.approvals.allow_self_approval).toBe(false);
  });

  it('accepts the template written by config init with an empty environment', () => {
    const loaded = load(CONFIG_TEMPLATE);
    expect(loaded.unresolved.length).toBeGreaterThan(10);
    expect(loaded.config.integrations.splunk.index).toBe('security');
    // ${VAR:-default} with VAR unset takes the default.
    expect(loaded.config.slack.api_url).toBe('https://slack.com/api/');
  });

  it('writes the seed\'s shape: every key the issue names, and a base_url override per connector', () => {
    const document = parseDocument(CONFIG_TEMPLATE);
    const paths = [
      'cisco.client_id', 'cisco.client_secret', 'cisco.region', 'cisco.products', 'agent.runtime', 'log_level', 'audit_all_actions',
      'max_concurrent', 'integrations.splunk', 'integrations.pagerduty', 'integrations.crowdstrike', 'integrations.sentinel',
      'integrations.servicenow', 'inventory.scan_interval', 'inventory.auto_tag', 'inventory.tag_rules_file', 'slack.bot_token',
      'slack.signing_secret', 'approvals.approvers', 'approvals.expiry', 'llm.api_key', 'llm.model', 'llm.base_url',
      'cisco.umbrella.base_url', 'cisco.secure_firewall.base_url', 'integrations.splunk.url', 'integrations.pagerduty.base_url',
      'integrations.crowdstrike.base_url', 'integrations.sentinel.log_analytics_url', 'integrations.servicenow.instance_url', 'slack.api_url',
    ];
    for (const path of paths) expect(document.hasIn(path.split('.')), path).toBe(true);
    // Region-dependent hosts: the override is named in a comment (a value would pin one region).
    expect(CONFIG_TEMPLATE).toMatch(/xdr: \{\}\s+# base_url/);
    expect(CONFIG_TEMPLATE).toMatch(/# base_url: https:\/\/api\.amp\.cisco\.com/);
  });

  it('interpolates set variables and coerces numbers and booleans from them', () => {
    const loaded = load('max_concurrent: ${CONC}\naudit_all_actions: ${AUDIT:-false}\ncisco:\n  region: ${REGION:-eu}\n', { CONC: '12' });
    expect(loaded.config.max_concurrent).toBe(12);
    expect(loaded.config.audit_all_actions).toBe(false);
    expect(loaded.config.cisco.region).toBe('eu');
  });

  it('raises a missing variable only when its key is used, naming the variable and the key', () => {
    const loaded = load('cisco:\n  region: eu\nintegrations:\n  splunk:\n    url: https://splunk:8089\n    token: ${SPLUNK_TOKEN}\n');
    expect(loaded.config.integrations.splunk.url).toBe('https://splunk:8089');
    expect(loaded.config.cisco.region).toBe('eu');
    let thrown: unknown;
    try {
      void loaded.config.integrations.splunk.token;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const line = (thrown as ConfigError).lines()[0]!;
    expect(line).toContain('SPLUNK_TOKEN');
    expect(line).toContain('integrations.splunk.token');
    expect(line).toMatch(/config\.yaml:6:12: /);
  });

  it('reports an unknown key with file:line:col and a suggestion', () => {
    expect(problems('cisco:\n  regoin: us\n')).toEqual(['<home>/config.yaml:2:3: cisco.regoin: unknown key (did you mean "region"?)']);
    expect(problems('integrations:\n  splunk:\n    urll: https://x\n')).toEqual([
      '<home>/config.yaml:3:5: integrations.splunk.urll: unknown key (did you mean "url"?)',
    ]);
    expect(problems('nonsense: 1\n')).toEqual(['<home>/config.yaml:1:1: nonsense: unknown key']);
  });

  it('reports wrong types and enum values with their location', () => {
    expect(problems('cisco:\n  region: mars\n')).toEqual(['<home>/config.yaml:2:11: cisco.region: expected one of us|eu|apjc, got "mars"']);
    expect(problems('max_concurrent: many\n')).toEqual(['<home>/config.yaml:1:17: max_concurrent: expected number, got "many"']);
    expect(problems('agent:\n  runtime: yolo\n')).toEqual(['<home>/config.yaml:2:12: agent.runtime: expected one of secure|standard, got "yolo"']);
    expect(problems('audit_all_actions: maybe\n')).toEqual(['<home>/config.yaml:1:20: audit_all_actions: expected boolean, got "maybe"']);
    expect(problems('approvals:\n  approvers: [U123ABC, bob]\n')).toEqual([
      '<home>/config.yaml:2:24: approvals.approvers.1: expected a Slack user id (U…/W…) or user-group id (S…), got "bob"',
    ]);
  });

  it('reports every problem, one per line, in file order', () => {
    const lines = problems('max_concurrent: 0\ncisco:\n  region: mars\n  bogus: 1\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/:1:17: max_concurrent: /);
    expect(lines[1]).toMatch(/:3:11: cisco\.region: /);
    expect(lines[2]).toMatch(/:4:3: cisco\.bogus: unknown key/);
  });

  it('reports YAML syntax errors with their position', () => {
    const lines = problems('cisco:\n  region: [us\nfoo: bar\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^<home>\/config\.yaml:\d+:\d+: YAML syntax error: /);
    expect(problems('a: 1\na: 2\n')[0]).toMatch(/^<home>\/config\.yaml:2:1: YAML syntax error: Map keys must be unique/);
  });

  it('reports an alias to no anchor and an alias bomb as YAML errors (exit 2), not internal errors', () => {
    expect(problems('log_level: &level info\ncisco:\n  region: *nowhere\n')).toEqual([
      '<home>/config.yaml:3:11: YAML syntax error: alias *nowhere names no earlier anchor &nowhere',
    ]);
    const bomb = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    expect(problems(`${bomb.join('\n')}\n`)).toEqual([expect.stringMatching(/^<home>\/config\.yaml: YAML syntax error: Excessive alias count/)]);
    // A well-formed alias still works.
    expect(load('slack:\n  channel: &soc C0123ABCD\n  approvals_channel: *soc\n').config.slack.approvals_channel).toBe('C0123ABCD');
  });

  it('never echoes a secret value in an error', () => {
    const lines = problems('integrations:\n  splunk:\n    token: 42\n');
    expect(lines[0]).toContain('integrations.splunk.token');
    expect(lines[0]).toContain('secret value hidden');
    expect(lines[0]).not.toContain('42');
  });

  it('rejects a document that is not a mapping', () => {
    expect(problems('- a\n- b\n')[0]).toMatch(/config\.yaml:1:1: the config must be a mapping/);
  });

  it('reports malformed ${...} references', () => {
    expect(problems('log_level: ${LEVEL\n')[0]).toMatch(/:1:12: log_level: malformed \$\{\.\.\.\} reference/);
  });

  it('parses text without touching the disk', () => {
    const loaded = parseConfigText('cisco:\n  region: apjc\n', { file: 'inline.yaml', env: {}, exists: true });
    expect(loaded.config.cisco.region).toBe('apjc');
  });
});
