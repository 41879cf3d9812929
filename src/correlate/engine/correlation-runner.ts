import { countBounds, type CountBounds, type CorrelationRule } from '../rules/index.js';
import type { EventFields, FieldScalar } from './event.js';
import { GroupKeys } from './group-keys.js';

/** The events behind a fired correlation, when that correlation feeds another one. */
export class NestedEvents {
  constructor(
    readonly events: readonly unknown[],
    readonly firstTime: number,
    readonly lastTime: number,
  ) {}
}

/** What a runner hands the engine when a group fires. */
export interface Fire {
  values: FieldScalar[];
  /** Inputs behind the fire (caller refs or NestedEvents), oldest first, and their times. */
  items: unknown[];
  times: number[];
  count: number;
  /** First input of the window. */
  windowStart: number;
  /** Newest input. */
  lastTime: number;
}

export type FireSink = (runner: CorrelationRunner, fire: Fire) => void;

/**
 * Keeps the state of one correlation rule: a Map from group key to that group's state, fed
 * inputs in time order. Groups are deleted when they fire (state resets) and by `sweep` once
 * their window has passed, so memory follows the live groups.
 */
export abstract class CorrelationRunner {
  readonly timespanMs: number;
  readonly bounds: CountBounds;
  /** The next processed time at which the engine calls `sweep`. */
  nextSweep = -Infinity;
  /** Inputs skipped because a group-by (or counted) field was missing. */
  skipped = 0;
  /** Engine bookkeeping: positions hit by the current event. */
  touchedStamp = 0;
  readonly touchedPositions: Int32Array;
  touchedCount = 0;
  protected readonly keys: GroupKeys;

  constructor(
    readonly rule: CorrelationRule,
    readonly ruleIndex: number,
    protected readonly sink: FireSink,
  ) {
    this.timespanMs = rule.timespanMs;
    this.bounds = countBounds(rule.condition);
    this.keys = new GroupKeys(rule.groupFieldsByReference);
    this.touchedPositions = new Int32Array(rule.references.length);
  }

  /** Feeds one input matched by the rule at `position` of `rules`; `sequence` identifies the event. */
  abstract observe(position: number, time: number, fields: EventFields, item: unknown, sequence: number): void;

  /** Drops groups whose window has passed `watermark` (closing windows decided at close). */
  abstract sweep(watermark: number): void;

  /** Drops every group (end of input). */
  abstract clear(): void;

  abstract get liveGroups(): number;
}
