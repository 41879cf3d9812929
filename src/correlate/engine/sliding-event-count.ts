import { CorrelationRunner } from './correlation-runner.js';
import type { EventFields, FieldScalar } from './event.js';
import { GroupTable } from './group-keys.js';

class EventCountGroup {
  /** Inputs in the window, oldest first, flattened: time, item, time, item… */
  readonly inputs: unknown[];
  /** Index (in `inputs`) of the oldest input still in the window. */
  head = 0;
  constructor(
    readonly values: FieldScalar[],
    time: number,
    item: unknown,
  ) {
    this.inputs = [time, item];
  }
}

/**
 * event_count with only a lower bound (`gt`/`gte`): a sliding window per group holding the
 * inputs of the last `timespan` (inclusive), firing as soon as it holds `lower` of them. A group
 * never holds more than `lower` inputs.
 */
export class SlidingEventCountRunner extends CorrelationRunner {
  private readonly groups = new GroupTable<EventCountGroup>();

  observe(position: number, time: number, fields: EventFields, item: unknown): void {
    const count = this.keys.read(position, fields);
    if (count === 0) {
      this.skipped += 1;
      return;
    }
    const from = time - this.timespanMs;
    const threshold = this.bounds.lower;
    for (let index = 0; index < count; index += 1) {
      const key = this.groups.keyOf(this.keys.parts(index));
      let group = this.groups.get(key);
      if (group === undefined) {
        group = new EventCountGroup(this.keys.valuesAt(index), time, item);
        this.groups.add(key, group);
      } else {
        const { inputs } = group;
        while (group.head < inputs.length && (inputs[group.head] as number) < from) group.head += 2;
        inputs.push(time, item);
      }
      const { inputs } = group;
      const held = (inputs.length - group.head) / 2;
      if (held >= threshold) {
        this.groups.delete(key);
        const items: unknown[] = [];
        const times: number[] = [];
        for (let at = group.head; at < inputs.length; at += 2) {
          times.push(inputs[at] as number);
          items.push(inputs[at + 1]);
        }
        this.sink(this, { values: group.values, items, times, count: held, windowStart: times[0]!, lastTime: time });
      } else if (group.head >= 32 && group.head * 2 >= inputs.length) {
        inputs.splice(0, group.head);
        group.head = 0;
      }
    }
  }

  sweep(watermark: number): void {
    const from = watermark - this.timespanMs;
    this.groups.sweep((group) => (group.inputs[group.inputs.length - 2] as number) < from);
  }

  clear(): void {
    this.groups.clear();
  }

  get liveGroups(): number {
    return this.groups.size;
  }
}
