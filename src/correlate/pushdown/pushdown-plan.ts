import { countBounds, ruleLabel, type CorrelationRule, type DetectionRule, type RuleCollection } from '../rules/index.js';
import { compileDetectionFilter, type CompiledFilter } from './compile-filter.js';
import type { ColumnMapping, SiemTable } from './siem-table.js';

/** One unit of a count correlation's aggregate: one referenced rule on one table. */
export interface AggregateUnit {
  table: SiemTable;
  /** Position in the correlation's `rules`. */
  position: number;
  /** The referenced detection rule's filter on this table. */
  filter: CompiledFilter;
  /** Per `group-by` entry, the column grouped by and its mapping (to turn values back into flat values). */
  groupColumns: Array<{ column: string; mapping: ColumnMapping }>;
  /** value_count: the column whose distinct values are counted. */
  valueColumn?: string;
}

/**
 * A count correlation (event_count / value_count with only lower bounds, over detection rules)
 * whose groups the SIEMs narrow down: an aggregate per unit finds the groups that can reach the
 * threshold ("candidates"); only their events are fetched.
 */
export interface CountPruning {
  correlationIndex: number;
  rule: CorrelationRule;
  units: AggregateUnit[];
  /** Bins with at least this count are kept (see `pruningThreshold`). */
  threshold: number;
}

/** Why a detection rule's events are fetched: all of them, or only those of candidate groups. */
export type DetectionUse =
  | { kind: 'all'; reason: string }
  /** Events whose `fields` equal a candidate group of `pruning` (tuple positions `tupleIndexes`). */
  | { kind: 'candidates'; pruning: number; fields: string[]; tupleIndexes: number[] };

export interface PushdownPlan {
  collection: RuleCollection;
  tables: readonly SiemTable[];
  /** Detection rules whose events are needed, by rule index. */
  detections: number[];
  /** Per table name, per detection rule index: its filter on that table. */
  filters: Map<string, Map<number, CompiledFilter>>;
  prunings: CountPruning[];
  uses: Map<number, DetectionUse[]>;
  /** Rules (per table) that cannot be pushed down: the table is pulled whole instead. */
  refused: Array<{ table: string; rule: string; reason: string }>;
  /** Tables pulled whole (some needed rule cannot be pushed down to them). */
  bulkTables: Set<string>;
}

/**
 * Plans the push-down of the rules in `wanted` (and everything they reference) to `tables`:
 * a filter per detection rule and table, aggregates for count correlations that can narrow
 * their groups in the SIEM, and how each detection rule's fetch may be restricted to candidate
 * groups. Pure: no I/O.
 */
export function planPushdown(collection: RuleCollection, wanted: ReadonlySet<number>, tables: readonly SiemTable[]): PushdownPlan {
  const { rules } = collection;
  const scope = reachable(collection, wanted);
  const detections = [...scope].filter((index) => rules[index]!.kind === 'detection').sort((a, b) => a - b);
  const filters = new Map<string, Map<number, CompiledFilter>>();
  const refused: PushdownPlan['refused'] = [];
  const bulkTables = new Set<string>();
  for (const table of tables) {
    const byRule = new Map<number, CompiledFilter>();
    for (const index of detections) {
      const filter = compileDetectionFilter(rules[index] as DetectionRule, table);
      byRule.set(index, filter);
      if (filter.expression.kind === 'true') {
        refused.push({ table: table.name, rule: ruleLabel(rules[index]!), reason: filter.notes.length === 0 ? 'nothing in the rule narrows this table' : filter.notes.join('; ') });
        bulkTables.add(table.name);
      }
    }
    filters.set(table.name, byRule);
  }

  const prunings: CountPruning[] = [];
  for (const index of [...scope].sort((a, b) => a - b)) {
    const rule = rules[index]!;
    if (rule.kind !== 'correlation') continue;
    const pruning = planPruning(collection, index, rule, tables, filters);
    if (pruning !== undefined) prunings.push(pruning);
  }

  const uses = new Map<number, DetectionUse[]>();
  for (const index of detections) uses.set(index, usesOf(collection, index, scope, wanted, prunings));
  return { collection, tables, detections, filters, prunings, uses, refused, bulkTables };
}

/**
 * The count a bin must reach to keep its group. The SIEM counts in tumbling bins of one
 * timespan; a sliding window of one timespan overlaps at most two bins, and a group's events
 * may come from several units (rules × tables). A window holding `lower` events therefore has
 * at least ⌈lower / (2 × units)⌉ of them in one bin of one unit. Keeping those bins never loses a
 * group a sliding window fires on (no false negatives at bin edges); DefenseClaw then decides
 * each candidate with sliding windows on its events.
 */
export function pruningThreshold(lower: number, units: number): number {
  return Math.max(1, Math.ceil(lower / (2 * Math.max(1, units))));
}

