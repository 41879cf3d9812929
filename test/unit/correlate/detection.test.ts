import { isIPv4 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseIPv4 } from '../../../src/correlate/engine/field-matcher.js';
import { DetectionIndex, compileDetection, type EventFields } from '../../../src/correlate/engine/index.js';
import type { DetectionRule } from '../../../src/correlate/rules/index.js';
import { detectionRule, matches, ruleSet } from './helpers.js';

const check = (detection: Record<string, unknown>, cases: Array<[EventFields, boolean]>) => {
  const set = detectionRule(detection);
  for (const [fields, expected] of cases) expect({ fields, matched: matches(set, fields) }).toEqual({ fields, matched: expected });
};

describe('detection: plain values', () => {
  it('compares strings ignoring case, whole value', () => {
    check({ selection: { 'process.name': 'PowerShell.exe' }, condition: 'selection' }, [
      [{ 'process.name': 'powershell.exe' }, true],
      [{ 'process.name': 'POWERSHELL.EXE' }, true],
      [{ 'process.name': 'xpowershell.exe' }, false],
      [{ 'process.name': 'powershell.exe ' }, false],
      [{}, false],
    ]);
  });

  it('a list of values under one field is an OR', () => {
    check({ selection: { 'event.code': [4624, 4625, '4648'] }, condition: 'selection' }, [
      [{ 'event.code': 4625 }, true],
      [{ 'event.code': '4648' }, true],
      [{ 'event.code': '4624' }, true],
      [{ 'event.code': 4634 }, false],
    ]);
  });

  it('a map is an AND, a list of maps an OR', () => {
    check(
      {
        selection: [
          { class: 'authentication', outcome: 'failure' },
          { class: 'process_activity', 'process.name': 'cmd.exe' },
        ],
        condition: 'selection',
      },
      [
        [{ class: 'authentication', outcome: 'failure' }, true],
        [{ class: 'authentication', outcome: 'success' }, false],
        [{ class: 'process_activity', 'process.name': 'CMD.EXE' }, true],
        [{ class: 'process_activity', outcome: 'failure' }, false],
      ],
    );
  });

  it('numbers and booleans match their text; null matches a missing or null field', () => {
    check({ selection: { 'dst.port': 443, admin: true, 'parent.name': null }, condition: 'selection' }, [
      [{ 'dst.port': 443, admin: true }, true],
      [{ 'dst.port': '443', admin: 'TRUE', 'parent.name': null }, true],
      [{ 'dst.port': 443, admin: true, 'parent.name': 'explorer.exe' }, false],
      [{ 'dst.port': 4430, admin: true }, false],
    ]);
  });

  it('list-valued event fields match when any element does', () => {
    check({ selection: { 'entities.ips': '185.220.101.5' }, condition: 'selection' }, [
      [{ 'entities.ips': ['10.0.0.1', '185.220.101.5'] }, true],
      [{ 'entities.ips': ['10.0.0.1'] }, false],
      [{ 'entities.ips': [] }, false],
    ]);
  });
});

