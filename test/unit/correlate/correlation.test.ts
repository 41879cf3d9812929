import { describe, expect, it } from 'vitest';
import { CorrelationEngine, correlateEvents, type Correlation, type EventFields, type FlatEvent } from '../../../src/correlate/engine/index.js';
import { MINUTE, T0, at, ruleSet } from './helpers.js';

const failure = (ip: string, user = 'jdoe'): EventFields => ({ class: 'authentication', outcome: 'failure', 'src.ip': ip, 'user.name': user });
const success = (ip: string, user = 'jdoe'): EventFields => ({ class: 'authentication', outcome: 'success', 'src.ip': ip, 'user.name': user });

const AUTH_RULES = `title: Failed logon
name: failed_logon
logsource: { category: authentication }
detection:
  selection: { class: authentication, outcome: failure }
  condition: selection
---
title: Successful logon
name: successful_logon
logsource: { category: authentication }
detection:
  selection: { class: authentication, outcome: success }
  condition: selection
`;

function eventCount(condition: string, groupBy = '[src.ip]', timespan = '10m'): string {
  return `title: Failures
name: failures
level: medium
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: ${groupBy}
  timespan: ${timespan}
  condition: ${condition}
---
${AUTH_RULES}`;
}

const refs = (correlations: Correlation<string>[]) => correlations.map((correlation) => correlation.events);

