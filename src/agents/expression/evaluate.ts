import type { ComparisonOperator, Expression, PathSegment } from './expression-ast.js';
import { severityRank } from './severity.js';

/** What a condition can see: root names (step names, `params`, `steps`, `trigger`, …) to plain data. */
export type EvaluationScope = Readonly<Record<string, unknown>>;

/**
 * Keys never looked up, even as own properties, so that no path can reach an object's
 * prototype or constructor.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
/** Pseudo-properties of lists and strings: their length. */
const LENGTH_KEYS = new Set(['count', 'length']);

/**
 * Evaluates a parsed condition over plain data. Missing paths give undefined and every
 * comparison with undefined is false; nothing here throws on data, calls a function or reads
 * inherited properties.
 */
export function evaluate(expression: Expression, scope: EvaluationScope): unknown {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'list':
      return expression.items.map((item) => evaluate(item, scope));
    case 'path': {
      const value = resolvePath(scope, expression.segments);
      const root = expression.segments[0]!.key;
      // A bare severity word that names nothing in scope is the severity itself: `severity >= high`.
      if (value === undefined && expression.segments.length === 1 && typeof root === 'string' && severityRank(root) !== undefined) return root;
      return value;
    }
    case 'not':
      return !isTruthy(evaluate(expression.operand, scope));
    case 'binary':
      if (expression.operator === 'and') return isTruthy(evaluate(expression.left, scope)) && isTruthy(evaluate(expression.right, scope));
      if (expression.operator === 'or') return isTruthy(evaluate(expression.left, scope)) || isTruthy(evaluate(expression.right, scope));
      return compare(expression.operator, evaluate(expression.left, scope), evaluate(expression.right, scope));
  }
}

/**
 * Falsy: undefined, null, false, 0, NaN, '', an empty list and an empty mapping. Everything else
 * is truthy (the string 'false' included).
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}

/**
 * Follows a path through plain data: own properties only, list indexes, and `.count` / `.length`
 * of a list or string. Anything missing, forbidden or a function gives undefined.
 */
export function resolvePath(scope: EvaluationScope, segments: readonly Pick<PathSegment, 'key'>[]): unknown {
  let current: unknown = scope;
  for (const { key } of segments) {
    current = child(current, key);
    if (current === undefined) return undefined;
  }
  return typeof current === 'function' ? undefined : current;
}

function child(value: unknown, key: string | number): unknown {
  if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) return undefined;
  if (Array.isArray(value)) {
    if (typeof key === 'number') return key < value.length ? value[key] : undefined;
    if (LENGTH_KEYS.has(key)) return value.length;
    return /^(0|[1-9][0-9]*)$/.test(key) ? child(value, Number(key)) : undefined;
  }
  if (typeof value === 'string') return typeof key === 'string' && LENGTH_KEYS.has(key) ? value.length : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const name = String(key);
  if (value instanceof Map) return value.has(name) ? (value.get(name) as unknown) : undefined;
  if (!Object.hasOwn(value, name)) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === 'function' ? undefined : found;
}

function compare(operator: ComparisonOperator, left: unknown, right: unknown): boolean {
  if (left === undefined || right === undefined) return false;
  switch (operator) {
    case '==':
      return equals(left, right);
    case '!=':
      return !equals(left, right);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const order = ordering(left, right);
      if (order === undefined) return false;
      if (operator === '>') return order > 0;
      if (operator === '>=') return order >= 0;
      if (operator === '<') return order < 0;
      return order <= 0;
    }
    case 'in':
      return contains(right, left) ?? false;
    case 'not in': {
      const found = contains(right, left);
      return found === undefined ? false : !found;
    }
    case 'contains':
      return contains(left, right) ?? false;
  }
}

/**
 * Equality: severity words by rank (case-insensitive), a number and a numeric string as numbers,
 * a boolean and 'true'/'false' as booleans (run parameters arrive as strings), lists and mappings
 * by value.
 */
export function equals(left: unknown, right: unknown): boolean {
  const leftRank = severityRank(left);
  const rightRank = severityRank(right);
  if (leftRank !== undefined && rightRank !== undefined) return leftRank === rightRank;
  if (typeof left === 'number' || typeof right === 'number') {
    const a = asNumber(left);
    const b = asNumber(right);
    return a !== undefined && b !== undefined && a === b;
  }
  if (typeof left === 'boolean' || typeof right === 'boolean') {
    return asBoolean(left) !== undefined && asBoolean(left) === asBoolean(right);
  }
  if (Array.isArray(left) && Array.isArray(right)) return left.length === right.length && left.every((item, index) => equals(item, right[index]));
  if (isPlainMapping(left) && isPlainMapping(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && equals(left[key], right[key]));
  }
  return left === right;
}

/** Negative, zero or positive; undefined when the two values have no order. */
function ordering(left: unknown, right: unknown): number | undefined {
  const leftRank = severityRank(left);
  const rightRank = severityRank(right);
  if (leftRank !== undefined && rightRank !== undefined) return leftRank - rightRank;
  if (typeof left === 'number' || typeof right === 'number') {
    const a = asNumber(left);
    const b = asNumber(right);
    return a === undefined || b === undefined ? undefined : a - b;
  }
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return undefined;
}

/** Whether `container` holds `item`: a list element, a substring, or a mapping key. Undefined when it cannot hold anything. */
function contains(container: unknown, item: unknown): boolean | undefined {
  if (Array.isArray(container)) return container.some((element) => equals(element, item));
  if (typeof container === 'string') return typeof item === 'string' || typeof item === 'number' ? container.includes(String(item)) : false;
  if (isPlainMapping(container)) return typeof item === 'string' && !FORBIDDEN_KEYS.has(item) && Object.hasOwn(container, item);
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
