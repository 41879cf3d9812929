import { z } from 'zod';
import type { SecurityEvent } from '../../connectors/model/index.js';
import type { Caller } from '../../gateway/caller.js';
import { describeGatewayFailure, type GatewayResult } from '../../gateway/gateway-result.js';
import type { ToolCaller } from '../../investigate/gather/index.js';
import { compileDetection, type EventFields, type FieldScalar } from '../engine/index.js';
import { ruleLabel, type DetectionRule } from '../rules/index.js';
import { eventsOfOutput } from '../events/index.js';
import { literalEquals, type CompiledFilter } from './compile-filter.js';
import { and, exact, or, TRUE, type Approximation } from './query-expression.js';
import type { AggregateUnit, CountPruning, DetectionUse, PushdownPlan } from './pushdown-plan.js';
import { toFlatValue, type SiemTable } from './siem-table.js';

/** Queries longer than this are split per rule (the tools accept 10,000 characters). */
const MAX_QUERY_CHARS = 9_000;
/** Most rows one fetch asks for. */
const MAX_ROWS = 50_000;

/** One query the push-down ran (or, when explaining without running, would run). */
export interface PushdownQuery {
  /** candidates: an aggregate narrowing a count correlation's groups; fetch: matching events; bulk: a whole table (some rule could not be pushed down). */
  stage: 'candidates' | 'fetch' | 'bulk';
  siem: 'splunk' | 'sentinel';
  table: string;
  tool: string;
  query: string;
  /** The rules it serves (names, ids or titles). */
  rules: string[];
  notes: string[];
  /** Filled once run. */
  ok?: boolean;
  outcome?: string;
  rows?: number;
  events?: number;
  truncated?: boolean;
  error?: string;
  durationMs?: number;
}

export interface PushdownCandidates {
  rule: string;
  /** Candidate groups found (undefined: not narrowed; every group is fetched). */
  groups?: number;
  /** Of which from the sources read whole (not SIEMs). */
  fromOtherSources: number;
}

export interface PushdownResult {
  /** SIEM events fetched (rows matching some rule, of candidate groups where narrowed). */
  reports: SecurityEvent[];
  queries: PushdownQuery[];
  candidates: PushdownCandidates[];
}

export interface RunPushdownOptions {
  gateway: ToolCaller;
  caller: Caller;
  /** The window, in seconds back from now. */
  windowSeconds: number;
  /** Flat fields of the events read from the other sources (they may complete a count too); awaited after the aggregates ran. */
  otherEvents: readonly EventFields[] | Promise<readonly EventFields[]>;
  signal?: AbortSignal;
  timer?: () => number;
}

/**
 * Runs a push-down plan through the gateway: (1) for each narrowed count correlation, one
 * aggregate per unit finds the candidate groups; groups seen in the other sources' events are
 * candidates too; (2) per table, one fetch of the rows any needed rule may match (restricted to
 * candidate groups where every use allows); tables with a refused rule are pulled whole. A failed
 * query is reported; a failed aggregate leaves its correlation unnarrowed (nothing is lost).
 */
export async function runPushdown(plan: PushdownPlan, options: RunPushdownOptions): Promise<PushdownResult> {
  const queries: PushdownQuery[] = [];
  const candidates = new Map<number, Set<string> | undefined>();
  const candidateReports: PushdownCandidates[] = [];
  await Promise.all(
    plan.prunings.map(async (pruning) => {
      const found = await runAggregates(pruning, options, queries);
      const fromOthers = otherCandidates(plan, pruning, await options.otherEvents);
      const union = found === undefined || fromOthers === undefined ? undefined : new Set([...found, ...fromOthers]);
      candidates.set(pruning.correlationIndex, union);
      candidateReports.push({ rule: ruleLabel(pruning.rule), ...(union === undefined ? {} : { groups: union.size }), fromOtherSources: fromOthers?.size ?? 0 });
    }),
  );
  const fetches = fetchQueries(plan, candidates);
  const reports: SecurityEvent[] = [];
  await Promise.all(
    fetches.map(async (query) => {
      queries.push(query);
      const output = await runQuery(query, options);
      if (output === undefined) return;
      const events = eventsOfOutput(output) ?? [];
      query.events = events.length;
      query.truncated = query.rows !== undefined && query.rows >= MAX_ROWS;
      reports.push(...events);
    }),
  );
  queries.sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage) || a.table.localeCompare(b.table) || a.query.localeCompare(b.query));
  candidateReports.sort((a, b) => a.rule.localeCompare(b.rule));
  return { reports, queries, candidates: candidateReports };
}

/** The queries a plan would run, without running them (`--explain` alone): fetches unrestricted. */
export function explainPushdown(plan: PushdownPlan): PushdownQuery[] {
  const queries: PushdownQuery[] = [];
  for (const pruning of plan.prunings) for (const unit of pruning.units) queries.push(aggregateQuery(pruning, unit));
  const unrestricted = new Map(plan.prunings.map((pruning) => [pruning.correlationIndex, undefined]));
  for (const query of fetchQueries(plan, unrestricted)) {
    if (query.stage === 'fetch') query.notes.push('at run time restricted to the candidate groups the aggregates find');
    queries.push(query);
  }
  return queries;
}

