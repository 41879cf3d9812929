import { DefenseClawError } from '../../core/errors/index.js';
import { ClosingCountRunner } from './closing-count.js';
import type { CompiledRuleSet } from './compile-rule-set.js';
import type { Correlation, DetectionMatch } from './correlation-output.js';
import { NestedEvents, type CorrelationRunner, type Fire } from './correlation-runner.js';
import { DetectionIndex } from './detection-index.js';
import type { EventFields, FieldScalar, FlatEvent } from './event.js';
import { ReorderBuffer } from './reorder-buffer.js';
import { SlidingEventCountRunner } from './sliding-event-count.js';
import { SlidingValueCountRunner } from './sliding-value-count.js';
import { TemporalOrderedRunner } from './temporal-ordered-runner.js';
import { TemporalRunner } from './temporal-runner.js';

export interface CorrelationEngineOptions<Ref> {
  /** Called for every correlation that fires and is reported (not consumed by another one only). */
  onCorrelation?: (correlation: Correlation<Ref>) => void;
  /** Called for every match of a detection rule that is reported on its own. */
  onDetection?: (match: DetectionMatch<Ref>) => void;
  /**
   * How far back in time an event may arrive and still be correlated, in milliseconds. Matched
   * events wait in a buffer until the newest time seen minus this tolerance has passed them, and
   * are then correlated in time order. Events older than what was already correlated are late:
   * counted in `stats.lateEvents` and not correlated (their detections are still reported).
   * Default 0: events must come in time order (equal times are fine); use `correlateEvents` to
   * sort a batch first.
   */
  reorderToleranceMs?: number;
  /** Most events kept and reported per correlation whose window is decided at close (default 1000). */
  maxEventsPerCorrelation?: number;
}

export interface CorrelationEngineStats {
  /** Events pushed. */
  events: number;
  /** Events that matched at least one detection rule. */
  matchedEvents: number;
  /** Matched events handed to the correlation stage. */
  correlatedEvents: number;
  /** Events older than what was already correlated (beyond the reorder tolerance). */
  lateEvents: number;
  /** Matched events without a finite time: never correlated. */
  untimedEvents: number;
  /** Correlation inputs skipped because a group-by or counted field was missing. */
  skippedInputs: number;
  /** Correlations fired, reported or not. */
  correlations: number;
  /** Groups holding state right now, over all correlation rules. */
  liveGroups: number;
  /** Events waiting in the reorder buffer. */
  bufferedEvents: number;
}

/**
 * Runs a compiled rule set over a stream of flat events: detection rules through the index,
 * then correlation rules over the matches, in time order. Pure: no I/O, no clock; time is the
 * events' own. Single-threaded, one instance per stream.
 */
export class CorrelationEngine<Ref = unknown> {
  private readonly index: DetectionIndex;
  private readonly matches: Int32Array;
  private readonly runners: CorrelationRunner[] = [];
  /** Per rule index: the runners (and positions in them) its matches feed. */
  private readonly routes: Array<Array<{ runner: CorrelationRunner; position: number }>>;
  private readonly routed: Uint8Array;
  /** Runners hit by the current event: the first `touchedCount` entries. */
  private readonly touched: CorrelationRunner[];
  private readonly buffer = new ReorderBuffer();
  private readonly toleranceMs: number;
  private sequence = 0;
  private arrival = 0;
  /** Time of the newest input handed to the correlation stage: older inputs are late. */
  private processedTime = -Infinity;
  private newestTime = -Infinity;
  /** The earliest `nextSweep` of any runner. */
  private nextSweep = -Infinity;
  private ended = false;
  private readonly counters = { events: 0, matchedEvents: 0, correlatedEvents: 0, lateEvents: 0, untimedEvents: 0, correlations: 0 };

