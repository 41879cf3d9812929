import { userKey } from './entity-keys.js';
import { maxSeverity, unionEntities } from './build-timeline.js';
import type { TimelineEntry } from './timeline-entry.js';

export interface CollapseBurstsOptions {
  /** Fewest alike entries shown as one burst. Default 5. */
  minCount?: number;
  /** Largest gap between two alike entries of one burst, in milliseconds. Default 120000 (2 min). */
  maxGapMs?: number;
}

/** A run of alike entries (same class, title, outcome, user, source and target) shown as one line. */
export interface TimelineBurst {
  kind: 'burst';
  /** e.g. `40 failed logons svc_backup from 10.10.4.42 to srv-db-01 between … and …`. */
  title: string;
  count: number;
  time: string;
  lastTime: string;
  class: TimelineEntry['class'];
  severity: TimelineEntry['severity'];
  sources: string[];
  entities: TimelineEntry['entities'];
  /** The collapsed entries, untouched, oldest first. */
  entries: TimelineEntry[];
}

export type TimelineViewItem = { kind: 'entry'; entry: TimelineEntry } | TimelineBurst;

/**
 * A display view of a timeline: runs of at least `minCount` alike entries, each within
 * `maxGapMs` of the previous one, become one burst placed where the run starts. Alike means
 * same class, title, outcome, user(s), source IP and host — so 40 failed logons of one account
 * from one address to one server collapse, a failure by another user does not join them.
 * Entries of a run may be interleaved with other entries; those stay where they are. The
 * timeline itself is not changed: every burst keeps its entries.
 */
export function collapseBursts(timeline: readonly TimelineEntry[], options: CollapseBurstsOptions = {}): TimelineViewItem[] {
  const minCount = options.minCount ?? 5;
  const maxGapMs = options.maxGapMs ?? 120_000;
  const runs: TimelineEntry[][] = [];
  const current = new Map<string, TimelineEntry[]>();
  for (const entry of timeline) {
    const key = burstKey(entry);
    const run = current.get(key);
    if (run !== undefined && Date.parse(entry.time) - Date.parse(run.at(-1)!.time) <= maxGapMs) {
      run.push(entry);
    } else {
      const fresh = [entry];
      runs.push(fresh);
      current.set(key, fresh);
    }
  }
  const burstOf = new Map<TimelineEntry, TimelineEntry[]>();
  for (const run of runs) if (run.length >= minCount) for (const entry of run) burstOf.set(entry, run);
  const items: TimelineViewItem[] = [];
  for (const entry of timeline) {
    const run = burstOf.get(entry);
    if (run === undefined) items.push({ kind: 'entry', entry });
    else if (run[0] === entry) items.push(toBurst(run));
  }
  return items;
}

function burstKey(entry: TimelineEntry): string {
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value).toLowerCase());
  return JSON.stringify([
    entry.class,
    entry.title.toLowerCase(),
    text(entry.fields['outcome']),
    [...new Set(entry.entities.users.map(userKey))].sort(),
    text(entry.fields['src_ip']),
    text(entry.fields['host']),
    [...entry.entities.hosts].sort(),
  ]);
}

function toBurst(run: TimelineEntry[]): TimelineBurst {
  const first = run[0]!;
  const last = run.at(-1)!;
  return {
    kind: 'burst',
    title: burstTitle(first, run.length, last.time),
    count: run.length,
    time: first.time,
    lastTime: last.lastTime,
    class: first.class,
    severity: maxSeverity(run.map((entry) => entry.severity)),
    sources: [...new Set(run.flatMap((entry) => entry.sources))].sort(),
    entities: unionEntities(run.map((entry) => entry.entities)),
    entries: run,
  };
}

function burstTitle(entry: TimelineEntry, count: number, lastTime: string): string {
  const between = `between ${entry.time} and ${lastTime}`;
  const user = entry.entities.users[0] === undefined ? undefined : userKey(entry.entities.users[0]);
  const sourceIp = typeof entry.fields['src_ip'] === 'string' ? entry.fields['src_ip'] : undefined;
  const target = typeof entry.fields['host'] === 'string' ? entry.fields['host'] : undefined;
  if (entry.class === 'authentication') {
    const outcome = entry.fields['outcome'] === 'failure' ? 'failed' : entry.fields['outcome'] === 'success' ? 'successful' : '';
    return [`${count}${outcome === '' ? '' : ` ${outcome}`} logons`, user, sourceIp === undefined ? undefined : `from ${sourceIp}`, target === undefined ? undefined : `to ${target}`, between]
      .filter((part): part is string => part !== undefined)
      .join(' ');
  }
  return [`${count} × ${entry.title}`, sourceIp === undefined ? undefined : `from ${sourceIp}`, target === undefined ? undefined : `on ${target}`, between]
    .filter((part): part is string => part !== undefined)
    .join(' ');
}
