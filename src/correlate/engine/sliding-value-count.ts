import type { CorrelationRule } from '../rules/index.js';
import { CorrelationRunner, type FireSink } from './correlation-runner.js';
import type { EventFields, FieldScalar } from './event.js';
import { GroupKeys, GroupTable } from './group-keys.js';

interface ValueEntry {
  readonly value: string;
  time: number;
  item: unknown;
}

class ValueCountGroup {
  /** Distinct value → its newest input; Map order is newest-last, so expiry pops from the front. */
  readonly entries = new Map<string, ValueEntry>();
  /** A lower bound of the oldest entry's time (exact after an expiry pass). */
  oldest = Infinity;
  newest = -Infinity;
  constructor(readonly values: FieldScalar[]) {}
}

/**
 * value_count with only a lower bound: per group, the distinct values seen in the last
 * `timespan` (inclusive), each with its newest input; fires as soon as there are `lower` of them.
 * Memory per group is below `lower` entries.
 */
export class SlidingValueCountRunner extends CorrelationRunner {
  private readonly groups = new GroupTable<ValueCountGroup>();
  private readonly valueKeys: GroupKeys;

  constructor(rule: CorrelationRule, ruleIndex: number, sink: FireSink) {
    super(rule, ruleIndex, sink);
    this.valueKeys = new GroupKeys(rule.valueFieldsByReference);
  }

  observe(position: number, time: number, fields: EventFields, item: unknown): void {
    const count = this.keys.read(position, fields);
    const valueCount = count === 0 ? 0 : this.valueKeys.read(position, fields);
    if (valueCount === 0) {
      this.skipped += 1;
      return;
    }
    const from = time - this.timespanMs;
    for (let index = 0; index < count; index += 1) {
      const key = this.groups.keyOf(this.keys.parts(index));
      let group = this.groups.get(key);
      if (group === undefined) this.groups.add(key, (group = new ValueCountGroup(this.keys.valuesAt(index))));
      const { entries } = group;
      if (group.oldest < from) {
        group.oldest = Infinity;
        for (const entry of entries.values()) {
          if (entry.time >= from) {
            group.oldest = entry.time;
            break;
          }
          entries.delete(entry.value);
        }
      }
      for (let valueIndex = 0; valueIndex < valueCount; valueIndex += 1) {
        const value = this.valueKeys.key(valueIndex);
        const entry = entries.get(value);
        if (entry === undefined) entries.set(value, { value, time, item });
        else {
          entries.delete(value);
          entry.time = time;
          entry.item = item;
          entries.set(value, entry);
        }
      }
      if (time < group.oldest) group.oldest = time;
      group.newest = time;
      if (entries.size >= this.bounds.lower) {
        this.groups.delete(key);
        const items: unknown[] = [];
        const times: number[] = [];
        for (const entry of entries.values()) {
          items.push(entry.item);
          times.push(entry.time);
        }
        this.sink(this, { values: group.values, items, times, count: entries.size, windowStart: times[0]!, lastTime: time });
      }
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