  constructor(
    private readonly ruleSet: CompiledRuleSet,
    private readonly options: CorrelationEngineOptions<Ref> = {},
  ) {
    this.index = new DetectionIndex(ruleSet.detections);
    this.matches = new Int32Array(Math.max(1, ruleSet.detections.length));
    this.toleranceMs = Math.max(0, options.reorderToleranceMs ?? 0);
    const maxEvents = Math.max(1, options.maxEventsPerCorrelation ?? 1000);
    const byRuleIndex = new Map<number, CorrelationRunner>();
    const sink = (runner: CorrelationRunner, fire: Fire) => this.fire(runner, fire);
    for (const { ruleIndex, rule, closesWindows } of ruleSet.correlations) {
      let runner: CorrelationRunner;
      if (closesWindows) runner = new ClosingCountRunner(rule, ruleIndex, sink, maxEvents);
      else if (rule.type === 'event_count') runner = new SlidingEventCountRunner(rule, ruleIndex, sink);
      else if (rule.type === 'value_count') runner = new SlidingValueCountRunner(rule, ruleIndex, sink);
      else if (rule.type === 'temporal') runner = new TemporalRunner(rule, ruleIndex, sink);
      else runner = new TemporalOrderedRunner(rule, ruleIndex, sink);
      this.runners.push(runner);
      byRuleIndex.set(ruleIndex, runner);
    }
    this.routes = ruleSet.routes.map((routes) => routes.map(({ correlationIndex, position }) => ({ runner: byRuleIndex.get(correlationIndex)!, position })));
    this.routed = Uint8Array.from(this.routes, (routes) => (routes.length > 0 ? 1 : 0));
    this.touched = this.runners.slice();
  }

  /** Matches one event against every detection rule, then correlates its matches. */
  push(event: FlatEvent<Ref>): void {
    this.counters.events += 1;
    const count = this.index.match(event.fields, this.matches);
    if (count === 0) return;
    this.counters.matchedEvents += 1;
    const { reported, summaries } = this.ruleSet;
    let routed = 0;
    for (let index = 0; index < count; index += 1) {
      const ruleIndex = this.matches[index]!;
      if (reported[ruleIndex] && this.options.onDetection !== undefined) this.options.onDetection({ rule: summaries[ruleIndex]!, time: event.time, event: event.ref });
      routed += this.routed[ruleIndex]!;
    }
    if (routed > 0) this.correlate(event, this.matches, count);
  }

  /**
   * The correlation stage alone: feeds an event already known to match `rules` (collection
   * indexes, ascending; the first `count` entries are read) to the correlation rules.
   */
  correlate(event: FlatEvent<Ref>, rules: Int32Array, count: number): void {
    if (this.ended) throw new DefenseClawError('the correlation engine has ended: start a new one for more events', { code: 'correlation_engine_ended' });
    const time = event.time;
    if (!Number.isFinite(time)) {
      this.counters.untimedEvents += 1;
      return;
    }
    if (time < this.processedTime) {
      this.counters.lateEvents += 1;
      return;
    }
    this.counters.correlatedEvents += 1;
    if (this.toleranceMs === 0) {
      this.process(time, event.fields, event.ref, rules, count);
      return;
    }
    this.buffer.push({ time, arrival: (this.arrival += 1), fields: event.fields, ref: event.ref, rules: rules.slice(0, count) });
    if (time > this.newestTime) this.newestTime = time;
    this.release(this.newestTime - this.toleranceMs);
  }

  /**
   * Tells the engine no event older than `time` minus the tolerance will come (e.g. a quiet
   * stream's clock): releases buffered events and closes windows that ended.
   */
  advanceTo(time: number): void {
    const watermark = time - this.toleranceMs;
    this.release(watermark);
    if (watermark > this.processedTime) {
      this.processedTime = watermark;
      for (const runner of this.runners) this.sweep(runner, watermark);
      this.nextSweep = Math.min(...this.runners.map((runner) => runner.nextSweep));
    }
  }

  /**
   * End of input: correlates what is buffered, decides windows that ended by then, and drops
   * the rest (windows still open cannot be decided). The engine takes no more events.
   */
  end(): void {
    if (this.ended) return;
    this.release(Infinity);
    for (const runner of this.runners) {
      runner.sweep(this.processedTime);
      runner.clear();
    }
    this.ended = true;
  }

  get stats(): CorrelationEngineStats {
    let skippedInputs = 0;
    let liveGroups = 0;
    for (const runner of this.runners) {
      skippedInputs += runner.skipped;
      liveGroups += runner.liveGroups;
    }
    return { ...this.counters, skippedInputs, liveGroups, bufferedEvents: this.buffer.size };
  }