describe('event_count', () => {
  it('fires when the count is reached, then resets the group', () => {
    const set = ruleSet(eventCount('{ gte: 3 }'));
    const events = [0, 1, 2, 3, 4, 5, 6].map((minute) => at(minute * MINUTE, `f${minute}`, failure('10.0.0.1')));
    const { correlations, detections } = correlateEvents(set, events);
    expect(refs(correlations)).toEqual([
      ['f0', 'f1', 'f2'],
      ['f3', 'f4', 'f5'],
    ]);
    expect(correlations[0]).toEqual({
      rule: { index: 0, kind: 'correlation', type: 'event_count', title: 'Failures', name: 'failures', level: 'medium' },
      group: { 'src.ip': '10.0.0.1' },
      events: ['f0', 'f1', 'f2'],
      count: 3,
      firstTime: T0,
      lastTime: T0 + 2 * MINUTE,
      window: { start: T0, end: T0 + 10 * MINUTE, timespanMs: 10 * MINUTE },
    });
    // failed_logon feeds the correlation, so it is not reported alone.
    expect(detections).toEqual([]);
  });

  it('gt is strict', () => {
    const set = ruleSet(eventCount('{ gt: 2 }'));
    const three = [0, 1, 2].map((minute) => at(minute * MINUTE, `f${minute}`, failure('10.0.0.1')));
    expect(correlateEvents(set, three).correlations).toHaveLength(1);
    expect(correlateEvents(set, three.slice(0, 2)).correlations).toHaveLength(0);
  });

  it('window edge: an event exactly timespan after the first is inside, 1 ms later is not', () => {
    const set = ruleSet(eventCount('{ gte: 2 }'));
    expect(refs(correlateEvents(set, [at(0, 'a', failure('1.1.1.1')), at(10 * MINUTE, 'b', failure('1.1.1.1'))]).correlations)).toEqual([['a', 'b']]);
    expect(correlateEvents(set, [at(0, 'a', failure('1.1.1.1')), at(10 * MINUTE + 1, 'b', failure('1.1.1.1'))]).correlations).toEqual([]);
  });

  it('the window slides: old events leave it as new ones come', () => {
    const set = ruleSet(eventCount('{ gte: 3 }'));
    const events = [0, 6, 11, 12].map((minute) => at(minute * MINUTE, `f${minute}`, failure('10.0.0.1')));
    const [correlation] = correlateEvents(set, events).correlations;
    expect(correlation?.events).toEqual(['f6', 'f11', 'f12']);
    expect(correlation?.window.start).toBe(T0 + 6 * MINUTE);
  });

  it('keeps groups apart', () => {
    const set = ruleSet(eventCount('{ gte: 2 }', '[src.ip, user.name]'));
    const events = [
      at(0, 'a1', failure('10.0.0.1', 'jdoe')),
      at(1, 'b1', failure('10.0.0.2', 'jdoe')),
      at(2, 'c1', failure('10.0.0.1', 'admin')),
      at(3, 'a2', failure('10.0.0.1', 'jdoe')),
      at(4, 'b2', failure('10.0.0.2', 'jdoe')),
    ];
    const { correlations } = correlateEvents(set, events);
    expect(correlations.map(({ group, events: groupEvents }) => ({ group, groupEvents }))).toEqual([
      { group: { 'src.ip': '10.0.0.1', 'user.name': 'jdoe' }, groupEvents: ['a1', 'a2'] },
      { group: { 'src.ip': '10.0.0.2', 'user.name': 'jdoe' }, groupEvents: ['b1', 'b2'] },
    ]);
  });

  it('skips events missing a group-by field (missing, null or empty) and counts them', () => {
    const set = ruleSet(eventCount('{ gte: 2 }'));
    const { correlations, stats } = correlateEvents(set, [
      at(0, 'a', failure('10.0.0.1')),
      at(1, 'no-ip', { class: 'authentication', outcome: 'failure' }),
      at(2, 'null-ip', { ...failure(''), 'src.ip': null }),
      at(3, 'empty-ip', failure('')),
    ]);
    expect(correlations).toEqual([]);
    expect(stats.skippedInputs).toBe(3);
  });

  it('a list-valued group-by field puts the event in one group per element', () => {
    const set = ruleSet(eventCount('{ gte: 2 }', '[entities.hosts]'));
    const fields = (hosts: string[]): EventFields => ({ class: 'authentication', outcome: 'failure', 'entities.hosts': hosts });
    const { correlations } = correlateEvents(set, [at(0, 'a', fields(['ws-1', 'srv-1'])), at(1, 'b', fields(['srv-1']))]);
    expect(correlations.map(({ group, events }) => ({ group, events }))).toEqual([{ group: { 'entities.hosts': 'srv-1' }, events: ['a', 'b'] }]);
  });

  it('group keys are unambiguous whatever the values hold; numbers and their text are one group', () => {
    const set = ruleSet(eventCount('{ gte: 2 }', '[src.ip, user.name]'));
    const separator = '\u001f';
    const { correlations } = correlateEvents(set, [
      at(0, 'a', failure(`x${separator}y`, 'z')),
      at(1, 'b', failure('x', `y${separator}z`)),
      at(2, 'c', { class: 'authentication', outcome: 'failure', 'src.ip': 42, 'user.name': 'z' }),
      at(3, 'd', failure('42', 'z')),
    ]);
    expect(correlations.map(({ events }) => events)).toEqual([['c', 'd']]);
  });

  it('without group-by, every event is in one group', () => {
    const set = ruleSet(eventCount('{ gte: 2 }', '[]'));
    expect(refs(correlateEvents(set, [at(0, 'a', failure('1.1.1.1')), at(1, 'b', failure('2.2.2.2'))]).correlations)).toEqual([['a', 'b']]);
  });
});

