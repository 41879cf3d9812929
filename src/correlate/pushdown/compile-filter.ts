import type { ConditionNode, DetectionRule, DetectionValue, FieldCondition, SearchIdentifier } from '../rules/index.js';
import { anyColumn, type Dialect } from './dialect.js';
import { and, exact, FALSE, globLiteral, globTexts, literalGlob, not, or, parseGlob, TRUE, widened, type Approximation, type GlobSegment } from './query-expression.js';
import type { ColumnMapping, FieldResolution, SiemTable } from './siem-table.js';

/** A filter for one table, with what it could not express (each made the filter wider). */
export interface CompiledFilter extends Approximation {
  notes: string[];
}

/**
 * The rows of `table` that may match a detection rule: a sound superset (see Approximation).
 * What the subset cannot say — keywords, `re`, `cidr`, unmapped fields, values that cannot be
 * quoted safely — widens the filter and is named in `notes`. A result of `true` means nothing
 * of the rule narrows the table (push-down refuses it); `false` means no row of the table can match.
 */
export function compileDetectionFilter(rule: DetectionRule, table: SiemTable): CompiledFilter {
  const notes = new Set<string>();
  const selections = new Map<string, Approximation>();
  for (const [name, identifier] of rule.identifiers) selections.set(name, compileSelection(identifier, table, notes));
  const result = compileCondition(rule.condition, selections);
  return { ...result, notes: [...notes] };
}

/** `field` equals the literal `value` (from data: no wildcards), as a filter on `table`. */
export function literalEquals(table: SiemTable, field: string, value: string | number | boolean): Approximation {
  const notes = new Set<string>();
  return compileValue(table, field, table.resolve(field), 'equals', String(value), notes, true);
}

function compileCondition(node: ConditionNode, selections: ReadonlyMap<string, Approximation>): Approximation {
  switch (node.kind) {
    case 'identifier':
      return selections.get(node.name)!;
    case 'and':
      return and(node.operands.map((operand) => compileCondition(operand, selections)));
    case 'or':
      return or(node.operands.map((operand) => compileCondition(operand, selections)));
    case 'not':
      return not(compileCondition(node.operand, selections));
    case 'of': {
      const operands = node.identifiers.map((name) => selections.get(name)!);
      return node.quantifier === 'one' ? or(operands) : and(operands);
    }
  }
}

function compileSelection(identifier: SearchIdentifier, table: SiemTable, notes: Set<string>): Approximation {
  if (identifier.kind === 'keywords') {
    notes.add('keyword searches are not pushed down (checked by DefenseClaw)');
    return widened();
  }
  return or(identifier.alternatives.map((conditions) => and(conditions.map((condition) => compileFieldCondition(condition, table, notes)))));
}

function compileFieldCondition(condition: FieldCondition, table: SiemTable, notes: Set<string>): Approximation {
  const resolution = table.resolve(condition.field);
  if (resolution === undefined) {
    notes.add(`field ${condition.field} has no ${table.name} mapping: not filtered there`);
    return widened();
  }
  if (resolution.kind === 'absent') return absentField(condition);
  switch (condition.kind) {
    case 're':
    case 'cidr':
      notes.add(`${condition.field}|${condition.kind} is not pushed down (checked by DefenseClaw)`);
      return widened();
    case 'exists': {
      if (resolution.kind !== 'columns') return widened();
      const present = anyColumn(resolution.columns, (column) => table.dialect.present(column));
      return condition.values[0] === true ? present : not(present);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (resolution.kind !== 'columns' || resolution.transform !== 'identity') return widened();
      const test = condition.kind;
      const results = condition.values.map((value) => anyColumn(resolution.columns, (column) => exact({ kind: 'number', column, test, value: value as number })));
      return condition.all ? and(results) : or(results);
    }
    default: {
      const results = condition.values.map((value) => compileEquality(table, condition, resolution, value, notes));
      const combined = condition.all ? and(results) : or(results);
      // `cased` asks for a case-sensitive match; the SIEM tests ignore case (a superset).
      return condition.cased ? { ...combined, exact: false } : combined;
    }
  }
}

/** A field the table never has: the engine sees it missing (only `null` and `exists: false` match that). */
function absentField(condition: FieldCondition): Approximation {
  if (condition.kind === 'exists') return exact(condition.values[0] === false ? TRUE : FALSE);
  if (condition.kind !== 'equals') return exact(FALSE);
  const matches = condition.values.map((value) => value === null);
  return exact((condition.all ? matches.every(Boolean) : matches.some(Boolean)) ? TRUE : FALSE);
}

