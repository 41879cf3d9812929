import type { EventEntities, SecurityEvent } from '../connectors/model/index.js';
import type { Clock } from '../core/clock.js';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors/index.js';
import type { Logger } from '../core/logger.js';
import { profile, type Caller, type CallerKind } from '../gateway/caller.js';
import type { ToolCaller } from '../investigate/gather/index.js';
import { buildTimeline, type TimelineEntry } from '../investigate/timeline/index.js';
import { compileRuleSet, correlateEvents, type Correlation, type CorrelationEngineStats, type DetectionMatch } from './engine/index.js';
import {
  EVENT_SOURCES,
  EVENT_TOOLS,
  SIEM_SOURCES,
  SOURCE_INTEGRATION,
  parseSources,
  planSourceReads,
  xdrSightingReads,
  type EventSourceName,
  type SourceRead,
} from './events/event-sources.js';
import { readSources, type SourceReport } from './events/read-sources.js';
import { flatFields, readEventLines, toCorrelationEvents, toFlatEvent, type CorrelationEvent, type EventLine } from './events/index.js';
import { mentionsIndicator, parseIndicator, planPivotReads, type Indicator } from './pivot/index.js';
import { explainPushdown, planPushdown, runPushdown, SENTINEL_TABLES, SPLUNK_TABLE, type PushdownCandidates, type PushdownQuery, type SiemTable } from './pushdown/index.js';
import type { LoadedRules, RuleLibrary } from './rule-library.js';
import { parseRuleCollection, type CorrelationType, type RuleLevel, type RuleText, type SigmaRule } from './rules/index.js';

export interface CorrelateServiceOptions {
  /** The gateway (every read goes through it, audited). */
  gateway: ToolCaller;
  rules: RuleLibrary;
  clock: Clock;
  /** The principal CLI runs act as (`cli:alice`). */
  actor: string;
  /** Whether a product's integration is configured: unconfigured sources are left out unless named. */
  isConfigured(integration: string): boolean;
  logger?: Logger;
  /** Milliseconds timer for durations. Default performance.now. */
  timer?: () => number;
}

/** Who a run reads as (the audit actor); the CLI's actor when not given. */
export interface RunAs {
  kind: CallerKind;
  actor: string;
}

export interface CorrelateRequest {
  /** The window back from now, e.g. `4h`. */
  last: string;
  /** Source names (EVENT_SOURCES); default: every configured one. */
  sources?: readonly string[];
  /** Rule files by name, rule ids or names, or extra rule files (text): only their results are reported. */
  rules?: ReadonlyArray<string | RuleText>;
  /** Compile the rules to SPL/KQL and let Splunk and Sentinel filter and count. */
  pushdown?: boolean;
  as?: RunAs;
  signal?: AbortSignal;
}

/** A rule in a report. */
export interface ReportedRule {
  title: string;
  id?: string;
  name?: string;
  kind: 'detection' | 'correlation';
  type?: CorrelationType;
  level?: RuleLevel;
  /** The file it is written in (`rules/…` for built-ins). */
  file: string;
}

/** A correlation event in a report (its product records are named, not copied). */
export interface ReportedEvent {
  id: string;
  time: string;
  class: string;
  severity: string;
  sources: string[];
  title: string;
  outcome?: string;
  src?: CorrelationEvent['src'];
  dst?: CorrelationEvent['dst'];
  user?: string;
  host?: string;
  process?: CorrelationEvent['process'];
  file?: CorrelationEvent['file'];
  dnsQuery?: string;
  url?: string;
  /** The product reports behind it (`<source>:<product id>`). */
  reports: string[];
}

export interface ReportedCorrelation {
  rule: ReportedRule;
  /** `group-by` name → value. */
  group: Record<string, string | number | boolean>;
  /** Events, distinct values or rules matched (by type). */
  count: number;
  firstTime: string;
  lastTime: string;
  /** From its first input to first input + timespan (both inclusive). */
  window: { start: string; end: string; timespan: string };
  /** Union of the events' entities. */
  entities: EventEntities;
  sources: string[];
  events: ReportedEvent[];
}

export interface ReportedDetection {
  rule: ReportedRule;
  time: string;
  event: ReportedEvent;
}

