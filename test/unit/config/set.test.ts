import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_TEMPLATE, loadConfig, maskedConfig, resolveConfigKey, setConfigValue, writeFileAtomic } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/core/errors/index.js';
import { temporaryHome } from '../../helpers/cli.js';

let home: ReturnType<typeof temporaryHome>;
let file: string;
beforeEach(() => {
  home = temporaryHome();
  file = join(home.home, 'config.yaml');
  writeFileAtomic(file, CONFIG_TEMPLATE);
});
afterEach(() => home.cleanup());

const set = (key: string, value: string) => setConfigValue({ file, env: {}, key, value });

describe('resolveConfigKey short forms', () => {
  it.each([
    ['splunk.url', 'integrations.splunk.url'],
    ['splunk.hec_token', 'integrations.splunk.hec_token'],
    ['crowdstrike.client_id', 'integrations.crowdstrike.client_id'],
    ['crowdstrike.client_secret', 'integrations.crowdstrike.client_secret'],
    ['sentinel.workspace_id', 'integrations.sentinel.workspace_id'],
    ['pagerduty.routing_key', 'integrations.pagerduty.routing_key'],
    ['servicenow.instance_url', 'integrations.servicenow.instance_url'],
    ['xdr.base_url', 'cisco.xdr.base_url'],
    ['umbrella.api_key', 'cisco.umbrella.api_key'],
    ['secure_endpoint.client_id', 'cisco.secure_endpoint.client_id'],
    ['secure_firewall.username', 'cisco.secure_firewall.username'],
    ['runtime', 'agent.runtime'],
    ['region', 'cisco.region'],
    ['products', 'cisco.products'],
    ['scan_interval', 'inventory.scan_interval'],
    ['auto_tag', 'inventory.auto_tag'],
    ['tag_rules_file', 'inventory.tag_rules_file'],
    ['splunk.index', 'integrations.splunk.index'],
    ['pagerduty.api_token', 'integrations.pagerduty.api_token'],
    ['servicenow.password', 'integrations.servicenow.password'],
    ['sentinel.client_secret', 'integrations.sentinel.client_secret'],
    ['integrations.splunk.url', 'integrations.splunk.url'],
    ['cisco.client_id', 'cisco.client_id'],
  ])('%s → %s', (typed, canonical) => {
    expect(resolveConfigKey(typed).join('.')).toBe(canonical);
  });

  it('rejects unknown keys with a suggestion and sections with their keys', () => {
    expect(() => resolveConfigKey('splunk.urll')).toThrow(/unknown config key \(did you mean "integrations.splunk.url"\?\)/);
    expect(() => resolveConfigKey('nothing.here')).toThrow(ConfigError);
    expect(() => resolveConfigKey('integrations.splunk')).toThrow(/is a section, not a value; set one of its keys: url, token/);
    expect(resolveConfigKey('splunk', { section: true })).toEqual(['integrations', 'splunk']);
  });
});

