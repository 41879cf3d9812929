import type { CorrelationRule } from '../rules/index.js';
import { CorrelationRunner, type FireSink } from './correlation-runner.js';
import type { EventFields, FieldScalar } from './event.js';
import { GroupTable } from './group-keys.js';

class TemporalGroup {
  /** Per referenced rule, the time of its newest input (-Infinity: none yet) and that input. */
  readonly times: number[];
  readonly items: unknown[];
  newest = -Infinity;
  constructor(
    readonly values: FieldScalar[],
    size: number,
  ) {
    this.times = new Array<number>(size).fill(-Infinity);
    this.items = new Array<unknown>(size).fill(undefined);
  }
}

/**
 * temporal: per group, the newest input of each referenced rule; fires when at least `lower`
 * (default: all) distinct rules have an input within the last `timespan` (inclusive), in any
 * order, then resets the group.
 */
export class TemporalRunner extends CorrelationRunner {
  private readonly groups = new GroupTable<TemporalGroup>();
  private readonly size: number;

  constructor(rule: CorrelationRule, ruleIndex: number, sink: FireSink) {
    super(rule, ruleIndex, sink);
    this.size = rule.references.length;
  }

  observe(position: number, time: number, fields: EventFields, item: unknown): void {
    const count = this.keys.read(position, fields);
    if (count === 0) {
      this.skipped += 1;
      return;
    }
    const from = time - this.timespanMs;
    for (let index = 0; index < count; index += 1) {
      const key = this.groups.keyOf(this.keys.parts(index));
      let group = this.groups.get(key);
      if (group === undefined) this.groups.add(key, (group = new TemporalGroup(this.keys.valuesAt(index), this.size)));
      group.times[position] = time;
      group.items[position] = item;
      group.newest = time;
      let held = 0;
      for (const slotTime of group.times) if (slotTime >= from) held += 1;
      if (held < this.bounds.lower) continue;
      this.groups.delete(key);
      const slots = group.times.map((slotTime, slot) => ({ slotTime, slot })).filter(({ slotTime }) => slotTime >= from);
      slots.sort((a, b) => a.slotTime - b.slotTime || a.slot - b.slot);
      this.sink(this, {
        values: group.values,
        items: slots.map(({ slot }) => group.items[slot]),
        times: slots.map(({ slotTime }) => slotTime),
        count: held,
        windowStart: slots[0]!.slotTime,
        lastTime: time,
      });
    }
  }

  sweep(watermark: number): void {
    const from = watermark - this.timespanMs;
    this.groups.sweep((group) => group.newest < from);
  }

  clear(): void {
    this.groups.clear();
  }

  get liveGroups(): number {
    return this.groups.size;
  }
}