export interface CorrelateReport {
  kind: 'defenseclaw.correlation-report';
  generatedAt: string;
  window: { last: string; from: string; to: string };
  sources: SourceReport[];
  /** Some read failed or was cut: results cover what the others returned. */
  partial: boolean;
  rules: ReportedRule[];
  events: { reports: number; events: number; bySource: Record<string, number> };
  correlations: ReportedCorrelation[];
  detections: ReportedDetection[];
  pushdown?: {
    queries: PushdownQuery[];
    candidates: PushdownCandidates[];
    refused: Array<{ table: string; rule: string; reason: string }>;
  };
  stats: CorrelationEngineStats;
}

export interface PivotRequest {
  ioc: string;
  type?: string;
  /** Default 7d. */
  last?: string;
  sources?: readonly string[];
  as?: RunAs;
  signal?: AbortSignal;
}

export interface PivotReport {
  kind: 'defenseclaw.pivot-report';
  generatedAt: string;
  indicator: Indicator;
  window: { last: string; from: string; to: string };
  sources: SourceReport[];
  partial: boolean;
  /** Every product that reported a sighting (origins included), with how many and when. */
  products: Array<{ product: string; sightings: number; first: string; last: string }>;
  /** Product reports that name the indicator. */
  sightings: number;
  /** One ordered timeline; reports of one happening by several products merged. */
  timeline: TimelineEntry[];
}

export interface RuleTestReport {
  file: string;
  events: number;
  rules: ReportedRule[];
  correlations: Array<{ rule: ReportedRule; group: Record<string, string | number | boolean>; count: number; window: { start: string; end: string; timespan: string }; events: EventLine[] }>;
  detections: Array<{ rule: ReportedRule; time: string; event: EventLine }>;
  stats: CorrelationEngineStats;
}

export interface PushdownExplanation {
  sources: EventSourceName[];
  queries: PushdownQuery[];
  refused: Array<{ table: string; rule: string; reason: string }>;
}

const DEFAULT_PIVOT_WINDOW = '7d';

/**
 * Event correlation over every product, through the gateway only (read scope, audited): pulls
 * events of the window (or lets Splunk and Sentinel filter and count, `pushdown`), merges the
 * products' reports of one happening, runs the Sigma rules (built-in and the user's), and reports
 * correlations. `pivot` finds every sighting of one indicator as one timeline.
 */
export class CorrelateService {
  readonly #options: CorrelateServiceOptions;

  constructor(options: CorrelateServiceOptions) {
    this.#options = options;
  }

  get rules(): RuleLibrary {
    return this.#options.rules;
  }