describe('setConfigValue', () => {
  it('round-trips through show for every short form', () => {
    const cases: Array<[string, string, string[]]> = [
      ['splunk.url', 'https://splunk.example.com:8089', ['integrations', 'splunk', 'url']],
      ['crowdstrike.client_id', 'cs-client-1', ['integrations', 'crowdstrike', 'client_id']],
      ['sentinel.tenant_id', 'tenant-1', ['integrations', 'sentinel', 'tenant_id']],
      ['servicenow.username', 'svc-defenseclaw', ['integrations', 'servicenow', 'username']],
      ['pagerduty.from_email', 'soc@example.com', ['integrations', 'pagerduty', 'from_email']],
      ['umbrella.block_list_id', '15755711', ['cisco', 'umbrella', 'block_list_id']],
      ['runtime', 'standard', ['agent', 'runtime']],
      ['region', 'eu', ['cisco', 'region']],
    ];
    for (const [key, value, path] of cases) {
      const change = set(key, value);
      expect(change.key).toBe(path.join('.'));
      const shown = maskedConfig(loadConfig({ file, env: {} })) as Record<string, Record<string, unknown>>;
      let current: unknown = shown;
      for (const part of path) current = (current as Record<string, unknown>)[part];
      expect(current).toBe(value);
    }
  });

  it('stores typed values: numbers, booleans and lists', () => {
    set('max_concurrent', '9');
    set('audit_all_actions', 'no');
    set('approvals.approvers', 'U0123ABCD, S0456EFGH');
    set('cisco.products', '[xdr, umbrella]');
    const loaded = loadConfig({ file, env: {} });
    expect(loaded.config.max_concurrent).toBe(9);
    expect(loaded.config.audit_all_actions).toBe(false);
    expect(loaded.config.approvals.approvers).toEqual(['U0123ABCD', 'S0456EFGH']);
    expect(loaded.config.cisco.products).toEqual(['xdr', 'umbrella']);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^max_concurrent: 9 +# tool calls running at once/m);
    expect(text).toMatch(/^audit_all_actions: false +# every tool call is audited/m);
  });

  it('keeps ${VAR} references as written', () => {
    set('splunk.token', '${MY_SPLUNK_TOKEN}');
    expect(readFileSync(file, 'utf8')).toContain('token: ${MY_SPLUNK_TOKEN}');
    expect(loadConfig({ file, env: { MY_SPLUNK_TOKEN: 'abc-123-token' } }).config.integrations.splunk.token).toBe('abc-123-token');
  });

  it('keeps every comment of the file', () => {
    const comments = (text: string) => text.split('\n').filter((line) => line.trim().startsWith('#') || line.includes(' # ')).map((line) => line.slice(line.indexOf('#')).trim());
    const before = comments(readFileSync(file, 'utf8'));
    set('splunk.url', 'https://splunk.example.com:8089');
    set('cisco.region', 'apjc');
    set('approvals.expiry', '30m');
    const after = comments(readFileSync(file, 'utf8'));
    expect(before.length).toBeGreaterThan(15);
    expect(after).toEqual(before);
  });

  it('writes the file with mode 0600', () => {
    set('cisco.region', 'eu');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['cisco.region', 'mars', /cisco\.region: expected one of us\|eu\|apjc, got "mars"/],
    ['max_concurrent', 'lots', /max_concurrent: expected number, got "lots"/],
    ['max_concurrent', '0', /max_concurrent: .*got number 0/],
    ['agent.runtime', 'reckless', /agent\.runtime: expected one of secure\|standard/],
    ['splunk.url', 'not a url', /integrations\.splunk\.url: expected an http\(s\) URL/],
    ['approvals.expiry', 'soon', /approvals\.expiry: expected a duration/],
    ['approvals.approvers', 'alice', /approvals\.approvers\.0: expected a Slack user id/],
    ['splunk.urll', 'https://x', /unknown config key/],
    ['log_level', '${UNCLOSED', /malformed/],
  ])('refuses %s=%s, leaving the file untouched', (key, value, message) => {
    const before = readFileSync(file, 'utf8');
    let thrown: unknown;
    try {
      set(key, value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).exitCode).toBe(2);
    expect((thrown as ConfigError).message).toMatch(message);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('masks secrets in the change it reports', () => {
    const change = set('crowdstrike.client_secret', 'cs-secret-value-42');
    expect(change).toMatchObject({ key: 'integrations.crowdstrike.client_secret', secret: true, next: '********', previous: '********' });
    expect(JSON.stringify(change)).not.toContain('cs-secret-value-42');
  });

  it('starts from the config init template when there is no config file yet', () => {
    const missing = join(home.home, 'new', 'config.yaml');
    const change = setConfigValue({ file: missing, env: {}, key: 'cisco.region', value: 'eu' });
    expect(change).toMatchObject({ key: 'cisco.region', created: true, next: 'eu' });
    expect(readFileSync(missing, 'utf8')).toBe(CONFIG_TEMPLATE.replace('  region: us                 #', '  region: eu                 #'));
    expect(statSync(missing).mode & 0o777).toBe(0o600);
    expect(set('cisco.region', 'apjc').created).toBe(false);
  });
});