describe('event_count and value_count with upper bounds: decided when the window closes', () => {
  const quiet = (condition: string) => ruleSet(eventCount(condition));

  it('lt: fires once the window is over, with the count it ended with', () => {
    const set = quiet('{ lt: 3 }');
    const { correlations } = correlateEvents(set, [
      at(0, 'a1', failure('10.0.0.1')),
      at(5 * MINUTE, 'a2', failure('10.0.0.1')),
      at(0, 'b1', failure('10.0.0.2')),
      at(1 * MINUTE, 'b2', failure('10.0.0.2')),
      at(2 * MINUTE, 'b3', failure('10.0.0.2')),
      // Past both windows: closes them.
      at(30 * MINUTE, 'late', failure('10.0.0.9')),
    ]);
    expect(correlations.map(({ group, events, count }) => ({ group, events, count }))).toEqual([{ group: { 'src.ip': '10.0.0.1' }, events: ['a1', 'a2'], count: 2 }]);
  });

  it('windows still open at the end are dropped undecided', () => {
    const set = quiet('{ lt: 3 }');
    expect(correlateEvents(set, [at(0, 'a1', failure('10.0.0.1'))]).correlations).toEqual([]);
  });

  it('advanceTo closes windows on a quiet stream; the edge is inclusive', () => {
    const fired: Correlation[] = [];
    const engine = new CorrelationEngine(quiet('{ eq: 2 }'), { onCorrelation: (correlation) => fired.push(correlation) });
    engine.push(at(0, 'a1', failure('10.0.0.1')));
    engine.push(at(10 * MINUTE, 'a2', failure('10.0.0.1')));
    engine.advanceTo(T0 + 10 * MINUTE);
    expect(fired).toEqual([]);
    engine.advanceTo(T0 + 10 * MINUTE + 1);
    expect(fired.map(({ events, window }) => ({ events, window }))).toEqual([
      { events: ['a1', 'a2'], window: { start: T0, end: T0 + 10 * MINUTE, timespanMs: 10 * MINUTE } },
    ]);
  });

  it('an event after the window starts the next window', () => {
    const set = quiet('{ eq: 1 }');
    const { correlations } = correlateEvents(set, [
      at(0, 'a1', failure('10.0.0.1')),
      at(10 * MINUTE + 1, 'a2', failure('10.0.0.1')),
      at(11 * MINUTE, 'a3', failure('10.0.0.1')),
      at(60 * MINUTE, 'other', failure('10.0.0.2')),
    ]);
    expect(refs(correlations)).toEqual([['a1']]);
  });

  it('ranges and neq', () => {
    const burst = (count: number) => Array.from({ length: count }, (_, index) => at(index * 1000, `e${index}`, failure('10.0.0.1'))).concat(at(60 * MINUTE, 'end', failure('10.9.9.9')));
    const fires = (condition: string, count: number) => correlateEvents(quiet(condition), burst(count)).correlations.filter(({ group }) => group['src.ip'] === '10.0.0.1').length;
    expect([1, 2, 3, 4, 5].map((count) => fires('{ gte: 2, lte: 4 }', count))).toEqual([0, 1, 1, 1, 0]);
    expect([1, 2, 3, 4, 5].map((count) => fires('{ neq: 2 }', count))).toEqual([1, 0, 1, 1, 1]);
    expect([1, 2, 3, 4, 5].map((count) => fires('{ gt: 1, neq: 3 }', count))).toEqual([0, 1, 0, 1, 1]);
  });

  it('value_count with an upper bound counts distinct values per window', () => {
    const set = ruleSet(`title: Few users
correlation:
  type: value_count
  rules: [failed_logon]
  group-by: [src.ip]
  timespan: 10m
  condition: { field: user.name, lte: 2 }
---
${AUTH_RULES}`);
    const { correlations } = correlateEvents(set, [
      at(0, 'a1', failure('10.0.0.1', 'u1')),
      at(1, 'a2', failure('10.0.0.1', 'u1')),
      at(2, 'a3', failure('10.0.0.1', 'u2')),
      at(0, 'b1', failure('10.0.0.2', 'u1')),
      at(1, 'b2', failure('10.0.0.2', 'u2')),
      at(2, 'b3', failure('10.0.0.2', 'u3')),
      at(60 * MINUTE, 'end', failure('10.0.0.3', 'u1')),
    ]);
    expect(correlations.map(({ group, events, count }) => ({ group, events, count }))).toEqual([{ group: { 'src.ip': '10.0.0.1' }, events: ['a1', 'a3'], count: 2 }]);
  });
});