function planPruning(
  collection: RuleCollection,
  index: number,
  rule: CorrelationRule,
  tables: readonly SiemTable[],
  filters: Map<string, Map<number, CompiledFilter>>,
): CountPruning | undefined {
  if (rule.type !== 'event_count' && rule.type !== 'value_count') return undefined;
  const bounds = countBounds(rule.condition);
  if (bounds.upper !== undefined || bounds.excluded !== undefined) return undefined;
  if (rule.references.some((target) => collection.rules[target]!.kind !== 'detection')) return undefined;
  const units: AggregateUnit[] = [];
  for (const table of tables) {
    for (const [position, target] of rule.references.entries()) {
      const filter = filters.get(table.name)!.get(target)!;
      if (filter.expression.kind === 'false') continue;
      if (filter.expression.kind === 'true') return undefined;
      const groupColumns: AggregateUnit['groupColumns'] = [];
      let contributes = true;
      for (const field of rule.groupFieldsByReference[position]!) {
        const resolution = table.resolve(field);
        if (resolution?.kind === 'absent') {
          // The engine skips inputs without a group-by field: this unit adds nothing.
          contributes = false;
          break;
        }
        if (resolution?.kind !== 'columns' || resolution.group === undefined) return undefined;
        groupColumns.push({ column: resolution.group, mapping: resolution });
      }
      let valueColumn: string | undefined;
      if (contributes && rule.type === 'value_count') {
        const fields = rule.valueFieldsByReference[position]!;
        if (fields.length !== 1) return undefined;
        const resolution = table.resolve(fields[0]!);
        if (resolution?.kind === 'absent') contributes = false;
        else if (resolution?.kind !== 'columns') return undefined;
        else {
          // Distinct values of the group column (the same CIM-field assumption as grouping), or of the only column.
          valueColumn = resolution.group ?? (resolution.columns.length === 1 ? resolution.columns[0] : undefined);
          if (valueColumn === undefined) return undefined;
        }
      }
      if (contributes) units.push({ table, position, filter, groupColumns, ...(valueColumn === undefined ? {} : { valueColumn }) });
    }
  }
  return { correlationIndex: index, rule, units, threshold: pruningThreshold(bounds.lower, units.length) };
}

function usesOf(collection: RuleCollection, detection: number, scope: ReadonlySet<number>, wanted: ReadonlySet<number>, prunings: readonly CountPruning[]): DetectionUse[] {
  const { rules } = collection;
  const uses: DetectionUse[] = [];
  const referencing = [...scope].filter((index) => rules[index]!.kind === 'correlation' && (rules[index] as CorrelationRule).references.includes(detection));
  const standalone = referencing.length === 0 || referencing.some((index) => (rules[index] as CorrelationRule).generate);
  if (standalone && wanted.has(detection)) uses.push({ kind: 'all', reason: 'reported on its own' });
  for (const index of referencing) {
    const rule = rules[index] as CorrelationRule;
    const position = rule.references.indexOf(detection);
    const own = prunings.find((pruning) => pruning.correlationIndex === index);
    if (own !== undefined) {
      uses.push({ kind: 'candidates', pruning: index, fields: [...rule.groupFieldsByReference[position]!], tupleIndexes: rule.groupBy.map((_, at) => at) });
      continue;
    }
    const sibling = siblingPruning(rule, position, prunings);
    uses.push(sibling ?? { kind: 'all', reason: `input of ${ruleLabel(rule)}` });
  }
  return uses;
}

/**
 * A temporal correlation that needs every one of its rules can only fire for a group in which
 * its pruned count input fired: its other detection inputs need only the candidates' events.
 */
function siblingPruning(rule: CorrelationRule, position: number, prunings: readonly CountPruning[]): DetectionUse | undefined {
  if (rule.type !== 'temporal' && rule.type !== 'temporal_ordered') return undefined;
  if (rule.type === 'temporal' && countBounds(rule.condition).lower < rule.references.length) return undefined;
  for (const [siblingPosition, target] of rule.references.entries()) {
    if (siblingPosition === position) continue;
    const pruning = prunings.find((candidate) => candidate.correlationIndex === target);
    if (pruning === undefined) continue;
    const tupleIndexes = rule.groupFieldsByReference[siblingPosition]!.map((name) => pruning.rule.groupBy.indexOf(name));
    if (tupleIndexes.some((at) => at < 0)) continue;
    return { kind: 'candidates', pruning: target, fields: [...rule.groupFieldsByReference[position]!], tupleIndexes };
  }
  return undefined;
}

/** `wanted` and every rule they reference, transitively. */
function reachable(collection: RuleCollection, wanted: ReadonlySet<number>): Set<number> {
  const seen = new Set<number>();
  const stack = [...wanted];
  while (stack.length > 0) {
    const index = stack.pop()!;
    if (seen.has(index)) continue;
    seen.add(index);
    const rule = collection.rules[index]!;
    if (rule.kind === 'correlation') stack.push(...rule.references);
  }
  return seen;
}
