import { closest } from '../../core/suggest.js';
import { countBounds, countCanHold } from './count-condition.js';
import type { RuleDocument } from './rule-document.js';
import type { CorrelationRuleDocument } from './rule-schema.js';
import { CORRELATION_TYPES, type CorrelationType, type CountCondition } from './rule-types.js';
import { parseTimespan } from './timespan.js';

/** Sigma 2.1 correlation types this engine refuses. */
const UNSUPPORTED_TYPES = ['value_sum', 'value_avg', 'value_percentile'];

export interface ReadCorrelation {
  type: CorrelationType;
  rules: string[];
  groupBy: string[];
  timespan: string;
  timespanMs: number;
  condition: CountCondition;
  valueFields: string[];
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
}

/**
 * Checks a schema-valid `correlation` section: the type, the timespan, the rules list and the
 * condition that suits the type. Reports every problem; returns undefined if there was any.
 */
export function readCorrelation(source: RuleDocument, document: CorrelationRuleDocument): ReadCorrelation | undefined {
  const section = document.correlation;
  let valid = true;
  const fail = (path: Array<string | number>, message: string, options: { keyOnly?: boolean } = {}) => {
    source.report(path, message, options);
    valid = false;
  };

  const type = section.type as CorrelationType;
  if (!(CORRELATION_TYPES as readonly string[]).includes(section.type)) {
    if (UNSUPPORTED_TYPES.includes(section.type)) fail(['correlation', 'type'], `correlation type "${section.type}" is not supported by this engine (supported: ${CORRELATION_TYPES.join(', ')})`);
    else {
      const suggestion = closest(section.type, CORRELATION_TYPES);
      fail(['correlation', 'type'], `unknown correlation type "${section.type}"${suggestion === undefined ? ` (expected one of ${CORRELATION_TYPES.join(', ')})` : ` (did you mean "${suggestion}"?)`}`);
    }
  }

  let timespanMs = 0;
  if (typeof section.timespan === 'number') fail(['correlation', 'timespan'], `timespan needs a unit: a number and s, m, h or d (e.g. ${section.timespan}s)`);
  else {
    timespanMs = parseTimespan(section.timespan) ?? 0;
    if (timespanMs === 0) fail(['correlation', 'timespan'], `"${section.timespan}" is not a timespan: a number above 0 and a lower-case unit s, m, h or d (e.g. 90m)`);
  }

  const seen = new Set<string>();
  section.rules.forEach((reference, index) => {
    if (seen.has(reference)) fail(['correlation', 'rules', index], `rule "${reference}" is listed twice`);
    seen.add(reference);
  });
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (temporal && section.rules.length < 2) fail(['correlation', 'rules'], `a ${type} correlation needs at least two rules`);

  const groupBy = section['group-by'] ?? [];
  const seenFields = new Set<string>();
  groupBy.forEach((field, index) => {
    if (seenFields.has(field)) fail(['correlation', 'group-by', index], `group-by field "${field}" is listed twice`);
    seenFields.add(field);
  });

  const { field, ...operators } = section.condition ?? {};
  const condition: CountCondition = operators;
  const operatorCount = Object.values(operators).filter((value) => value !== undefined).length;
  const valueFields = field === undefined ? [] : Array.isArray(field) ? field : [field];
  if (type === 'value_count' && valueFields.length === 0) fail(['correlation', 'condition'], 'a value_count condition needs "field": the field whose distinct values are counted');
  if (type !== 'value_count' && field !== undefined) fail(['correlation', 'condition', 'field'], `"field" only belongs in a value_count condition`, { keyOnly: true });

  if (type === 'event_count' || type === 'value_count') {
    if (section.condition === undefined) fail(['correlation'], `an ${type} correlation needs a condition, e.g. condition: { gte: 10 }`);
    else if (operatorCount === 0) fail(['correlation', 'condition'], 'the condition needs an operator: gt, gte, lt, lte, eq or neq');
    else checkOperators(condition, fail);
  } else if (type === 'temporal') {
    if (operatorCount > 0) {
      const extra = (['lt', 'lte', 'eq', 'neq'] as const).find((key) => condition[key] !== undefined);
      if (extra !== undefined) fail(['correlation', 'condition', extra], 'a temporal condition counts distinct matched rules and only takes gt or gte', { keyOnly: true });
      else {
        checkOperators(condition, fail);
        const needed = countBounds(condition).lower;
        if (needed > section.rules.length) fail(['correlation', 'condition'], `the condition needs ${needed} distinct rules but the correlation lists ${section.rules.length}`);
      }
    }
  } else if (type === 'temporal_ordered' && operatorCount > 0) {
    const bounds = countBounds(condition);
    if (bounds.lower !== section.rules.length || bounds.upper !== undefined || bounds.excluded !== undefined) {
      fail(['correlation', 'condition'], `temporal_ordered needs every rule, in order: partial sequences are not supported (leave the condition out or use gte: ${section.rules.length})`);
    }
  }

  if (!valid) return undefined;
  const everyRule: CountCondition = { gte: section.rules.length };
  return {
    type,
    rules: section.rules,
    groupBy,
    timespan: section.timespan as string,
    timespanMs,
    condition: type === 'temporal_ordered' || (type === 'temporal' && operatorCount === 0) ? everyRule : condition,
    valueFields,
    aliases: section.aliases ?? {},
    generate: section.generate === true || document.generate === true,
  };
}

function checkOperators(condition: CountCondition, fail: (path: Array<string | number>, message: string) => void): void {
  if (condition.eq !== undefined && Object.values(condition).filter((value) => value !== undefined).length > 1) {
    fail(['correlation', 'condition', 'eq'], '"eq" cannot be combined with other operators');
    return;
  }
  if (condition.gt !== undefined && condition.gte !== undefined) fail(['correlation', 'condition'], 'use either "gt" or "gte", not both');
  if (condition.lt !== undefined && condition.lte !== undefined) fail(['correlation', 'condition'], 'use either "lt" or "lte", not both');
  if (!countCanHold(countBounds(condition))) fail(['correlation', 'condition'], 'the condition can never hold (a window always holds at least one event)');
}