describe('value_count', () => {
  const set = ruleSet(`title: Password spraying
correlation:
  type: value_count
  rules: [failed_logon]
  group-by: [src.ip]
  timespan: 10m
  condition: { field: user.name, gte: 3 }
---
${AUTH_RULES}`);

  it('counts distinct values, each with its newest event', () => {
    const { correlations } = correlateEvents(set, [
      at(0, 'a', failure('10.0.0.1', 'alice')),
      at(1, 'a-again', failure('10.0.0.1', 'alice')),
      at(2, 'b', failure('10.0.0.1', 'bob')),
      at(3, 'other-ip', failure('10.0.0.2', 'carol')),
      at(4, 'c', failure('10.0.0.1', 'carol')),
    ]);
    expect(correlations.map(({ group, events, count }) => ({ group, events, count }))).toEqual([{ group: { 'src.ip': '10.0.0.1' }, events: ['a-again', 'b', 'c'], count: 3 }]);
  });

  it('values leave the sliding window; the edge is inclusive', () => {
    const events = (last: number) => [at(0, 'a', failure('10.0.0.1', 'alice')), at(5 * MINUTE, 'b', failure('10.0.0.1', 'bob')), at(last, 'c', failure('10.0.0.1', 'carol'))];
    expect(correlateEvents(set, events(10 * MINUTE)).correlations).toHaveLength(1);
    expect(correlateEvents(set, events(10 * MINUTE + 1)).correlations).toHaveLength(0);
    // A repeat refreshes the value's time.
    const refreshed = [at(0, 'a', failure('10.0.0.1', 'alice')), at(6 * MINUTE, 'a2', failure('10.0.0.1', 'alice')), at(7 * MINUTE, 'b', failure('10.0.0.1', 'bob')), at(12 * MINUTE, 'c', failure('10.0.0.1', 'carol'))];
    expect(refs(correlateEvents(set, refreshed).correlations)).toEqual([['a2', 'b', 'c']]);
  });

  it('skips events without the counted field', () => {
    const { correlations, stats } = correlateEvents(set, [
      at(0, 'a', failure('10.0.0.1', 'alice')),
      at(1, 'b', failure('10.0.0.1', 'bob')),
      at(2, 'none', { class: 'authentication', outcome: 'failure', 'src.ip': '10.0.0.1' }),
    ]);
    expect(correlations).toEqual([]);
    expect(stats.skippedInputs).toBe(1);
  });
});

const RECON = `title: Discovery burst
correlation:
  type: TYPE
  rules: [recon_whoami, recon_net, recon_ipconfig]
  group-by: [host.name]
  timespan: 5m
CONDITION---
title: whoami
name: recon_whoami
logsource: { category: process_creation }
detection: { s: { process.name: whoami.exe }, condition: s }
---
title: net
name: recon_net
logsource: { category: process_creation }
detection: { s: { process.name: net.exe }, condition: s }
---
title: ipconfig
name: recon_ipconfig
logsource: { category: process_creation }
detection: { s: { process.name: ipconfig.exe }, condition: s }
`;
const recon = (type: string, condition = '') => ruleSet(RECON.replace('TYPE', type).replace('CONDITION', condition));
const process = (name: string, host = 'ws-1'): EventFields => ({ 'process.name': name, 'host.name': host });

describe('temporal', () => {
  it('fires when every rule matched within the timespan, in any order', () => {
    const set = recon('temporal');
    const { correlations } = correlateEvents(set, [at(0, 'ip', process('ipconfig.exe')), at(MINUTE, 'who', process('whoami.exe')), at(2 * MINUTE, 'net', process('net.exe'))]);
    expect(correlations.map(({ events, count, group }) => ({ events, count, group }))).toEqual([{ events: ['ip', 'who', 'net'], count: 3, group: { 'host.name': 'ws-1' } }]);
  });

  it('needs the same group and the timespan (inclusive)', () => {
    const set = recon('temporal');
    expect(correlateEvents(set, [at(0, 'a', process('whoami.exe')), at(1, 'b', process('net.exe', 'ws-2')), at(2, 'c', process('ipconfig.exe'))]).correlations).toEqual([]);
    expect(correlateEvents(set, [at(0, 'a', process('whoami.exe')), at(1, 'b', process('net.exe')), at(5 * MINUTE, 'c', process('ipconfig.exe'))]).correlations).toHaveLength(1);
    expect(correlateEvents(set, [at(0, 'a', process('whoami.exe')), at(1, 'b', process('net.exe')), at(5 * MINUTE + 1, 'c', process('ipconfig.exe'))]).correlations).toEqual([]);
  });

  it('keeps the newest match of each rule', () => {
    const set = recon('temporal');
    const { correlations } = correlateEvents(set, [
      at(0, 'who-old', process('whoami.exe')),
      at(4 * MINUTE, 'net', process('net.exe')),
      at(6 * MINUTE, 'who-new', process('whoami.exe')),
      at(7 * MINUTE, 'ip', process('ipconfig.exe')),
    ]);
    expect(refs(correlations)).toEqual([['net', 'who-new', 'ip']]);
  });

  it('a condition asks for fewer distinct rules', () => {
    const set = recon('temporal', '  condition: { gte: 2 }\n');
    expect(refs(correlateEvents(set, [at(0, 'a', process('whoami.exe')), at(1, 'a2', process('whoami.exe')), at(2, 'b', process('net.exe'))]).correlations)).toEqual([['a2', 'b']]);
  });
});