  async correlate(request: CorrelateRequest): Promise<CorrelateReport> {
    const window = this.#window(request.last, '--last');
    const sources = this.#sources(request.sources);
    const { loaded, wanted } = this.#rules(request.rules);
    const caller = this.#caller(request.as, `event correlate --last ${request.last}${request.pushdown === true ? ' --pushdown' : ''}`);
    const seconds = Math.ceil(window.milliseconds / 1000);
    const pushdownSources = request.pushdown === true ? sources.filter((source) => SIEM_SOURCES.has(source)) : [];
    const skip = new Set<EventSourceName>(pushdownSources);
    if (skip.has('splunk')) skip.add('secure-firewall');

    const others = this.#readWhole(sources, seconds, skip, caller, request.signal);
    let pushdown: CorrelateReport['pushdown'];
    let siemReports: SecurityEvent[] = [];
    if (pushdownSources.length > 0) {
      const tables = siemTables(pushdownSources);
      const plan = planPushdown(loaded.collection, wanted, tables);
      const otherEvents = others.then((read) => toCorrelationEvents(inWindow(read.events, window)).map(flatFields));
      // Awaited by runPushdown only when a count is narrowed; a failure surfaces through `others` below.
      otherEvents.catch(() => undefined);
      const result = await runPushdown(plan, {
        gateway: this.#options.gateway,
        caller,
        windowSeconds: seconds,
        otherEvents,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        ...(this.#options.timer === undefined ? {} : { timer: this.#options.timer }),
      });
      siemReports = result.reports;
      pushdown = { queries: result.queries, candidates: result.candidates, refused: plan.refused };
    }
    const read = await others;
    const sourceReports = [...read.reports, ...(pushdown?.queries ?? []).map(queryReport)];
    const reports = dedupe([...read.events, ...siemReports]);
    const events = toCorrelationEvents(inWindow(reports, window));
    const ruleSet = compileRuleSet(loaded.collection);
    const result = correlateEvents(ruleSet, events.map(toFlatEvent));
    const ruleFile = (index: number) => loaded.collection.rules[index]!.location.file;
    const reported = (index: number) => reportedRule(loaded.collection.rules[index]!, ruleFile(index));
    const correlations = result.correlations.filter((correlation) => wanted.has(correlation.rule.index)).map((correlation) => reportCorrelation(correlation, reported(correlation.rule.index)));
    const detections = result.detections.filter((match) => wanted.has(match.rule.index)).map((match) => reportDetection(match, reported(match.rule.index)));
    const bySource: Record<string, number> = {};
    for (const report of reports) bySource[report.source] = (bySource[report.source] ?? 0) + 1;
    return {
      kind: 'defenseclaw.correlation-report',
      generatedAt: window.to,
      window: { last: request.last, from: window.from, to: window.to },
      sources: sourceReports,
      partial: sourceReports.some((report) => !report.ok || report.truncated === true),
      rules: [...wanted].sort((a, b) => a - b).map(reported),
      events: { reports: reports.length, events: events.length, bySource },
      correlations,
      detections,
      ...(pushdown === undefined ? {} : { pushdown }),
      stats: result.stats,
    };
  }

  /**
   * The SPL and KQL `--pushdown` would run for these rules and sources, without running
   * anything (fetches shown unrestricted: candidate groups are only known at run time).
   */
  explain(request: Pick<CorrelateRequest, 'sources' | 'rules'>): PushdownExplanation {
    const sources = (request.sources === undefined ? this.#sources(undefined, true) : parseSources(request.sources)).filter((source) => SIEM_SOURCES.has(source));
    if (sources.length === 0) throw new UsageError('--explain: push-down writes queries for splunk, secure-firewall (via Splunk) and sentinel; name one in --sources');
    const { loaded, wanted } = this.#rules(request.rules);
    const plan = planPushdown(loaded.collection, wanted, siemTables(sources));
    return { sources, queries: explainPushdown(plan), refused: plan.refused };
  }

  async pivot(request: PivotRequest): Promise<PivotReport> {
    const indicator = parseIndicator(request.ioc, request.type);
    const last = request.last ?? DEFAULT_PIVOT_WINDOW;
    const window = this.#window(last, '--last');
    const sources = this.#sources(request.sources);
    const caller = this.#caller(request.as, `event correlate --ioc ${indicator.value} --ioc-type ${indicator.type} --last ${last}`);
    const reads = planPivotReads(indicator, sources, Math.ceil(window.milliseconds / 1000));
    const read = await readSources(this.#options.gateway, caller, reads, { notFoundIsEmpty: true, ...this.#readOptions(request.signal) });
    const sightings = inWindow(read.events, window).filter((event) => mentionsIndicator(event, indicator));
    const products = new Map<string, { product: string; sightings: number; first: string; last: string }>();
    for (const event of sightings) {
      const origin = typeof event.fields['origin'] === 'string' ? (event.fields['origin'] as string) : undefined;
      for (const product of new Set([event.source, ...(origin === undefined ? [] : [origin])])) {
        const entry = products.get(product) ?? { product, sightings: 0, first: event.time, last: event.time };
        entry.sightings += 1;
        if (event.time < entry.first) entry.first = event.time;
        if (event.time > entry.last) entry.last = event.time;
        products.set(product, entry);
      }
    }
    return {
      kind: 'defenseclaw.pivot-report',
      generatedAt: window.to,
      indicator,
      window: { last, from: window.from, to: window.to },
      sources: read.reports,
      partial: read.reports.some((report) => !report.ok || report.truncated === true),
      products: [...products.values()].sort((a, b) => a.product.localeCompare(b.product)),
      sightings: sightings.length,
      timeline: buildTimeline(sightings),
    };
  }

  /** Runs one rule file over a JSONL file of events (`rule test`): no gateway, no store. */
  testRule(rule: RuleText, events: RuleText): RuleTestReport {
    const collection = parseRuleCollection(rule.text, rule.file);
    const flat = readEventLines(events.text, events.file);
    const result = correlateEvents(compileRuleSet(collection), flat);
    const reported = (index: number) => reportedRule(collection.rules[index]!, rule.file);
    return {
      file: rule.file,
      events: flat.length,
      rules: collection.rules.map((_, index) => reported(index)),
      correlations: result.correlations.map((correlation) => ({
        rule: reported(correlation.rule.index),
        group: { ...correlation.group },
        count: correlation.count,
        window: windowOf(correlation, collection.rules[correlation.rule.index]!),
        events: correlation.events,
      })),
      detections: result.detections.map((match) => ({ rule: reported(match.rule.index), time: isoTime(match.time), event: match.event })),
      stats: result.stats,
    };
  }

  #window(last: string, option: string): { milliseconds: number; from: string; to: string } {
    const milliseconds = parseDuration(last, option);
    if (milliseconds <= 0) throw new UsageError(`${option}: the window must be longer than 0`);
    const to = this.#options.clock.now().getTime();
    return { milliseconds, from: new Date(to - milliseconds).toISOString(), to: new Date(to).toISOString() };
  }

  /** The named sources, or every configured one (Secure Firewall is in Splunk's rows already). */
  #sources(names: readonly string[] | undefined, ignoreConfig = false): EventSourceName[] {
    if (names !== undefined) return parseSources(names);
    const chosen = EVENT_SOURCES.filter((source) => source !== 'secure-firewall' && (ignoreConfig || this.#options.isConfigured(SOURCE_INTEGRATION[source])));
    if (chosen.length === 0) throw new UsageError('no event source is configured: set up an integration (defenseclaw config set …) or run against the lab (defenseclaw lab init)');
    return [...chosen];
  }

  #rules(selectors: CorrelateRequest['rules']): { loaded: LoadedRules; wanted: Set<number> } {
    const extra = (selectors ?? []).filter((selector): selector is RuleText => typeof selector !== 'string');
    const names = (selectors ?? []).filter((selector): selector is string => typeof selector === 'string');
    const loaded = this.#options.rules.load(extra);
    if (selectors === undefined || selectors.length === 0) return { loaded, wanted: new Set(loaded.collection.rules.map((_, index) => index)) };
    const wanted = this.#options.rules.select(loaded, names);
    for (const file of loaded.files) if (file.origin === 'file') file.rules.forEach((index) => wanted.add(index));
    return { loaded, wanted };
  }

  #caller(as: RunAs | undefined, reason: string): Caller {
    const actor = as?.actor ?? this.#options.actor;
    return {
      kind: as?.kind ?? 'cli',
      actor,
      requester: actor,
      permissions: profile(EVENT_TOOLS, { read: true }),
      // The secure runtime caps outputs at 256 KiB for the LLM's sake; this caller only reads
      // and feeds no model, so a cut list would only lose events (as the inventory scan does).
      runtime: 'standard',
      reason,
    };
  }

  #readOptions(signal: AbortSignal | undefined) {
    return { ...(signal === undefined ? {} : { signal }), ...(this.#options.timer === undefined ? {} : { timer: this.#options.timer }) };
  }

  /** The non-push-down reads; XDR's sightings follow its incidents (per host they name). */
  async #readWhole(sources: readonly EventSourceName[], seconds: number, skip: ReadonlySet<EventSourceName>, caller: Caller, signal: AbortSignal | undefined): Promise<{ events: SecurityEvent[]; reports: SourceReport[] }> {
    const reads = planSourceReads(sources, seconds, skip);
    const incidents = reads.filter((read) => read.tool === 'cisco_xdr.search_incidents');
    const rest = reads.filter((read) => read.tool !== 'cisco_xdr.search_incidents');
    const xdr = async (): Promise<{ events: SecurityEvent[]; reports: SourceReport[] }> => {
      if (incidents.length === 0) return { events: [], reports: [] };
      const first = await readSources(this.#options.gateway, caller, incidents, this.#readOptions(signal));
      const hosts = [...new Set(first.events.flatMap((event) => event.entities.hosts))].sort();
      const sightings: SourceRead[] = xdrSightingReads(hosts, seconds);
      const second = sightings.length === 0 ? { events: [], reports: [] } : await readSources(this.#options.gateway, caller, sightings, this.#readOptions(signal));
      return { events: [...first.events, ...second.events], reports: [...first.reports, ...second.reports] };
    };
    const [fromXdr, fromRest] = await Promise.all([xdr(), readSources(this.#options.gateway, caller, rest, this.#readOptions(signal))]);
    return { events: dedupe([...fromXdr.events, ...fromRest.events]), reports: [...fromXdr.reports, ...fromRest.reports] };
  }
}

/** The Splunk and Sentinel tables push-down writes queries for. */
function siemTables(sources: readonly EventSourceName[]): SiemTable[] {
  const tables: SiemTable[] = [];
  if (sources.includes('splunk')) tables.push(SPLUNK_TABLE);
  else if (sources.includes('secure-firewall')) tables.push(firewallOnly(SPLUNK_TABLE));
  if (sources.includes('sentinel')) tables.push(...SENTINEL_TABLES);
  return tables;
}

/** Splunk restricted to the Secure Firewall rows (cisco:ftd). */
function firewallOnly(table: SiemTable): SiemTable {
  const scope = 'sourcetype="cisco:ftd*"';
  return {
    ...table,
    name: 'splunk (cisco:ftd)',
    bulkQuery: `search ${scope}`,
    select: (filter) => table.select(`${scope} ${filter}`),
    aggregate: (filter, options) => table.aggregate(`${scope} ${filter}`, options),
  };
}

function queryReport(query: PushdownQuery): SourceReport {
  return {
    source: query.siem,
    tool: query.tool,
    subject: `push-down ${query.stage} ${query.table}`,
    ok: query.ok === true,
    outcome: query.outcome ?? 'not run',
    count: query.stage === 'candidates' ? (query.rows ?? 0) : (query.events ?? 0),
    ...(query.truncated === true ? { truncated: true } : {}),
    ...(query.error === undefined ? {} : { error: query.error }),
    durationMs: query.durationMs ?? 0,
  };
}

function inWindow(events: readonly SecurityEvent[], window: { from: string; to: string }): SecurityEvent[] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  return events.filter((event) => {
    const time = Date.parse(event.time);
    return Number.isFinite(time) && time >= from && time <= to;
  });
}

function dedupe(events: readonly SecurityEvent[]): SecurityEvent[] {
  return [...new Map(events.map((event) => [event.id, event])).values()];
}

function reportedRule(rule: SigmaRule, file: string): ReportedRule {
  return {
    title: rule.title,
    ...(rule.id === undefined ? {} : { id: rule.id }),
    ...(rule.name === undefined ? {} : { name: rule.name }),
    kind: rule.kind,
    ...(rule.kind === 'correlation' ? { type: rule.type } : {}),
    ...(rule.level === undefined ? {} : { level: rule.level }),
    file,
  };
}

function reportEvent(event: CorrelationEvent): ReportedEvent {
  const nonEmpty = <T extends object>(value: T | undefined) => (value === undefined || Object.keys(value).length === 0 ? undefined : value);
  const src = nonEmpty(event.src);
  const dst = nonEmpty(event.dst);
  return {
    id: event.id,
    time: event.time,
    class: event.class,
    severity: event.severity,
    sources: event.sources,
    title: event.title,
    ...(event.outcome === undefined ? {} : { outcome: event.outcome }),
    ...(src === undefined ? {} : { src }),
    ...(dst === undefined ? {} : { dst }),
    ...(event.user === undefined ? {} : { user: event.user }),
    ...(event.host === undefined ? {} : { host: event.host }),
    ...(event.process === undefined ? {} : { process: event.process }),
    ...(event.file === undefined ? {} : { file: event.file }),
    ...(event.dnsQuery === undefined ? {} : { dnsQuery: event.dnsQuery }),
    ...(event.url === undefined ? {} : { url: event.url }),
    reports: event.reports.map((report) => report.id),
  };
}

function reportCorrelation(correlation: Correlation<CorrelationEvent>, rule: ReportedRule): ReportedCorrelation {
  const entities: EventEntities = { hosts: [], users: [], ips: [], domains: [], hashes: [], urls: [] };
  const sources = new Set<string>();
  for (const event of correlation.events) {
    for (const key of Object.keys(entities) as Array<keyof EventEntities>) for (const value of event.entities[key]) if (!entities[key].includes(value)) entities[key].push(value);
    event.sources.forEach((source) => sources.add(source));
  }
  return {
    rule,
    group: { ...correlation.group },
    count: correlation.count,
    firstTime: isoTime(correlation.firstTime),
    lastTime: isoTime(correlation.lastTime),
    window: { start: isoTime(correlation.window.start), end: isoTime(correlation.window.end), timespan: formatSpan(correlation.window.timespanMs) },
    entities,
    sources: [...sources].sort(),
    events: correlation.events.map(reportEvent),
  };
}

function reportDetection(match: DetectionMatch<CorrelationEvent>, rule: ReportedRule): ReportedDetection {
  return { rule, time: isoTime(match.time), event: reportEvent(match.event) };
}

function windowOf(correlation: Correlation<unknown>, rule: SigmaRule): { start: string; end: string; timespan: string } {
  return { start: isoTime(correlation.window.start), end: isoTime(correlation.window.end), timespan: rule.kind === 'correlation' ? rule.timespan : formatSpan(correlation.window.timespanMs) };
}

function isoTime(milliseconds: number): string {
  return Number.isFinite(milliseconds) ? new Date(milliseconds).toISOString() : '';
}

function formatSpan(milliseconds: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  return `${milliseconds}ms`;
}