function stageOrder(stage: PushdownQuery['stage']): number {
  return stage === 'candidates' ? 0 : stage === 'fetch' ? 1 : 2;
}

function aggregateQuery(pruning: CountPruning, unit: AggregateUnit): PushdownQuery {
  const { table } = unit;
  const query = table.aggregate(table.dialect.render(unit.filter.expression), {
    timespan: pruning.rule.timespan,
    groupColumns: unit.groupColumns.map((group) => group.column),
    ...(unit.valueColumn === undefined ? {} : { valueColumn: unit.valueColumn }),
    threshold: pruning.threshold,
  });
  return {
    stage: 'candidates',
    siem: table.siem,
    table: table.name,
    tool: table.tool,
    query,
    rules: [ruleLabel(pruning.rule)],
    notes: [
      `tumbling bins of ${pruning.rule.timespan}; a sliding window overlaps at most two bins, so bins with at least ${pruning.threshold} (⌈${describeLower(pruning)} / (2 × ${pruning.units.length} unit(s))⌉) keep every group a sliding window could fire on; DefenseClaw decides with sliding windows`,
      ...unit.filter.notes,
    ],
  };
}

function describeLower(pruning: CountPruning): string {
  const { condition } = pruning.rule;
  return condition.gte !== undefined ? String(condition.gte) : condition.gt !== undefined ? String(condition.gt + 1) : condition.eq !== undefined ? String(condition.eq) : '1';
}

/** Runs one pruning's aggregates; the candidate group keys, or undefined when one failed. */
async function runAggregates(pruning: CountPruning, options: RunPushdownOptions, queries: PushdownQuery[]): Promise<Set<string> | undefined> {
  const found = new Set<string>();
  let complete = true;
  await Promise.all(
    pruning.units.map(async (unit) => {
      const query = aggregateQuery(pruning, unit);
      queries.push(query);
      const output = await runQuery(query, options);
      const rows = output === undefined ? undefined : rowsOf(unit.table, output);
      if (rows === undefined) {
        complete = false;
        if (query.ok === true) {
          query.ok = false;
          query.error = 'unexpected output shape';
        }
        return;
      }
      query.rows = rows.length;
      for (const row of rows) {
        const tuple = unit.groupColumns.map(({ column, mapping }) => {
          const value = row[column];
          return value === undefined || value === null || value === '' ? undefined : toFlatValue(mapping, String(value));
        });
        if (tuple.every((value) => value !== undefined)) found.add(tupleKey(tuple as FieldScalar[]));
      }
    }),
  );
  return complete ? found : undefined;
}

/**
 * Groups the other sources' events give a count correlation: each is a candidate (the SIEMs'
 * threshold only covers counts they hold alone). Undefined when a group value is a list.
 */
function otherCandidates(plan: PushdownPlan, pruning: CountPruning, events: readonly EventFields[]): Set<string> | undefined {
  const found = new Set<string>();
  for (const [position, target] of pruning.rule.references.entries()) {
    const detection = compileDetection(plan.collection.rules[target] as DetectionRule, target);
    const fields = pruning.rule.groupFieldsByReference[position]!;
    for (const event of events) {
      if (!detection.test(event)) continue;
      const tuple: FieldScalar[] = [];
      for (const field of fields) {
        const value = event[field];
        if (Array.isArray(value)) return undefined;
        if (value === undefined || value === null || value === '') break;
        tuple.push(value);
      }
      if (tuple.length === fields.length) found.add(tupleKey(tuple));
    }
  }
  return found;
}

/** Group values compare as text, as the engine compares them (`80` and `"80"` are one group). */
function tupleKey(values: readonly FieldScalar[]): string {
  return JSON.stringify(values.map(String));
}