describe('temporal_ordered', () => {
  it('fires only in the listed order', () => {
    const set = recon('temporal_ordered');
    expect(correlateEvents(set, [at(0, 'a', process('whoami.exe')), at(1, 'b', process('net.exe')), at(2, 'c', process('ipconfig.exe'))]).correlations).toHaveLength(1);
    expect(correlateEvents(set, [at(0, 'b', process('net.exe')), at(1, 'a', process('whoami.exe')), at(2, 'c', process('ipconfig.exe'))]).correlations).toEqual([]);
  });

  it('window edge: the last step exactly timespan after the first is inside, 1 ms later is not', () => {
    const set = recon('temporal_ordered');
    const run = (last: number) => correlateEvents(set, [at(0, 'a', process('whoami.exe')), at(MINUTE, 'b', process('net.exe')), at(last, 'c', process('ipconfig.exe'))]).correlations;
    expect(run(5 * MINUTE)).toHaveLength(1);
    expect(run(5 * MINUTE + 1)).toEqual([]);
  });

  it('one pending partial per step, the newest wins', () => {
    const set = recon('temporal_ordered');
    const { correlations } = correlateEvents(set, [
      at(0, 'a1', process('whoami.exe')),
      at(1 * MINUTE, 'b1', process('net.exe')),
      at(2 * MINUTE, 'a2', process('whoami.exe')),
      at(3 * MINUTE, 'a3', process('whoami.exe')),
      at(4 * MINUTE, 'b2', process('net.exe')),
      at(6 * MINUTE, 'c1', process('ipconfig.exe')),
    ]);
    // a1-b1 waited for c but a3-b2 replaced it; c1 is within 5m of a3.
    expect(correlations.map(({ events, window }) => ({ events, start: window.start }))).toEqual([{ events: ['a3', 'b2', 'c1'], start: T0 + 3 * MINUTE }]);
  });

  it('an older partial that reached a later step is kept while a newer one starts over', () => {
    const set = recon('temporal_ordered');
    const { correlations } = correlateEvents(set, [at(0, 'a1', process('whoami.exe')), at(1, 'b1', process('net.exe')), at(2, 'a2', process('whoami.exe')), at(3, 'c1', process('ipconfig.exe'))]);
    expect(refs(correlations)).toEqual([['a1', 'b1', 'c1']]);
  });

  it('one event never fills two steps', () => {
    const set = ruleSet(`title: Then
correlation: { type: temporal_ordered, rules: [any_auth, failed], group-by: [src.ip], timespan: 5m }
---
title: any
name: any_auth
logsource: {}
detection: { s: { class: authentication }, condition: s }
---
title: failed
name: failed
logsource: {}
detection: { s: { outcome: failure }, condition: s }
`);
    expect(correlateEvents(set, [at(0, 'both', failure('10.0.0.1'))]).correlations).toEqual([]);
    expect(refs(correlateEvents(set, [at(0, 'both', failure('10.0.0.1')), at(1, 'again', failure('10.0.0.1'))]).correlations)).toEqual([['both', 'again']]);
  });
});

