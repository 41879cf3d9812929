import type { ConditionNode } from './condition-ast.js';
import { ConditionSyntaxError } from './condition-syntax-error.js';
import { readFieldCondition } from './field-modifiers.js';
import { CONDITION_KEYWORDS, parseCondition } from './parse-condition.js';
import { describe } from './report-schema-issues.js';
import type { KeyPath, RuleDocument } from './rule-document.js';
import type { FieldCondition, SearchIdentifier } from './rule-types.js';

export interface ReadDetection {
  identifiers: Map<string, SearchIdentifier>;
  condition: ConditionNode;
}

/**
 * Reads a `detection` section: its search identifiers (maps, lists of maps, keyword lists) and
 * its condition. Reports every problem; returns undefined if there was any.
 */
export function readDetection(source: RuleDocument, detection: Record<string, unknown>): ReadDetection | undefined {
  let valid = true;
  const identifiers = new Map<string, SearchIdentifier>();
  /** Every well-named identifier, readable or not: the condition is checked against these. */
  const names: string[] = [];
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition') continue;
    const path = ['detection', name];
    if (name === 'timeframe') {
      source.report(path, '"timeframe" is obsolete: write a Sigma correlation rule with a timespan instead', { keyOnly: true });
      valid = false;
      continue;
    }
    if ((CONDITION_KEYWORDS as readonly string[]).includes(name.toLowerCase()) || /[\s()|*]/.test(name) || /^\d+$/.test(name)) {
      source.report(path, `"${name}" cannot name a search identifier (reserved word, digits only, or a space, parenthesis, | or *)`, { keyOnly: true });
      valid = false;
      continue;
    }
    names.push(name);
    const identifier = readIdentifier(source, path, value);
    if (identifier === undefined) valid = false;
    else identifiers.set(name, identifier);
  }
  if (names.length === 0 && valid) {
    source.report(['detection'], 'detection needs at least one search identifier besides "condition"');
    return undefined;
  }
  const condition = readCondition(source, detection.condition, names);
  if (!valid || condition === undefined) return undefined;
  return { identifiers, condition };
}

function readIdentifier(source: RuleDocument, path: KeyPath, value: unknown): SearchIdentifier | undefined {
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'keywords', values: [String(value)] };
  if (isMapping(value)) {
    const conditions = readMap(source, path, value);
    return conditions === undefined ? undefined : { kind: 'fields', alternatives: [conditions] };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      source.report(path, 'expected a mapping, a list of mappings or a keyword list, got an empty list');
      return undefined;
    }
    if (value.every(isMapping)) {
      const alternatives: FieldCondition[][] = [];
      let valid = true;
      for (const [index, item] of value.entries()) {
        const conditions = readMap(source, [...path, index], item);
        if (conditions === undefined) valid = false;
        else alternatives.push(conditions);
      }
      return valid ? { kind: 'fields', alternatives } : undefined;
    }
    const keywords: string[] = [];
    for (const [index, item] of value.entries()) {
      if (typeof item !== 'string' && typeof item !== 'number') {
        source.report([...path, index], `a list mixes keywords and mappings, or holds ${describe(item)}: use either keywords (strings) or field mappings`);
        return undefined;
      }
      keywords.push(String(item));
    }
    return { kind: 'keywords', values: keywords };
  }
  source.report(path, `expected a mapping, a list of mappings or a keyword list, got ${describe(value)}`);
  return undefined;
}

function readMap(source: RuleDocument, path: KeyPath, map: Record<string, unknown>): FieldCondition[] | undefined {
  const entries = Object.entries(map);
  if (entries.length === 0) {
    source.report(path, 'expected at least one field, got an empty mapping');
    return undefined;
  }
  const conditions: FieldCondition[] = [];
  let valid = true;
  for (const [key, value] of entries) {
    const result = readFieldCondition(key, value);
    if ('problem' in result) {
      const at = result.at === 'key' ? [...path, key] : result.valueIndex === undefined ? [...path, key] : [...path, key, result.valueIndex];
      source.report(at, result.problem, { keyOnly: result.at === 'key' });
      valid = false;
    } else {
      conditions.push(result.condition);
    }
  }
  return valid ? conditions : undefined;
}

function readCondition(source: RuleDocument, raw: unknown, identifiers: string[]): ConditionNode | undefined {
  if (raw === undefined) {
    source.report(['detection'], 'detection needs a "condition", e.g. condition: selection');
    return undefined;
  }
  const texts: Array<{ text: string; path: KeyPath }> = [];
  if (typeof raw === 'string') texts.push({ text: raw, path: ['detection', 'condition'] });
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((item) => typeof item === 'string')) {
    raw.forEach((text: string, index) => texts.push({ text, path: ['detection', 'condition', index] }));
  } else {
    source.report(['detection', 'condition'], `expected a condition string or a list of them, got ${describe(raw)}`);
    return undefined;
  }
  const operands: ConditionNode[] = [];
  for (const { text, path } of texts) {
    try {
      operands.push(parseCondition(text, identifiers));
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      source.report(path, error.message, { position: source.positionInString(path, error.offset) });
    }
  }
  if (operands.length !== texts.length) return undefined;
  return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