describe('detection: wildcards and escapes', () => {
  it('* matches any run, ? one character, both ignoring case', () => {
    check({ selection: { 'process.command_line': 'powershell*-enc?*' }, condition: 'selection' }, [
      [{ 'process.command_line': 'PowerShell.exe -NoP -Enc AAAA' }, true],
      [{ 'process.command_line': 'powershell -enc' }, false],
      [{ 'process.command_line': 'cmd /c powershell -enc A' }, false],
    ]);
  });

  it('\\* and \\? are literal; a backslash before anything else is itself', () => {
    check({ selection: { path: 'C:\\Temp\\\\\\*.txt' }, condition: 'selection' }, [
      [{ path: 'C:\\Temp\\*.txt' }, true],
      [{ path: 'C:\\Temp\\a.txt' }, false],
    ]);
    check({ selection: { name: 'what\\?' }, condition: 'selection' }, [
      [{ name: 'what?' }, true],
      [{ name: 'whatx' }, false],
    ]);
    check({ selection: { 'process.name|endswith': '\\powershell.exe' }, condition: 'selection' }, [
      [{ 'process.name': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.exe' }, true],
      [{ 'process.name': 'powershell.exe' }, false],
    ]);
  });

  it('wildcards match across line breaks', () => {
    check({ selection: { 'process.command_line|contains': 'a*b' }, condition: 'selection' }, [[{ 'process.command_line': 'xa\nby' }, true]]);
  });
});

describe('detection: modifiers', () => {
  it('contains, startswith, endswith (with wildcards inside)', () => {
    check({ selection: { 'process.command_line|contains': '-EncodedCommand' }, condition: 'selection' }, [
      [{ 'process.command_line': 'powershell -encodedcommand ZQ==' }, true],
      [{ 'process.command_line': 'powershell -enc ZQ==' }, false],
    ]);
    check({ selection: { 'dns.query|startswith': 'update-check.' }, condition: 'selection' }, [
      [{ 'dns.query': 'Update-Check.example-cdn.net' }, true],
      [{ 'dns.query': 'x.update-check.net' }, false],
    ]);
    check({ selection: { 'dns.query|endswith': ['.onion', '.example-cdn.net'] }, condition: 'selection' }, [
      [{ 'dns.query': 'update-check.EXAMPLE-CDN.net' }, true],
      [{ 'dns.query': 'example-cdn.net.evil' }, false],
    ]);
    check({ selection: { 'url|contains': 'a?c' }, condition: 'selection' }, [
      [{ url: 'xxabcxx' }, true],
      [{ url: 'xxacxx' }, false],
    ]);
  });

  it('all: every value must match', () => {
    check({ selection: { 'process.command_line|contains|all': ['-nop', '-w hidden', 'iex'] }, condition: 'selection' }, [
      [{ 'process.command_line': 'powershell -NoP -W Hidden -c IEX(x)' }, true],
      [{ 'process.command_line': 'powershell -nop -c iex(x)' }, false],
    ]);
    check({ selection: { 'entities.users|all': ['jdoe', 'admin'] }, condition: 'selection' }, [
      [{ 'entities.users': ['admin', 'JDOE'] }, true],
      [{ 'entities.users': ['admin'] }, false],
    ]);
  });

  it('re is case-sensitive and unanchored; re|i ignores case', () => {
    check({ selection: { 'process.command_line|re': '-[Ee]nc(odedCommand)? [A-Za-z0-9+/=]{8,}' }, condition: 'selection' }, [
      [{ 'process.command_line': 'powershell -enc SQBFAFgAKAA=' }, true],
      [{ 'process.command_line': 'powershell -ENC SQBFAFgAKAA=' }, false],
      [{ 'process.command_line': 'powershell -enc abc' }, false],
    ]);
    check({ selection: { 'user.name|re|i': '^ADM' }, condition: 'selection' }, [
      [{ 'user.name': 'admin' }, true],
      [{ 'user.name': 'sysadmin' }, false],
    ]);
  });

  it('cidr: IPv4 and IPv6 networks; non-addresses never match', () => {
    check({ selection: { 'src.ip|cidr': ['10.0.0.0/8', '192.168.1.0/24', 'fd00::/8'] }, condition: 'selection' }, [
      [{ 'src.ip': '10.20.30.40' }, true],
      [{ 'src.ip': '192.168.1.255' }, true],
      [{ 'src.ip': '192.168.2.1' }, false],
      [{ 'src.ip': 'fd12:3456::1' }, true],
      [{ 'src.ip': 'fe80::1' }, false],
      [{ 'src.ip': 'workstation-042' }, false],
      [{ 'entities.ips': ['10.0.0.1'] }, false],
    ]);
    check({ selection: { 'entities.ips|cidr': '185.220.101.0/24' }, condition: 'selection' }, [[{ 'entities.ips': ['10.0.0.1', '185.220.101.5'] }, true]]);
  });

  it('gt, gte, lt, lte compare numbers (numeric strings too)', () => {
    check({ low: { 'risk.score|gt': 80 }, condition: 'low' }, [
      [{ 'risk.score': 81 }, true],
      [{ 'risk.score': 80 }, false],
      [{ 'risk.score': '90.5' }, true],
      [{ 'risk.score': 'high' }, false],
      [{ 'risk.score': '' }, false],
      [{}, false],
    ]);
    check({ band: { 'bytes|gte': 100, 'packets|lte': 3, 'dst.port|lt': 1024 }, condition: 'band' }, [
      [{ bytes: 100, packets: 3, 'dst.port': 443 }, true],
      [{ bytes: 99, packets: 3, 'dst.port': 443 }, false],
      [{ bytes: 100, packets: 4, 'dst.port': 443 }, false],
      [{ bytes: 100, packets: 3, 'dst.port': 1024 }, false],
    ]);
  });

  it('exists: true needs a non-null value, false its absence', () => {
    check({ has: { 'file.hash.sha256|exists': true }, condition: 'has' }, [
      [{ 'file.hash.sha256': 'ab' }, true],
      [{ 'file.hash.sha256': null }, false],
      [{}, false],
    ]);
    check({ lacks: { 'parent.name|exists': false }, condition: 'lacks' }, [
      [{}, true],
      [{ 'parent.name': 'x' }, false],
    ]);
  });

  it('cased: case-sensitive strings, wildcards included', () => {
    check({ selection: { 'process.name|cased': 'Mimikatz.exe', 'title|contains|cased': 'LSASS' }, condition: 'selection' }, [
      [{ 'process.name': 'Mimikatz.exe', title: 'dump of LSASS' }, true],
      [{ 'process.name': 'mimikatz.exe', title: 'dump of LSASS' }, false],
      [{ 'process.name': 'Mimikatz.exe', title: 'dump of lsass' }, false],
    ]);
  });

  it('keywords: case-insensitive substrings of any string field', () => {
    check({ keywords: ['mimikatz', 'sekurlsa::*'], condition: 'keywords' }, [
      [{ message: 'Invoke-Mimikatz detected' }, true],
      [{ 'process.command_line': 'x.exe "sekurlsa::logonpasswords"' }, true],
      [{ 'entities.hashes': ['MIMIKATZ-hash'] }, true],
      [{ message: 'benign' }, false],
    ]);
    check({ keyword: 'EvilCorp', condition: 'keyword' }, [[{ title: 'evilcorp beacon' }, true]]);
  });
});

describe('detection: conditions', () => {
  const detection = {
    selection_process: { 'process.name': 'powershell.exe' },
    selection_args: { 'process.command_line|contains': '-enc' },
    filter_admin: { 'user.name': 'svc_admin' },
    _helper: { 'host.name': 'lab' },
  };
  const cases: Array<[string, EventFields, boolean]> = [
    ['selection_process and selection_args and not filter_admin', { 'process.name': 'powershell.exe', 'process.command_line': '-enc x' }, true],
    ['selection_process and selection_args and not filter_admin', { 'process.name': 'powershell.exe', 'process.command_line': '-enc x', 'user.name': 'svc_admin' }, false],
    ['selection_process or selection_args and filter_admin', { 'process.name': 'powershell.exe' }, true],
    ['(selection_process or selection_args) and filter_admin', { 'process.name': 'powershell.exe' }, false],
    ['not selection_process and selection_args', { 'process.command_line': '-enc x' }, true],
    ['not selection_process or selection_args', { 'process.name': 'powershell.exe' }, false],
    ['1 of selection_*', { 'process.command_line': '-enc' }, true],
    ['all of selection_*', { 'process.command_line': '-enc' }, false],
    ['all of selection_* and not 1 of filter_*', { 'process.name': 'powershell.exe', 'process.command_line': '-enc' }, true],
    ['not 1 of filter*', {}, true],
    ['1 of them', { 'host.name': 'lab' }, false],
    ['1 of them', { 'user.name': 'svc_admin' }, true],
    ['all of them', { 'process.name': 'powershell.exe', 'process.command_line': '-enc', 'user.name': 'svc_admin' }, true],
    ['_helper and selection_process', { 'host.name': 'lab', 'process.name': 'powershell.exe' }, true],
  ];
  it.each(cases)('%s', (condition, fields, expected) => {
    expect(matches(detectionRule({ ...detection, condition }), fields)).toBe(expected);
  });

  it('a list of conditions is an OR', () => {
    const set = detectionRule({ ...detection, condition: ['selection_process and filter_admin', 'selection_args'] });
    expect(matches(set, { 'process.command_line': '-enc' })).toBe(true);
    expect(matches(set, { 'process.name': 'powershell.exe' })).toBe(false);
  });

  it('operators are case-insensitive words, identifiers are not', () => {
    expect(matches(detectionRule({ ...detection, condition: 'selection_process AND NOT filter_admin' }), { 'process.name': 'powershell.exe' })).toBe(true);
  });
});

describe('detection: logsource', () => {
  const set = ruleSet(`title: Windows PowerShell
logsource: { product: Windows, category: process_creation }
detection:
  selection: { process.name: powershell.exe }
  condition: selection
`);
  it('constrains events that carry logsource fields, ignoring case', () => {
    expect(matches(set, { 'logsource.product': 'windows', 'logsource.category': 'process_creation', 'process.name': 'powershell.exe' })).toBe(true);
    expect(matches(set, { 'logsource.product': 'WINDOWS', 'process.name': 'powershell.exe' })).toBe(true);
    expect(matches(set, { 'logsource.product': 'linux', 'process.name': 'powershell.exe' })).toBe(false);
    expect(matches(set, { 'logsource.category': 'network_connection', 'process.name': 'powershell.exe' })).toBe(false);
  });
  it('does not constrain events without them', () => {
    expect(matches(set, { 'process.name': 'powershell.exe' })).toBe(true);
  });
});

describe('detection index', () => {
  const set = ruleSet(
    [
      ['a', `logsource: { category: authentication }\ndetection: { s: { class: authentication, outcome: [failure, Error] }, condition: s }`],
      ['b', `logsource: { category: authentication }\ndetection: { s: { outcome: success }, f: { user.name: guest }, condition: s and not f }`],
      ['c', `logsource: { product: windows }\ndetection: { s: { process.name|endswith: .exe }, condition: s }`],
      ['d', `logsource: { category: dns }\ndetection: { s: { dns.query|contains: evil }, t: { dns.query: [x.com, y.com] }, condition: 1 of them }`],
      ['e', `logsource: { category: dns }\ndetection: { s: { event.code: 22 }, t: { dns.query: a.com }, condition: all of them }`],
      ['f', `logsource: { category: authentication }\ndetection: { k: [mimikatz], condition: k }`],
      ['g', `logsource: { category: authentication }\ndetection: { s: { entities.users|all: [a, b] }, condition: s }`],
    ]
      .map(([name, body]) => `title: ${name}\nname: rule_${name}\n${body}`)
      .join('\n---\n'),
  );

  it('finds exactly the rules a full scan finds, on varied events', () => {
    const index = new DetectionIndex(set.detections);
    const out = new Int32Array(set.detections.length);
    const values = {
      'logsource.category': [undefined, 'authentication', 'dns', 'Authentication', 'other'],
      'logsource.product': [undefined, 'windows', 'linux'],
      class: [undefined, 'authentication', 'AUTHENTICATION'],
      outcome: [undefined, 'failure', 'success', 'ERROR'],
      'user.name': [undefined, 'guest', 'jdoe'],
      'process.name': [undefined, 'a.EXE', 'b.sh'],
      'dns.query': [undefined, 'evil.net', 'x.com', 'A.com'],
      'event.code': [undefined, 22, '22'],
      'entities.users': [undefined, ['a', 'B'], ['a']],
      message: [undefined, 'Mimikatz ran'],
    } as const;
    let state = 7;
    const random = (length: number) => ((state = (state * 1103515245 + 12345) % 2147483648), state % length);
    for (let round = 0; round < 3000; round += 1) {
      const fields: Record<string, unknown> = {};
      for (const [field, options] of Object.entries(values)) {
        const value = options[random(options.length)];
        if (value !== undefined) fields[field] = value;
      }
      const count = index.match(fields as EventFields, out);
      const expected = set.detections
        .filter((detection) => {
          const { category, product } = detection.logsource;
          const eventCategory = (fields['logsource.category'] as string | undefined)?.toLowerCase();
          const eventProduct = (fields['logsource.product'] as string | undefined)?.toLowerCase();
          if (category !== undefined && eventCategory !== undefined && category !== eventCategory) return false;
          if (product !== undefined && eventProduct !== undefined && product !== eventProduct) return false;
          return detection.test(fields as EventFields);
        })
        .map((detection) => detection.ruleIndex);
      expect([...out.subarray(0, count)]).toEqual(expected);
    }
  });

  it('uses plain equalities as witnesses, nothing else', () => {
    const lists = ruleSet(`title: l\nlogsource: {}\ndetection: { s: { outcome: [Failure, error] }, t: { user.name: x }, condition: s or t }`);
    expect(lists.detections[0]!.witnesses).toEqual([
      { field: 'outcome', value: 'failure' },
      { field: 'outcome', value: 'error' },
      { field: 'user.name', value: 'x' },
    ]);
    const rules = set.collection.rules as DetectionRule[];
    const witnesses = (name: string) => compileDetection(rules.find((rule) => rule.name === name)!, 0).witnesses;
    // The condition with the fewest values (then the first) is the witness.
    expect(witnesses('rule_a')).toEqual([{ field: 'class', value: 'authentication' }]);
    expect(witnesses('rule_b')).toEqual([{ field: 'outcome', value: 'success' }]);
    expect(witnesses('rule_c')).toBeUndefined();
    expect(witnesses('rule_d')).toBeUndefined();
    expect(witnesses('rule_e')).toEqual([{ field: 'event.code', value: '22' }]);
    expect(witnesses('rule_f')).toBeUndefined();
    expect(witnesses('rule_g')).toEqual([{ field: 'entities.users', value: 'a' }]);
  });
});

describe('detection: fast paths agree with the slow ones', () => {
  it('the IPv4 parser behind cidr is as strict as net.isIPv4', () => {
    const candidates = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1..2.3', 'a.b.c.d', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.04', '1.2.3.', '::1', '1.2.3.4/8', '١.٢.٣.٤'];
    for (const candidate of candidates) expect({ candidate, parsed: parseIPv4(candidate) !== undefined }).toEqual({ candidate, parsed: isIPv4(candidate) });
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('10.1.2.3')).toBe(0x0a010203);
  });

  it('ignores case beyond ASCII, in every comparison', () => {
    check({ selection: { 'user.name': 'ÄNNE', 'host.name|startswith': 'ÉCOLE', 'title|endswith': 'ÜBER', 'message|contains': 'STRAẞE' }, condition: 'selection' }, [
      [{ 'user.name': 'änne', 'host.name': 'école-01', title: 'da drüber', message: 'in der straße' }, true],
      [{ 'user.name': 'anne', 'host.name': 'école-01', title: 'da drüber', message: 'in der straße' }, false],
    ]);
    // The Kelvin sign folds to k.
    check({ selection: { 'process.command_line|contains': 'kerberoast' }, condition: 'selection' }, [[{ 'process.command_line': 'Invoke-\u212Aerberoast' }, true]]);
  });
});
