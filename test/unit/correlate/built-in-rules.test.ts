import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRuleSet, correlateEvents, type EventFields, type FlatEvent } from '../../../src/correlate/engine/index.js';
import { parseRuleCollection } from '../../../src/correlate/rules/index.js';
import { MINUTE, T0 } from './helpers.js';

const FILE = 'rules/brute-force-then-login.yaml';
const ruleSet = compileRuleSet(parseRuleCollection(readFileSync(FILE, 'utf8'), FILE));

const logon = (outcome: 'failure' | 'success', ip: string, user: string, host: string): EventFields => ({
  class: 'authentication',
  outcome,
  'src.ip': ip,
  'user.name': user,
  'dst.host': host,
  'logsource.category': 'authentication',
  source: 'splunk',
});

/** Background noise: ordinary single failures and successes from many sources over two hours. */
function noise(): FlatEvent<string>[] {
  const events: FlatEvent<string>[] = [];
  for (let index = 0; index < 400; index += 1) {
    const ip = `10.0.${index % 40}.${(index * 7) % 250}`;
    const user = ['alice', 'bob', 'carol', 'dave'][index % 4]!;
    const time = T0 + index * 18_000;
    if (index % 5 === 0) events.push({ time, fields: logon('failure', ip, user, 'srv-app-01'), ref: `noise-failure-${index}` });
    events.push({ time: time + 1000, fields: logon('success', ip, user, 'srv-app-01'), ref: `noise-success-${index}` });
  }
  return events;
}

/** The scenario: 40 failed logons from workstation-042's address to srv-db-01, then one success. */
function bruteForce(start: number): FlatEvent<string>[] {
  const events: FlatEvent<string>[] = [];
  for (let index = 0; index < 40; index += 1) events.push({ time: start + index * 4000, fields: logon('failure', '10.10.4.42', 'jdoe', 'srv-db-01'), ref: `failure-${index}` });
  events.push({ time: start + 40 * 4000 + 2000, fields: logon('success', '10.10.4.42', 'jdoe', 'srv-db-01'), ref: 'success' });
  return events;
}

describe('built-in rule brute-force-then-login', () => {
  it('fires once on 40 failures then a success, amid noise', () => {
    const { correlations, detections } = correlateEvents(ruleSet, [...noise(), ...bruteForce(T0 + 30 * MINUTE)]);
    expect(correlations).toHaveLength(1);
    const [correlation] = correlations;
    expect(correlation).toMatchObject({
      rule: { name: 'brute_force_then_login', level: 'high', type: 'temporal_ordered' },
      group: { 'src.ip': '10.10.4.42', 'user.name': 'jdoe', 'dst.host': 'srv-db-01' },
    });
    // The window of failures that fired last (the newest partial wins), then the success.
    expect(correlation!.events).toEqual([...Array.from({ length: 10 }, (_, index) => `failure-${30 + index}`), 'success']);
    // Its parts are not reported alone.
    expect(detections).toEqual([]);
  });

  it('does not fire on ordinary single failures followed by successes', () => {
    expect(correlateEvents(ruleSet, noise()).correlations).toEqual([]);
  });

  it('does not fire on nine failures then a success, nor on a success that came first', () => {
    const nine = bruteForce(T0).filter((event) => !['failure-9', 'failure-19', 'failure-29', 'failure-39'].includes(event.ref)).slice(27);
    expect(nine.filter((event) => event.ref.startsWith('failure'))).toHaveLength(9);
    expect(correlateEvents(ruleSet, nine).correlations).toEqual([]);
    const successFirst = bruteForce(T0).map((event) => (event.ref === 'success' ? { ...event, time: T0 - 1000 } : event));
    expect(correlateEvents(ruleSet, successFirst).correlations).toEqual([]);
  });

  it('needs the same source, account and host', () => {
    const otherHost = bruteForce(T0).map((event) => (event.ref === 'success' ? { ...event, fields: { ...event.fields, 'dst.host': 'srv-web-01' } } : event));
    expect(correlateEvents(ruleSet, otherHost).correlations).toEqual([]);
  });

  it('does not fire when the success comes more than 30 minutes after the failures fired', () => {
    const late = bruteForce(T0).map((event) => (event.ref === 'success' ? { ...event, time: T0 + 39 * 4000 + 30 * MINUTE + 1 } : event));
    expect(correlateEvents(ruleSet, late).correlations).toEqual([]);
  });
});
