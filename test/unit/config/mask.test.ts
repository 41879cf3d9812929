import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MASK, configSchema, loadConfig, maskedConfig, secretPaths, secretValues } from '../../../src/config/index.js';
import { temporaryHome } from '../../helpers/cli.js';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

/** The secrets of the product, by kind. If the schema loses one, this list catches it. */
const EXPECTED_SECRET_KEYS = [
  'cisco.client_secret',
  'cisco.umbrella.api_key',
  'cisco.umbrella.api_secret',
  'cisco.secure_endpoint.api_key',
  'cisco.secure_firewall.password',
  'integrations.splunk.token',
  'integrations.splunk.password',
  'integrations.splunk.hec_token',
  'integrations.pagerduty.api_token',
  'integrations.pagerduty.routing_key',
  'integrations.crowdstrike.client_secret',
  'integrations.sentinel.client_secret',
  'integrations.servicenow.password',
  'integrations.servicenow.client_secret',
  'slack.bot_token',
  'slack.signing_secret',
  'slack.app_token',
  'llm.api_key',
  'smtp.password',
];

describe('secret masking by schema', () => {
  it('marks exactly the expected keys secret', () => {
    expect(secretPaths(configSchema).map((path) => path.join('.')).sort()).toEqual([...EXPECTED_SECRET_KEYS].sort());
  });

  it('masks every secret field in show output and lists their values for scrubbing', () => {
    const tree: Record<string, unknown> = {};
    const values = new Map<string, string>();
    for (const key of EXPECTED_SECRET_KEYS) {
      const value = `secret-${key.replaceAll('.', '-')}-value`;
      values.set(key, value);
      const path = key.split('.');
      let node = tree;
      for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
      node[path.at(-1)!] = value;
    }
    // Non-secret neighbours stay visible.
    (tree.integrations as Record<string, Record<string, unknown>>).splunk!.url = 'https://splunk.example.com:8089';
    const file = join(home.home, 'config.yaml');
    writeFileSync(file, stringify(tree));
    const loaded = loadConfig({ file, env: {} });
    const shown = maskedConfig(loaded);
    const text = JSON.stringify(shown);
    for (const [key, value] of values) {
      expect(text, key).not.toContain(value);
      let node: unknown = shown;
      for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
      expect(node, key).toBe(MASK);
    }
    expect(text).toContain('https://splunk.example.com:8089');
    expect(secretValues(loaded).sort()).toEqual([...values.values()].sort());
  });

  it('shows unset variables as <unset VAR> instead of throwing', () => {
    const file = join(home.home, 'config.yaml');
    writeFileSync(file, 'integrations:\n  splunk:\n    token: ${SPLUNK_TOKEN}\n    url: ${SPLUNK_URL}\n');
    const shown = maskedConfig(loadConfig({ file, env: {} })) as { integrations: { splunk: Record<string, unknown> } };
    expect(shown.integrations.splunk.token).toBe('<unset SPLUNK_TOKEN>');
    expect(shown.integrations.splunk.url).toBe('<unset SPLUNK_URL>');
    // In the schema's order, not moved to the end of their section.
    expect(Object.keys(shown.integrations.splunk).slice(0, 2)).toEqual(['url', 'token']);
  });
});
