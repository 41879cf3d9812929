import type { CorrelationRule } from '../rules/index.js';
import { CorrelationRunner, type FireSink } from './correlation-runner.js';
import type { EventFields, FieldScalar } from './event.js';
import { GroupTable } from './group-keys.js';

/** A sequence matched up to some step, waiting for the next one. */
interface PartialSequence {
  start: number;
  /** The event that last advanced it (one event never fills two steps). */
  sequence: number;
  items: unknown[];
  times: number[];
}

class OrderedGroup {
  /** `waiting[step]`: the partial that has matched steps 0..step-1 (index 0 unused). */
  readonly waiting: Array<PartialSequence | undefined>;
  constructor(
    readonly values: FieldScalar[],
    size: number,
  ) {
    this.waiting = new Array<PartialSequence | undefined>(size).fill(undefined);
  }
}

/**
 * temporal_ordered, EQL-style: per group at most one pending partial per step, the newest wins
 * (a new first-step input replaces the partial waiting for step 1; a partial advancing to a step
 * replaces the one waiting there). A partial must complete within `timespan` of its first input
 * (inclusive). Equal timestamps count as in order (arrival order). Firing resets the group.
 */
export class TemporalOrderedRunner extends CorrelationRunner {
  private readonly groups = new GroupTable<OrderedGroup>({ indexFirstParts: true });
  private readonly size: number;

  constructor(rule: CorrelationRule, ruleIndex: number, sink: FireSink) {
    super(rule, ruleIndex, sink);
    this.size = rule.references.length;
  }

  observe(position: number, time: number, fields: EventFields, item: unknown, sequence: number): void {
    // Later steps only advance existing partials: most inputs find none, so probe cheaply first.
    if (position > 0) {
      const first = this.keys.firstPart(position, fields);
      if (first !== undefined && !this.groups.mayContain(first)) return;
    }
    const count = this.keys.read(position, fields);
    if (count === 0) {
      this.skipped += 1;
      return;
    }
    for (let index = 0; index < count; index += 1) {
      const key = this.groups.keyOf(this.keys.parts(index));
      let group = this.groups.get(key);
      if (position === 0) {
        if (group === undefined) this.groups.add(key, (group = new OrderedGroup(this.keys.valuesAt(index), this.size)));
        group.waiting[1] = { start: time, sequence, items: [item], times: [time] };
        continue;
      }
      if (group === undefined) continue;
      const partial = group.waiting[position];
      if (partial === undefined || partial.sequence === sequence) continue;
      group.waiting[position] = undefined;
      if (time - partial.start > this.timespanMs) continue;
      partial.items.push(item);
      partial.times.push(time);
      partial.sequence = sequence;
      if (position + 1 < this.size) {
        group.waiting[position + 1] = partial;
        continue;
      }
      this.groups.delete(key);
      this.sink(this, { values: group.values, items: partial.items, times: partial.times, count: this.size, windowStart: partial.start, lastTime: time });
    }
  }

  sweep(watermark: number): void {
    const from = watermark - this.timespanMs;
    this.groups.sweep((group) => {
      let live = false;
      for (let step = 1; step < group.waiting.length; step += 1) {
        const partial = group.waiting[step];
        if (partial === undefined) continue;
        if (partial.start < from) group.waiting[step] = undefined;
        else live = true;
      }
      return !live;
    });
  }

  clear(): void {
    this.groups.clear();
  }

  get liveGroups(): number {
    return this.groups.size;
  }
}
