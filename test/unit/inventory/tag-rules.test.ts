import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors/index.js';
import { loadTagRules, matchingRules, parseTagRules, type InventoryAsset } from '../../../src/inventory/index.js';

const asset: InventoryAsset = {
  key: 'asset:srv-db-01',
  hostname: 'srv-db-01',
  ips: ['10.10.8.10'],
  macs: [],
  users: [],
  os: { family: 'linux', name: 'Ubuntu 22.04', version: '22.04' },
  lastSeen: '2026-01-01T00:00:00.000Z',
  sources: { crowdstrike: { sourceId: 'x', hostname: 'srv-db-01', tags: ['pci'] } },
  tags: ['pci', 'production'],
};

function problems(text: string): string[] {
  try {
    parseTagRules(text, 'rules.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.lines();
    throw error;
  }
  return [];
}

describe('tag rules', () => {
  it('use the agents condition language over asset fields (and sourceCount, seenDaysAgo)', () => {
    const { rules } = parseTagRules(
      `rules:
  - name: db
    tag: crown-jewel
    condition: hostname contains 'srv-db' and 'pci' in tags
  - name: linux
    tag: linux
    condition: os.family == 'linux'
  - name: single-edr
    tag: single-edr
    condition: sourceCount < 2 and 'crowdstrike' in sources
  - name: stale
    tag: stale
    condition: seenDaysAgo > 14
  - name: windows
    tag: windows
    condition: os.family == 'windows' or serial == 1
`,
      'rules.yaml',
    );
    expect(matchingRules(rules, asset, new Date('2026-01-10T00:00:00Z')).map((rule) => rule.name)).toEqual(['db', 'linux', 'single-edr']);
    expect(matchingRules(rules, asset, new Date('2026-02-10T00:00:00Z')).map((rule) => rule.name)).toContain('stale');
  });

  it('every problem of a file at file:line:col, with did-you-mean', () => {
    expect(
      problems(`rules:
  - name: Bad Name
    tag: crown-jewel
    condition: hostnme == 'x'
  - name: ok
    tagg: x
    condition: "hostname =="
  - name: ok
    tag: y
    condition: os.name == 'x'
extra: 1
`),
    ).toEqual([
      'rules.yaml:2:11: rules.0.name: expected lower-case letters, digits and . _ - (e.g. prod-servers)',
      'rules.yaml:4:16: rules.0.condition: unknown asset field "hostnme" (did you mean "hostname"?)',
      'rules.yaml:5:5: rules.1.tag: required key is missing',
      'rules.yaml:6:5: rules.1.tagg: unknown key (did you mean "tag"?)',
      expect.stringMatching(/^rules\.yaml:7:\d+: rules\.1\.condition: invalid condition at column \d+: /),
      'rules.yaml:8:11: rules.2.name: duplicate rule name "ok"',
      'rules.yaml:11:1: extra: unknown key (allowed: rules)',
    ]);
    expect(problems('rules: [')).toEqual([expect.stringMatching(/^rules\.yaml:\d+:\d+: YAML syntax error/)]);
  });

  it('the shipped example file is valid and tags a crown-jewel database', () => {
    const { rules } = loadTagRules(fileURLToPath(new URL('../../../tag-rules.example.yaml', import.meta.url)));
    expect(rules.length).toBeGreaterThan(3);
    expect(matchingRules(rules, asset, new Date('2026-01-02T00:00:00Z')).map((rule) => rule.tag)).toContain('crown-jewel');
  });
});