  private release(watermark: number): void {
    while (this.buffer.size > 0 && this.buffer.peekTime() <= watermark) {
      const input = this.buffer.pop()!;
      this.process(input.time, input.fields, input.ref, input.rules, input.rules.length);
    }
  }

  private process(time: number, fields: EventFields, ref: unknown, rules: Int32Array, count: number): void {
    this.processedTime = time;
    const sequence = (this.sequence += 1);
    if (time >= this.nextSweep) this.sweepDue(time);
    if (count === 1) {
      // One rule: a rule is listed once per correlation, so each route is a different runner.
      const routes = this.routes[rules[0]!]!;
      for (let routeIndex = 0; routeIndex < routes.length; routeIndex += 1) {
        const { runner, position } = routes[routeIndex]!;
        runner.observe(position, time, fields, ref, sequence);
      }
      return;
    }
    const touched = this.touched;
    let touchedCount = 0;
    for (let index = 0; index < count; index += 1) {
      const routes = this.routes[rules[index]!]!;
      for (let routeIndex = 0; routeIndex < routes.length; routeIndex += 1) {
        const { runner, position } = routes[routeIndex]!;
        if (runner.touchedStamp !== sequence) {
          runner.touchedStamp = sequence;
          runner.touchedCount = 0;
          touched[touchedCount++] = runner;
        }
        runner.touchedPositions[runner.touchedCount++] = position;
      }
    }
    for (let index = 0; index < touchedCount; index += 1) {
      const runner = touched[index]!;
      const positions = runner.touchedPositions;
      if (runner.touchedCount === 1) {
        runner.observe(positions[0]!, time, fields, ref, sequence);
        continue;
      }
      // Later steps first, so one event never both starts and advances a temporal_ordered sequence.
      positions.subarray(0, runner.touchedCount).sort().reverse();
      for (let position = 0; position < runner.touchedCount; position += 1) runner.observe(positions[position]!, time, fields, ref, sequence);
    }
  }

  /** Sweeps the runners whose sweep is due at `time` (once per timespan of event time each). */
  private sweepDue(time: number): void {
    let next = Infinity;
    for (const runner of this.runners) {
      if (time >= runner.nextSweep) this.sweep(runner, time);
      next = Math.min(next, runner.nextSweep);
    }
    this.nextSweep = next;
  }

  private sweep(runner: CorrelationRunner, watermark: number): void {
    runner.sweep(watermark);
    runner.nextSweep = watermark + runner.timespanMs;
  }

  private fire(runner: CorrelationRunner, fire: Fire): void {
    this.counters.correlations += 1;
    const { rule, ruleIndex } = runner;
    const events: Ref[] = [];
    const seen = new Set<unknown>();
    let firstTime = fire.windowStart;
    let lastTime = fire.lastTime;
    fire.items.forEach((item) => {
      const nested = item instanceof NestedEvents;
      for (const event of nested ? item.events : [item]) {
        if (seen.has(event)) continue;
        seen.add(event);
        events.push(event as Ref);
      }
      if (nested) {
        firstTime = Math.min(firstTime, item.firstTime);
        lastTime = Math.max(lastTime, item.lastTime);
      }
    });
    for (const time of fire.times) firstTime = Math.min(firstTime, time);
    const group: Record<string, FieldScalar> = {};
    rule.groupBy.forEach((name, index) => {
      group[name] = fire.values[index]!;
    });
    const correlation: Correlation<Ref> = {
      rule: this.ruleSet.summaries[ruleIndex]!,
      group,
      events,
      count: fire.count,
      firstTime,
      lastTime,
      window: { start: fire.windowStart, end: fire.windowStart + rule.timespanMs, timespanMs: rule.timespanMs },
    };
    if (this.ruleSet.reported[ruleIndex] && this.options.onCorrelation !== undefined) this.options.onCorrelation(correlation);
    const routes = this.routes[ruleIndex]!;
    if (routes.length === 0) return;
    const nested = new NestedEvents(events, firstTime, lastTime);
    for (const { runner: outer, position } of routes) outer.observe(position, fire.lastTime, group, nested, (this.sequence += 1));
  }
}
