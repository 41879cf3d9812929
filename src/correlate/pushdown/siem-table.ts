import { shortHostname } from '../../connectors/model/index.js';
import { userKey } from '../../investigate/timeline/index.js';
import type { Dialect } from './dialect.js';
import type { Approximation } from './query-expression.js';

/** How a flat field's value derives from the native column (what the normaliser does). */
export type ColumnTransform = 'identity' | 'short-host' | 'user-key';

/** A flat field the normaliser reads from native columns. */
export interface ColumnMapping {
  kind: 'columns';
  /** The columns it is read from, in the normaliser's order of preference. */
  columns: readonly string[];
  transform: ColumnTransform;
  /** The column holds numbers (ports, event ids): compared as numbers. */
  numeric?: boolean;
  /**
   * The column to group by in aggregates. Aggregates group by stored values; DefenseClaw
   * normalises (lower-case users, short host names), so an account stored with two spellings
   * in one window forms two SIEM groups (see pushdown/README.md).
   */
  group?: string;
}

/**
 * A flat field that is not a column but follows from the row (`class` from the sourcetype and
 * event code, `outcome` from `action` or `EventID`): equality with one value, as a filter.
 */
export interface ComputedField {
  kind: 'computed';
  equals(value: string, dialect: Dialect): Approximation;
}

/** Rows of this table never carry the field (the engine sees it missing). */
export interface AbsentField {
  kind: 'absent';
}

export type FieldResolution = ColumnMapping | ComputedField | AbsentField;

/** One place rows live in a SIEM, with the mapping of our flat fields onto its columns. */
export interface SiemTable {
  siem: 'splunk' | 'sentinel';
  /** `splunk` (every index, one search) or the Log Analytics table name. */
  name: string;
  dialect: Dialect;
  tool: 'splunk.search' | 'sentinel.query';
  timeColumn: string;
  /** Every row of the table, for the bulk pull (no push-down). */
  bulkQuery: string;
  /** The mapping of a flat field, or undefined when it is not mapped (the filter widens). */
  resolve(field: string): FieldResolution | undefined;
  /** The query of rows matching `filter` (already rendered in this dialect). */
  select(filter: string): string;
  /**
   * Counts per tumbling bin of `timespan` and group: `count` of rows (event_count) or distinct
   * values of `valueColumn` (value_count), keeping bins whose count is at least `threshold`.
   * The count column is `window_count`; the bin start is in the time column.
   */
  aggregate(filter: string, options: { timespan: string; groupColumns: readonly string[]; valueColumn?: string; threshold: number }): string;
}

export function columns(list: readonly string[], transform: ColumnTransform = 'identity', options: { numeric?: boolean; group?: string } = {}): ColumnMapping {
  return { kind: 'columns', columns: list, transform, ...options };
}

export function computed(equals: ComputedField['equals']): ComputedField {
  return { kind: 'computed', equals };
}

export const ABSENT: AbsentField = { kind: 'absent' };

/** A native group value as the flat value the engine groups by. */
export function toFlatValue(mapping: ColumnMapping, native: string): string | number {
  if (mapping.numeric === true && /^-?\d+(\.\d+)?$/.test(native)) return Number(native);
  switch (mapping.transform) {
    case 'short-host':
      return shortHostname(native);
    case 'user-key':
      return userKey(native);
    default:
      return native;
  }
}
