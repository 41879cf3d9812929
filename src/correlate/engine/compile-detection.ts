import type { ConditionNode, DetectionRule, FieldCondition, RuleLogsource, SearchIdentifier } from '../rules/index.js';
import { compileFieldCondition, compileKeywords, type FieldsPredicate } from './field-matcher.js';
import { parseSigmaString } from './sigma-string.js';

/**
 * A field and lower-cased value an event must hold for a rule to possibly match: the index
 * tests a rule only on events that hold one of its witnesses.
 */
export interface Witness {
  field: string;
  value: string;
}

export interface CompiledDetection {
  /** Index of the rule in its collection. */
  ruleIndex: number;
  logsource: RuleLogsource;
  test: FieldsPredicate;
  /**
   * The rule can only match an event that holds at least one of these; undefined when no such
   * set exists (keywords, `not`, modifiers other than plain equality).
   */
  witnesses?: Witness[];
}

/** Compiles a detection rule once: one closure per condition node, patterns pre-built. */
export function compileDetection(rule: DetectionRule, ruleIndex: number): CompiledDetection {
  const selections = new Map<string, FieldsPredicate>();
  for (const [name, identifier] of rule.identifiers) selections.set(name, compileSelection(identifier));
  const test = compileCondition(rule.condition, selections);
  const witnesses = conditionWitnesses(rule.condition, rule.identifiers);
  return { ruleIndex, logsource: rule.logsource, test, ...(witnesses === undefined ? {} : { witnesses }) };
}

function compileSelection(identifier: SearchIdentifier): FieldsPredicate {
  if (identifier.kind === 'keywords') return compileKeywords(identifier.values);
  return any(identifier.alternatives.map((conditions) => every(conditions.map(compileFieldCondition))));
}

function compileCondition(node: ConditionNode, selections: ReadonlyMap<string, FieldsPredicate>): FieldsPredicate {
  switch (node.kind) {
    case 'identifier':
      return selections.get(node.name)!;
    case 'and':
      return every(node.operands.map((operand) => compileCondition(operand, selections)));
    case 'or':
      return any(node.operands.map((operand) => compileCondition(operand, selections)));
    case 'not': {
      const operand = compileCondition(node.operand, selections);
      return (fields) => !operand(fields);
    }
    case 'of': {
      const operands = node.identifiers.map((name) => selections.get(name)!);
      return node.quantifier === 'one' ? any(operands) : every(operands);
    }
  }
}

function every(predicates: FieldsPredicate[]): FieldsPredicate {
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [first, second] = predicates as [FieldsPredicate, FieldsPredicate];
    return (fields) => first(fields) && second(fields);
  }
  if (predicates.length === 3) {
    const [first, second, third] = predicates as [FieldsPredicate, FieldsPredicate, FieldsPredicate];
    return (fields) => first(fields) && second(fields) && third(fields);
  }
  return (fields) => {
    for (const predicate of predicates) if (!predicate(fields)) return false;
    return true;
  };
}

function any(predicates: FieldsPredicate[]): FieldsPredicate {
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [first, second] = predicates as [FieldsPredicate, FieldsPredicate];
    return (fields) => first(fields) || second(fields);
  }
  return (fields) => {
    for (const predicate of predicates) if (predicate(fields)) return true;
    return false;
  };
}

/** The smallest witness set implied by a condition, or undefined. */
function conditionWitnesses(node: ConditionNode, identifiers: ReadonlyMap<string, SearchIdentifier>): Witness[] | undefined {
  switch (node.kind) {
    case 'identifier':
      return selectionWitnesses(identifiers.get(node.name)!);
    case 'not':
      return undefined;
    case 'and':
      return smallest(node.operands.map((operand) => conditionWitnesses(operand, identifiers)));
    case 'or':
      return union(node.operands.map((operand) => conditionWitnesses(operand, identifiers)));
    case 'of': {
      const sets = node.identifiers.map((name) => selectionWitnesses(identifiers.get(name)!));
      return node.quantifier === 'one' ? union(sets) : smallest(sets);
    }
  }
}

function selectionWitnesses(identifier: SearchIdentifier): Witness[] | undefined {
  if (identifier.kind === 'keywords') return undefined;
  return union(identifier.alternatives.map((conditions) => smallest(conditions.map(fieldWitnesses))));
}

/** Plain case-insensitive equality without wildcards or null: each value is a witness. */
function fieldWitnesses(condition: FieldCondition): Witness[] | undefined {
  if (condition.kind !== 'equals' || condition.cased) return undefined;
  const witnesses: Witness[] = [];
  for (const value of condition.values) {
    if (value === null) return undefined;
    const parsed = parseSigmaString(String(value));
    if (parsed.literal === undefined) return undefined;
    witnesses.push({ field: condition.field, value: parsed.literal.toLowerCase() });
    // With `all`, every value must be present, so the first one alone is a witness.
    if (condition.all) break;
  }
  return witnesses;
}

function smallest(sets: Array<Witness[] | undefined>): Witness[] | undefined {
  let best: Witness[] | undefined;
  for (const set of sets) if (set !== undefined && (best === undefined || set.length < best.length)) best = set;
  return best;
}

function union(sets: Array<Witness[] | undefined>): Witness[] | undefined {
  const result: Witness[] = [];
  for (const set of sets) {
    if (set === undefined) return undefined;
    result.push(...set);
  }
  return result;
}