describe('aliases', () => {
  const set = ruleSet(`title: Internal error then new connection back
correlation:
  type: temporal_ordered
  rules: [internal_error, new_network_connection]
  group-by: [internal_ip, remote_ip]
  timespan: 10s
  aliases:
    internal_ip:
      internal_error: dst.ip
      new_network_connection: src.ip
    remote_ip:
      internal_error: src.ip
      new_network_connection: dst.ip
---
title: HTTP 500
name: internal_error
logsource: { category: web }
detection: { s: { http.status_code: 500 }, condition: s }
---
title: New connection
name: new_network_connection
logsource: { category: network_connection }
detection: { s: { outcome: success, class: network_activity }, condition: s }
`);

  it('joins different fields of different rules', () => {
    const { correlations } = correlateEvents(set, [
      at(0, 'error', { 'http.status_code': 500, 'src.ip': '203.0.113.7', 'dst.ip': '10.0.0.5' }),
      at(1000, 'other-conn', { class: 'network_activity', outcome: 'success', 'src.ip': '10.0.0.6', 'dst.ip': '203.0.113.7' }),
      at(2000, 'conn', { class: 'network_activity', outcome: 'success', 'src.ip': '10.0.0.5', 'dst.ip': '203.0.113.7' }),
    ]);
    expect(correlations.map(({ group, events }) => ({ group, events }))).toEqual([{ group: { internal_ip: '10.0.0.5', remote_ip: '203.0.113.7' }, events: ['error', 'conn'] }]);
  });
});

describe('chained correlations', () => {
  const set = ruleSet(`title: Brute force then logon
level: high
correlation:
  type: temporal_ordered
  rules: [many_failures, successful_logon]
  group-by: [source]
  timespan: 30m
  aliases:
    source:
      many_failures: source
      successful_logon: src.ip
---
title: Many failures
name: many_failures
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [source, user.name]
  timespan: 10m
  condition: { gte: 3 }
  aliases:
    source: { failed_logon: src.ip }
---
${AUTH_RULES}`);

  it('feeds a fired correlation to the next one, with the inner events flattened', () => {
    const { correlations, detections } = correlateEvents(set, [
      at(0, 'f1', failure('10.0.0.1')),
      at(1000, 'f2', failure('10.0.0.1')),
      at(2000, 's-too-early', success('10.0.0.1')),
      at(3000, 'f3', failure('10.0.0.1')),
      at(4000, 's-other', success('10.0.0.2')),
      at(5000, 's', success('10.0.0.1')),
    ]);
    expect(correlations.map(({ rule, group, events, firstTime, lastTime, window }) => ({ title: rule.title, group, events, firstTime, lastTime, window }))).toEqual([
      {
        title: 'Brute force then logon',
        group: { source: '10.0.0.1' },
        events: ['f1', 'f2', 'f3', 's'],
        firstTime: T0,
        lastTime: T0 + 5000,
        window: { start: T0 + 3000, end: T0 + 3000 + 30 * MINUTE, timespanMs: 30 * MINUTE },
      },
    ]);
    // successful_logon feeds a correlation: not reported alone.
    expect(detections).toEqual([]);
  });

  it('generate: true also reports the referenced rules', () => {
    const generated = ruleSet(`title: Failures
generate: true
correlation: { type: event_count, rules: [failed_logon], group-by: [src.ip], timespan: 10m, condition: { gte: 2 } }
---
${AUTH_RULES}`);
    const { correlations, detections } = correlateEvents(generated, [at(0, 'a', failure('1.1.1.1')), at(1, 'b', failure('1.1.1.1')), at(2, 's', success('1.1.1.1'))]);
    expect(correlations).toHaveLength(1);
    expect(detections.map(({ rule, event }) => `${rule.name}:${event}`)).toEqual(['failed_logon:a', 'failed_logon:b', 'successful_logon:s']);
  });
});

