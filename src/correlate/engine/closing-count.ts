import { countHolds, type CorrelationRule } from '../rules/index.js';
import { CorrelationRunner, type FireSink } from './correlation-runner.js';
import type { EventFields, FieldScalar } from './event.js';
import { GroupKeys, GroupTable } from './group-keys.js';

class WindowGroup {
  count = 0;
  last: number;
  readonly items: unknown[] = [];
  readonly times: number[] = [];
  /** value_count: the distinct values seen (dropped once the outcome is decided). */
  readonly distinct = new Set<string>();
  /** The count passed the upper bound: this window cannot fire. */
  over = false;
  /** With only `neq` above the lower bound, the count passed both: the window will fire; stop tracking values. */
  saturated = false;
  constructor(
    readonly values: FieldScalar[],
    readonly start: number,
  ) {
    this.last = start;
  }
}

/**
 * event_count / value_count whose condition has an upper bound (`lt`, `lte`, `eq`) or `neq`:
 * such a count can only be decided once its window is over. Windows are anchored at a group's
 * first input and last `timespan` (inclusive); the first input after that starts the next
 * window. A window is decided when an input past its end arrives for the group, or when the
 * engine's watermark passes its end (sweep); windows still open at the end of input are dropped
 * undecided. Memory per group is bounded by the condition (and `maxEvents` for the refs kept).
 */
export class ClosingCountRunner extends CorrelationRunner {
  private readonly groups = new GroupTable<WindowGroup>();
  private readonly valueKeys: GroupKeys | undefined;

  constructor(
    rule: CorrelationRule,
    ruleIndex: number,
    sink: FireSink,
    private readonly maxEvents: number,
  ) {
    super(rule, ruleIndex, sink);
    this.valueKeys = rule.type === 'value_count' ? new GroupKeys(rule.valueFieldsByReference) : undefined;
  }

  observe(position: number, time: number, fields: EventFields, item: unknown): void {
    const count = this.keys.read(position, fields);
    const valueCount = count === 0 ? 0 : this.valueKeys === undefined ? 1 : this.valueKeys.read(position, fields);
    if (valueCount === 0) {
      this.skipped += 1;
      return;
    }
    const { upper, excluded, lower } = this.bounds;
    const saturation = upper === undefined && excluded !== undefined ? Math.max(lower, excluded) : Infinity;
    for (let index = 0; index < count; index += 1) {
      const key = this.groups.keyOf(this.keys.parts(index));
      let group = this.groups.get(key);
      if (group !== undefined && time > group.start + this.timespanMs) {
        this.groups.delete(key);
        this.close(group);
        group = undefined;
      }
      if (group === undefined) this.groups.add(key, (group = new WindowGroup(this.keys.valuesAt(index), time)));
      group.last = time;
      if (group.over) continue;
      let added = false;
      if (this.valueKeys === undefined) {
        group.count += 1;
        added = true;
      } else if (!group.saturated) {
        for (let valueIndex = 0; valueIndex < valueCount; valueIndex += 1) {
          const value = this.valueKeys.key(valueIndex);
          if (group.distinct.has(value)) continue;
          group.distinct.add(value);
          group.count += 1;
          added = true;
        }
      }
      if (added && group.items.length < this.maxEvents) {
        group.items.push(item);
        group.times.push(time);
      }
      if (upper !== undefined && group.count > upper) {
        group.over = true;
        group.items.length = 0;
        group.times.length = 0;
        group.distinct.clear();
      } else if (group.count > saturation && !group.saturated) {
        group.saturated = true;
        group.distinct.clear();
      }
    }
  }

  sweep(watermark: number): void {
    this.groups.sweep((group) => {
      if (watermark <= group.start + this.timespanMs) return false;
      this.close(group);
      return true;
    });
  }

  clear(): void {
    this.groups.clear();
  }

  get liveGroups(): number {
    return this.groups.size;
  }

  private close(group: WindowGroup): void {
    if (group.over || !countHolds(this.bounds, group.count)) return;
    this.sink(this, { values: group.values, items: group.items, times: group.times, count: group.count, windowStart: group.start, lastTime: group.last });
  }
}
