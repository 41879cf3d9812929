import { describe, expect, it } from 'vitest';
import { buildTimeline, collapseBursts } from '../../../src/investigate/timeline/index.js';
import { at, logonPair, securityEvent } from './synthetic-events.js';

describe('collapseBursts', () => {
  const failures = Array.from({ length: 40 }, (_, index) => logonPair(index, 100 + index * 15, { user: 'svc_backup', from: '10.10.4.42', fromHost: 'ws-42', to: 'srv-db-01', outcome: 'failure' })).flat();
  const timeline = buildTimeline([
    securityEvent({ id: 'cisco-xdr:before', seconds: 0, source: 'cisco-xdr', title: 'Before', entities: { hosts: ['ws-42'] } }),
    ...failures,
    // Another account failing in the middle of the burst is not part of it.
    ...logonPair(99, 200, { user: 'alice', from: '10.10.4.7', fromHost: 'ws-7', to: 'srv-db-01', outcome: 'failure' }),
    ...logonPair(100, 100 + 40 * 15, { user: 'svc_backup', from: '10.10.4.42', fromHost: 'ws-42', to: 'srv-db-01', outcome: 'success' }),
  ]);

  it('shows 40 failed logons as one line and keeps every entry underneath', () => {
    const view = collapseBursts(timeline);
    expect(view.map((item) => item.kind)).toEqual(['entry', 'burst', 'entry', 'entry']);
    const burst = view[1]!;
    if (burst.kind !== 'burst') throw new Error('expected a burst');
    expect(burst.title).toBe(`40 failed logons svc_backup from 10.10.4.42 to srv-db-01 between ${at(100)} and ${at(100 + 39 * 15)}`);
    expect(burst.count).toBe(40);
    expect(burst.sources).toEqual(['sentinel', 'splunk']);
    expect(burst.entries).toHaveLength(40);
    expect(new Set(burst.entries.flatMap((entry) => entry.evidence.map((reference) => reference.eventId)))).toEqual(new Set(failures.map((event) => event.id)));
    expect(view[2]).toMatchObject({ kind: 'entry', entry: { entities: { users: ['alice'] } } });
    expect(timeline).toHaveLength(43);
  });

  it('leaves short runs and runs with long gaps alone', () => {
    expect(collapseBursts(timeline, { minCount: 41 }).every((item) => item.kind === 'entry')).toBe(true);
    expect(collapseBursts(timeline, { maxGapMs: 10_000 }).every((item) => item.kind === 'entry')).toBe(true);
  });
});