/** Per table: one fetch of every needed rule's rows (restricted where it may be), or the bulk pull. */
function fetchQueries(plan: PushdownPlan, candidates: ReadonlyMap<number, Set<string> | undefined>): PushdownQuery[] {
  const queries: PushdownQuery[] = [];
  const { rules } = plan.collection;
  for (const table of plan.tables) {
    if (plan.bulkTables.has(table.name)) {
      const refused = plan.refused.filter((entry) => entry.table === table.name);
      queries.push({
        stage: 'bulk',
        siem: table.siem,
        table: table.name,
        tool: table.tool,
        query: table.bulkQuery,
        rules: refused.map((entry) => entry.rule),
        notes: refused.map((entry) => `${entry.rule} cannot be pushed down: ${entry.reason}`),
      });
      continue;
    }
    const parts: Array<{ rule: string; filter: CompiledFilter; restriction: Approximation; expression: Approximation }> = [];
    for (const index of plan.detections) {
      const filter = plan.filters.get(table.name)!.get(index)!;
      if (filter.expression.kind === 'false') continue;
      const restriction = restrictionOf(plan, table, plan.uses.get(index) ?? [], candidates);
      const expression = and([{ expression: filter.expression, exact: filter.exact }, restriction]);
      if (expression.expression.kind === 'false') continue;
      parts.push({ rule: ruleLabel(rules[index]!), filter, restriction, expression });
    }
    if (parts.length === 0) continue;
    const combined = table.select(table.dialect.render(or(parts.map((part) => part.expression)).expression));
    if (combined.length <= MAX_QUERY_CHARS) {
      queries.push(fetchQuery(table, combined, parts.map((part) => part.rule), parts.flatMap((part) => part.filter.notes)));
      continue;
    }
    for (const part of parts) {
      let query = table.select(table.dialect.render(part.expression.expression));
      const notes = [...part.filter.notes];
      if (query.length > MAX_QUERY_CHARS) {
        query = table.select(table.dialect.render(part.filter.expression));
        notes.push('too many candidate groups to list in one query: every matching row is fetched');
      }
      queries.push(fetchQuery(table, query, [part.rule], notes));
    }
  }
  return queries;
}

function fetchQuery(table: SiemTable, query: string, rules: string[], notes: string[]): PushdownQuery {
  return { stage: 'fetch', siem: table.siem, table: table.name, tool: table.tool, query, rules, notes: [...new Set(notes)] };
}

/** Rows of candidate groups only when every use of the rule allows it; `true` otherwise. */
function restrictionOf(plan: PushdownPlan, table: SiemTable, uses: readonly DetectionUse[], candidates: ReadonlyMap<number, Set<string> | undefined>): Approximation {
  const parts: Approximation[] = [];
  for (const use of uses) {
    if (use.kind === 'all') return exact(TRUE);
    // Rows without a group-by field are skipped by the correlation: this use needs none of them.
    if (use.fields.some((field) => table.resolve(field)?.kind === 'absent')) continue;
    const groups = candidates.get(use.pruning);
    if (groups === undefined) return exact(TRUE);
    const projected = new Set<string>();
    for (const key of groups) {
      const tuple = JSON.parse(key) as string[];
      projected.add(JSON.stringify(use.tupleIndexes.map((at) => tuple[at]!)));
    }
    for (const key of projected) {
      const values = JSON.parse(key) as string[];
      parts.push(and(use.fields.map((field, at) => literalEquals(table, field, values[at]!))));
    }
  }
  return or(parts);
}

async function runQuery(query: PushdownQuery, options: RunPushdownOptions): Promise<unknown> {
  const timer = options.timer ?? (() => performance.now());
  const started = timer();
  const input =
    query.tool === 'splunk.search'
      ? { query: query.query, earliest: `-${options.windowSeconds}s`, latest: 'now', max_results: MAX_ROWS, mode: 'export' }
      : { query: query.query, timespan: `${options.windowSeconds}s`, max_rows: MAX_ROWS };
  let result: GatewayResult;
  try {
    result = await options.gateway.call(query.tool, input, options.caller, options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    query.ok = false;
    query.outcome = 'failed';
    query.error = error instanceof Error ? error.message : String(error);
    query.durationMs = timer() - started;
    return undefined;
  }
  query.durationMs = timer() - started;
  query.outcome = result.outcome;
  if (result.outcome !== 'succeeded') {
    query.ok = false;
    query.error = describeGatewayFailure(result);
    return undefined;
  }
  query.ok = true;
  const rows = rowCount(result.output);
  if (rows !== undefined) query.rows = rows;
  return result.output;
}

const splunkRows = z.object({ rows: z.array(z.record(z.string(), z.unknown())) }).loose();
const logAnalyticsTables = z.object({ tables: z.array(z.object({ columns: z.array(z.object({ name: z.string() }).loose()), rows: z.array(z.array(z.unknown())) }).loose()) }).loose();

/** Aggregate rows keyed by column name, or undefined when the output has another shape. */
function rowsOf(table: SiemTable, output: unknown): Array<Record<string, unknown>> | undefined {
  if (table.siem === 'splunk') {
    const parsed = splunkRows.safeParse(output);
    return parsed.success ? parsed.data.rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]))) : undefined;
  }
  const parsed = logAnalyticsTables.safeParse(output);
  if (!parsed.success) return undefined;
  const primary = parsed.data.tables[0];
  if (primary === undefined) return [];
  return primary.rows.map((row) => Object.fromEntries(primary.columns.map((column, at) => [column.name, row[at] ?? null])));
}

function rowCount(output: unknown): number | undefined {
  const splunk = splunkRows.safeParse(output);
  if (splunk.success) return splunk.data.rows.length;
  const sentinel = logAnalyticsTables.safeParse(output);
  return sentinel.success ? (sentinel.data.tables[0]?.rows.length ?? 0) : undefined;
}