describe('out-of-order events', () => {
  const set = ruleSet(eventCount('{ gte: 3 }', '[src.ip]', '1m'));
  const ordered = [0, 10, 20, 70, 80, 90].map((second) => at(second * 1000, `e${second}`, failure('10.0.0.1')));
  const shuffled = [ordered[3]!, ordered[0]!, ordered[5]!, ordered[2]!, ordered[1]!, ordered[4]!];

  it('correlateEvents sorts a batch first: same result as in order', () => {
    expect(refs(correlateEvents(set, shuffled).correlations)).toEqual([
      ['e0', 'e10', 'e20'],
      ['e70', 'e80', 'e90'],
    ]);
  });

  it('the streaming engine reorders within reorderToleranceMs', () => {
    const fired: Correlation[] = [];
    // e10 arrives 80 s behind the newest event (e90): a 90 s tolerance lets it in.
    const engine = new CorrelationEngine(set, { reorderToleranceMs: 90_000, onCorrelation: (correlation) => fired.push(correlation) });
    for (const event of shuffled) engine.push(event);
    engine.end();
    expect(fired.map(({ events }) => events)).toEqual([
      ['e0', 'e10', 'e20'],
      ['e70', 'e80', 'e90'],
    ]);
    expect(engine.stats.lateEvents).toBe(0);
  });

  it('events older than the tolerance are late: counted, not correlated, still detected', () => {
    const fired: Correlation[] = [];
    const loose = ruleSet(`title: loose
logsource: {}
detection: { s: { outcome: failure }, condition: s }
---
${eventCount('{ gte: 3 }', '[src.ip]', '1m')}`);
    const detected: string[] = [];
    const engine = new CorrelationEngine<string>(loose, { reorderToleranceMs: 5_000, onCorrelation: (correlation) => fired.push(correlation), onDetection: ({ event }) => detected.push(event) });
    // e80 moves the watermark to 75 s: e0, e10 and e70 are correlated, so e20 comes too late.
    for (const event of [ordered[0]!, ordered[1]!, ordered[3]!, ordered[4]!, ordered[2]!]) engine.push(event);
    engine.end();
    expect(fired).toEqual([]);
    expect(engine.stats.lateEvents).toBe(1);
    expect(detected).toEqual(['e0', 'e10', 'e70', 'e80', 'e20']);
  });

  it('with the default tolerance of 0, an older event is late', () => {
    const engine = new CorrelationEngine(set);
    engine.push(ordered[1]!);
    engine.push(ordered[0]!);
    engine.push(ordered[1]!);
    expect(engine.stats).toMatchObject({ correlatedEvents: 2, lateEvents: 1 });
  });

  it('events without a time are matched but not correlated', () => {
    const { stats } = correlateEvents(set, [{ time: Number.NaN, fields: failure('10.0.0.1'), ref: 'x' }]);
    expect(stats).toMatchObject({ matchedEvents: 1, untimedEvents: 1, correlatedEvents: 0 });
  });
});

describe('memory', () => {
  it('is bounded by live groups, not by events', () => {
    const set = ruleSet(eventCount('{ gte: 5 }'));
    const engine = new CorrelationEngine(set);
    let peak = 0;
    // 100,000 failures from 50,000 sources, one per second over ~28 hours; nothing fires.
    for (let index = 0; index < 100_000; index += 1) {
      engine.push({ time: T0 + index * 1000, fields: failure(`10.${(index % 50_000) >> 8}.${index % 256}.1`), ref: index });
      if (index % 1000 === 0) peak = Math.max(peak, engine.stats.liveGroups);
    }
    // A 10-minute window holds 600 sources; sweeps run once per timespan, so at most about two windows' worth are live.
    expect(peak).toBeLessThanOrEqual(1201);
    expect(engine.stats.correlations).toBe(0);
    engine.end();
    expect(engine.stats.liveGroups).toBe(0);
  });

  it('the engine refuses events after end()', () => {
    const engine = new CorrelationEngine(ruleSet(eventCount('{ gte: 5 }')));
    engine.end();
    expect(() => engine.push(at(0, 'a', failure('10.0.0.1')))).toThrow(/has ended/);
  });
});

describe('correlateEvents', () => {
  it('keeps equal times in input order', () => {
    const set = recon('temporal_ordered');
    const events: FlatEvent<string>[] = [at(0, 'a', process('whoami.exe')), at(0, 'b', process('net.exe')), at(0, 'c', process('ipconfig.exe'))];
    expect(refs(correlateEvents(set, events).correlations)).toEqual([['a', 'b', 'c']]);
  });
});
