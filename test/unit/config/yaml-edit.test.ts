import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_TEMPLATE } from '../../../src/config/index.js';
import { setInYamlText } from '../../../src/config/yaml-edit.js';

const edit = (text: string, path: string[], value: unknown) => setInYamlText(text, parseDocument(text), path, value);

/** The lines of `after` that are not in `before`, and the other way round. */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  return { added: afterLines.filter((line) => !beforeLines.includes(line)), removed: beforeLines.filter((line) => !afterLines.includes(line)) };
}

describe('setInYamlText', () => {
  it('rewrites only the value: the comment after it keeps its column, every other line is untouched', () => {
    const after = edit(CONFIG_TEMPLATE, ['cisco', 'region'], 'eu');
    expect(changedLines(CONFIG_TEMPLATE, after)).toEqual({
      added: ['  region: eu                 # us | eu | apjc'],
      removed: ['  region: us                 # us | eu | apjc'],
    });
  });

  it('keeps flow lists in flow style and long lines on one line', () => {
    const after = edit(CONFIG_TEMPLATE, ['cisco', 'products'], ['xdr', 'umbrella']);
    expect(changedLines(CONFIG_TEMPLATE, after)).toEqual({
      added: ['  products: [xdr, umbrella]'],
      removed: ['  products: [xdr, umbrella, secure_endpoint, secure_firewall]'],
    });
    // Before: setting any key re-rendered the file, exploding this list over 11 lines and
    // moving the comment after `smtp:` onto a line of its own.
    expect(after).toContain('  internal_cidrs: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 127.0.0.0/8, 169.254.0.0/16, 100.64.0.0/10, fc00::/7, fe80::/10, ::1/128]\n');
    expect(after).toContain('smtp:                               # e-mail notifications');
  });

  it('adds a new key as one line at the end of its section', () => {
    const after = edit(CONFIG_TEMPLATE, ['slack', 'channel'], 'C0123ABCD');
    expect(changedLines(CONFIG_TEMPLATE, after)).toEqual({ added: ['  channel: C0123ABCD'], removed: [] });
    expect(parseDocument(after).getIn(['slack', 'channel'])).toBe('C0123ABCD');
  });

  it('adds a key to a flow mapping inside it', () => {
    const after = edit(CONFIG_TEMPLATE, ['cisco', 'xdr', 'base_url'], 'https://xdr.example');
    expect(changedLines(CONFIG_TEMPLATE, after).added).toEqual([
      '  xdr: {base_url: https://xdr.example} # base_url / private_intel_url / conure_url override the regional hosts',
    ]);
  });

  it('keeps quoting where the type needs it and block lists in block style', () => {
    const text = 'cisco:\n  umbrella:\n    block_list_id: x\napprovals:\n  approvers:\n    - U0000AAAA  # the lead\n  expiry: 1h\n';
    expect(edit(text, ['cisco', 'umbrella', 'block_list_id'], '42')).toContain('    block_list_id: "42"\n');
    expect(edit(text, ['approvals', 'approvers'], ['U1111BBBB', 'S2222CCCC'])).toBe(
      'cisco:\n  umbrella:\n    block_list_id: x\napprovals:\n  approvers:\n    - U1111BBBB\n    - S2222CCCC\n  expiry: 1h\n',
    );
    expect(edit(text, ['approvals', 'approvers'], [])).toContain('  approvers: []\n  expiry: 1h\n');
  });

  it('fills empty documents and empty sections', () => {
    expect(edit('', ['cisco', 'region'], 'eu')).toBe('cisco:\n  region: eu\n');
    expect(edit('# mine\n', ['log_level'], 'debug')).toBe('# mine\nlog_level: debug\n');
    expect(edit('log_level: info', ['cisco', 'region'], 'eu')).toBe('log_level: info\ncisco:\n  region: eu\n');
    expect(parseDocument(edit('slack:\nlog_level: info\n', ['slack', 'channel'], 'C1')).toJS()).toEqual({ slack: { channel: 'C1' }, log_level: 'info' });
    expect(edit('slack:\n  channel:\n', ['slack', 'channel'], 'C1')).toBe('slack:\n  channel: C1\n');
  });
});
