import type { z } from 'zod';
import { closest } from '../../core/suggest.js';
import type { RuleDocument } from './rule-document.js';
import { CONDITION_KEYS, CORRELATION_KEYS, LOGSOURCE_KEYS } from './rule-schema.js';

type Issue = z.core.$ZodIssue;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** Checks a document against a schema, reporting each zod issue at its key; the data when valid. */
export function checkSchema<Schema extends z.ZodType>(source: RuleDocument, schema: Schema, raw: unknown): z.output<Schema> | undefined {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues) reportIssue(source, raw, issue);
  return undefined;
}

function reportIssue(source: RuleDocument, raw: unknown, issue: Issue): void {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(path);
    for (const key of issue.keys) {
      const suggestion = closest(key, allowed);
      source.report([...path, key], `unknown key${suggestion === undefined ? ` (allowed: ${allowed.join(', ')})` : ` (did you mean "${suggestion}"?)`}`, { keyOnly: true });
    }
    return;
  }
  if (issue.code === 'invalid_union') {
    source.report(path, `unexpected value ${describe(valueAt(raw, path))}`);
    return;
  }
  const received = valueAt(raw, path);
  let message: string;
  switch (issue.code) {
    case 'invalid_type':
      message = received === undefined ? 'required key is missing' : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describe(received)}`;
      break;
    case 'invalid_value':
      message = `expected one of ${issue.values.map(String).join('|')}, got ${describe(received)}`;
      break;
    default:
      message = `${issue.message}, got ${describe(received)}`;
  }
  source.report(path, message);
}

function allowedKeys(path: ReadonlyArray<string | number>): string[] {
  if (path[0] === 'logsource') return LOGSOURCE_KEYS;
  if (path[0] === 'correlation' && path[1] === 'condition') return CONDITION_KEYS;
  if (path[0] === 'correlation') return CORRELATION_KEYS;
  return [];
}

/** Short description of a YAML value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

function valueAt(tree: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = tree;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