function compileEquality(table: SiemTable, condition: FieldCondition, resolution: FieldResolution, value: DetectionValue, notes: Set<string>): Approximation {
  if (value === null) {
    if (resolution.kind !== 'columns') return widened();
    // Missing: no column has a value.
    return and(resolution.columns.map((column) => not(table.dialect.present(column))));
  }
  const kind = condition.kind as 'equals' | 'contains' | 'startswith' | 'endswith';
  return compileValue(table, condition.field, resolution, kind, String(value), notes, false);
}

/**
 * One value test. `literal` values come from data (candidate groups) and have no wildcards;
 * rule values are Sigma strings (`*`, `?`, `\` escapes).
 */
function compileValue(
  table: SiemTable,
  field: string,
  resolution: FieldResolution | undefined,
  kind: 'equals' | 'contains' | 'startswith' | 'endswith',
  value: string,
  notes: Set<string>,
  literal: boolean,
): Approximation {
  if (resolution === undefined) return widened();
  if (resolution.kind === 'absent') return exact(FALSE);
  const { dialect } = table;
  const segments = literal ? literalGlob(value) : parseGlob(value);
  if (!globTexts(segments).every((text) => dialect.canQuote(text))) {
    notes.add(`a value of ${field} cannot be written safely in ${dialect.name.toUpperCase()} (control characters${dialect.name === 'spl' ? ' or backticks' : ''}): not filtered there`);
    return widened();
  }
  if (resolution.kind === 'computed') {
    const text = globLiteral(segments);
    if (kind !== 'equals' || text === undefined) {
      notes.add(`${field} is filtered in ${table.name} only by plain equality`);
      return widened();
    }
    return resolution.equals(text, dialect);
  }
  const glob = withModifier(kind, segments);
  if (resolution.numeric === true) return numericEquality(resolution, glob);
  return anyColumn(resolution.columns, (column) => columnMatch(dialect, resolution, column, glob));
}

function withModifier(kind: 'equals' | 'contains' | 'startswith' | 'endswith', segments: GlobSegment[]): GlobSegment[] {
  const any: GlobSegment = { kind: 'any' };
  const trimmedStart = segments[0]?.kind === 'any' ? segments.slice(1) : segments;
  const trimmedEnd = (list: GlobSegment[]) => (list.at(-1)?.kind === 'any' ? list.slice(0, -1) : list);
  switch (kind) {
    case 'contains':
      return [any, ...trimmedEnd(trimmedStart), any];
    case 'startswith':
      return [...trimmedEnd(segments), any];
    case 'endswith':
      return [any, ...trimmedStart];
    default:
      return segments;
  }
}

/** A numeric column equals a number; text that is not a number can never equal one. */
function numericEquality(mapping: ColumnMapping, segments: GlobSegment[]): Approximation {
  const text = globLiteral(segments);
  if (text === undefined) return widened();
  if (!/^-?\d+(\.\d+)?$/.test(text.trim())) return exact(FALSE);
  return anyColumn(mapping.columns, (column) => exact({ kind: 'number', column, test: 'eq', value: Number(text) }));
}

/** A flat-value pattern tested on one native column, through the normaliser's transform. */
function columnMatch(dialect: Dialect, mapping: ColumnMapping, column: string, segments: GlobSegment[]): Approximation {
  if (mapping.transform === 'identity') return dialect.glob(column, segments);
  const text = globLiteral(segments);
  if (text !== undefined) {
    if (mapping.transform === 'short-host') {
      // The flat host is the lower-case first label of the stored name.
      const match = or([dialect.text(column, 'equals', text), dialect.text(column, 'startswith', `${text}.`)]);
      return text.includes('.') ? { ...match, exact: false } : match;
    }
    // user-key: the flat user is the stored account without `DOMAIN\` and without `@suffix`.
    return { ...or([dialect.text(column, 'equals', text), dialect.text(column, 'endswith', `\\${text}`), dialect.text(column, 'startswith', `${text}@`), dialect.text(column, 'contains', `\\${text}@`)]), exact: false };
  }
  // A pattern on a transformed value: every literal piece appears in the stored value (wider).
  return { ...and(globTexts(segments).map((piece) => dialect.text(column, 'contains', piece))), exact: false };
}
