import type { ConditionNode } from './condition-ast.js';

/** Sigma `level`. */
export type RuleLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export const RULE_LEVELS: readonly RuleLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** Where a rule document starts (its first key), for messages about the rule as a whole. */
export interface RuleLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** What every rule document carries, detection or correlation. */
export interface RuleIdentity {
  title: string;
  /** Sigma `id` (usually a UUID); other rules may reference it. */
  id?: string;
  /** Sigma `name`: unique in the collection; other rules may reference it. */
  name?: string;
  level?: RuleLevel;
  description?: string;
  tags: string[];
  location: RuleLocation;
}

/** The three auto-evaluated `logsource` keys, lower-cased. */
export interface RuleLogsource {
  category?: string;
  product?: string;
  service?: string;
}

/** A scalar written in a detection (`null` means "the field is missing or null"). */
export type DetectionValue = string | number | boolean | null;

/**
 * How one field condition compares: the Sigma modifier that picks the comparison, or `equals`
 * when the key has none.
 */
export type MatchKind = 'equals' | 'contains' | 'startswith' | 'endswith' | 're' | 'cidr' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';

/** One `field|modifier…: value(s)` entry of a selection map. */
export interface FieldCondition {
  field: string;
  kind: MatchKind;
  /** `|all`: every value must match (default: any value). */
  all: boolean;
  /** `|cased`: string comparisons are case-sensitive (default: case-insensitive). */
  cased: boolean;
  /** For `re`: the flags from the `i`, `m`, `s` sub-modifiers. */
  regexFlags: string;
  /** Never empty. Strings may hold `*`, `?` wildcards and `\` escapes (except for `re` and `cidr`). */
  values: DetectionValue[];
}

/** A search identifier that is a keyword list: case-insensitive substrings of any string field. */
export interface KeywordSelection {
  kind: 'keywords';
  values: string[];
}

/** A search identifier made of maps: OR over `alternatives`, AND inside each one. */
export interface FieldSelection {
  kind: 'fields';
  alternatives: FieldCondition[][];
}

export type SearchIdentifier = KeywordSelection | FieldSelection;

export interface DetectionRule extends RuleIdentity {
  kind: 'detection';
  logsource: RuleLogsource;
  /** Search identifiers by name, in file order. */
  identifiers: ReadonlyMap<string, SearchIdentifier>;
  /** The parsed `condition` (a list of conditions is one `or`). */
  condition: ConditionNode;
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';

export const CORRELATION_TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered'];

/** The comparison operators of a correlation `condition`; two or more form a range (AND). */
export interface CountCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
  neq?: number;
}

export interface CorrelationRule extends RuleIdentity {
  kind: 'correlation';
  type: CorrelationType;
  /** The `rules` entries as written (ids or names). */
  rules: string[];
  /** `rules`, resolved: indexes into `RuleCollection.rules`, same order. */
  references: number[];
  /** `group-by` as written: plain field names or alias names. */
  groupBy: string[];
  /** The `timespan` text, e.g. `90m`. */
  timespan: string;
  timespanMs: number;
  /**
   * The operators; for `temporal` without a condition this is `{ gte: rules.length }`, for
   * `temporal_ordered` always that.
   */
  condition: CountCondition;
  /** value_count: `condition.field` (one or more fields; several count distinct combinations). */
  valueFields: string[];
  /** `aliases`: alias → rule reference (id or name) → field of that rule's events. */
  aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Per referenced rule (same order as `references`), the field read for each `group-by` entry,
   * aliases applied. For a referenced correlation this names one of its own `group-by` entries.
   */
  groupFieldsByReference: string[][];
  /** value_count: per referenced rule, the fields read for `condition.field`, aliases applied. */
  valueFieldsByReference: string[][];
  /** `generate`: the referenced rules are also reported on their own. */
  generate: boolean;
}

export type SigmaRule = DetectionRule | CorrelationRule;

/** A validated set of rules whose references all resolve inside it. */
export interface RuleCollection {
  rules: SigmaRule[];
}
