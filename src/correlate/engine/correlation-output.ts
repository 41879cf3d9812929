import type { CorrelationType, RuleLevel } from '../rules/index.js';
import type { FieldScalar } from './event.js';

/** Which rule produced a detection or correlation. */
export interface RuleSummary {
  /** Index of the rule in its collection. */
  index: number;
  kind: 'detection' | 'correlation';
  /** For correlations. */
  type?: CorrelationType;
  title: string;
  id?: string;
  name?: string;
  level?: RuleLevel;
}

/** A detection rule matched an event (reported only for rules that stand alone, see README). */
export interface DetectionMatch<Ref = unknown> {
  rule: RuleSummary;
  /** The event's time, epoch milliseconds. */
  time: number;
  event: Ref;
}

/** A correlation rule fired. */
export interface Correlation<Ref = unknown> {
  rule: RuleSummary;
  /** The group it fired for: each `group-by` entry (alias names as written) → its value. */
  group: Record<string, FieldScalar>;
  /**
   * The caller's events behind it, oldest first; events of chained correlations are included
   * (flattened). Capped at `maxEventsPerCorrelation` for windows decided at close.
   */
  events: Ref[];
  /** event_count: events in the window; value_count: distinct values; temporal types: distinct rules matched. */
  count: number;
  /** Time of the oldest and newest event behind it, epoch milliseconds. */
  firstTime: number;
  lastTime: number;
  /** The window the match fits in: from its first input to first input + timespan (both inclusive). */
  window: { start: number; end: number; timespanMs: number };
}
