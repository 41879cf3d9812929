import type { CompiledRuleSet } from './compile-rule-set.js';
import { CorrelationEngine, type CorrelationEngineStats } from './correlation-engine.js';
import type { Correlation, DetectionMatch } from './correlation-output.js';
import type { FlatEvent } from './event.js';

export interface CorrelateResult<Ref> {
  detections: DetectionMatch<Ref>[];
  correlations: Correlation<Ref>[];
  stats: CorrelationEngineStats;
}

/**
 * Runs a rule set over a finite batch (a file, a query result): sorts the events by time
 * (stable, so equal times keep their order), runs them through one engine and ends it.
 * Events without a finite time are matched but not correlated.
 */
export function correlateEvents<Ref>(
  ruleSet: CompiledRuleSet,
  events: Iterable<FlatEvent<Ref>>,
  options: { maxEventsPerCorrelation?: number } = {},
): CorrelateResult<Ref> {
  const detections: DetectionMatch<Ref>[] = [];
  const correlations: Correlation<Ref>[] = [];
  const engine = new CorrelationEngine<Ref>(ruleSet, {
    ...options,
    onDetection: (match) => detections.push(match),
    onCorrelation: (correlation) => correlations.push(correlation),
  });
  const timed: FlatEvent<Ref>[] = [];
  const untimed: FlatEvent<Ref>[] = [];
  for (const event of events) (Number.isFinite(event.time) ? timed : untimed).push(event);
  timed.sort((a, b) => a.time - b.time);
  for (const event of timed) engine.push(event);
  for (const event of untimed) engine.push(event);
  engine.end();
  return { detections, correlations, stats: engine.stats };
}
