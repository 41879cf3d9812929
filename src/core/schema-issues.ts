import type { z } from 'zod';
import { closest } from './suggest.js';
import { valueAt } from './value-at.js';

/** Where schema problems go: a document that knows the line and column of every key. */
export interface SchemaProblemSink {
  report(path: ReadonlyArray<string | number>, message: string, options?: { keyOnly?: boolean }): void;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/**
 * Checks a parsed YAML document against a zod schema and reports every issue at its key, in words
 * a person editing the file understands: "unknown key (did you mean …)", "required key is missing",
 * "expected a list, got …". Returns the parsed data when valid. Shared by agents, policies and rules.
 */
export function checkDocumentSchema<Schema extends z.ZodType>(
  sink: SchemaProblemSink,
  schema: Schema,
  raw: unknown,
  allowedKeys: (path: ReadonlyArray<string | number>) => readonly string[],
): z.output<Schema> | undefined {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues) reportIssue(sink, raw, issue, allowedKeys);
  return undefined;
}

function reportIssue(sink: SchemaProblemSink, raw: unknown, issue: z.core.$ZodIssue, allowedKeys: (path: ReadonlyArray<string | number>) => readonly string[]): void {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  const received = valueAt(raw, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(path);
      for (const key of issue.keys) {
        const suggestion = closest(key, [...allowed]);
        sink.report([...path, key], `unknown key${suggestion === undefined ? (allowed.length === 0 ? '' : ` (allowed: ${allowed.join(', ')})`) : ` (did you mean "${suggestion}"?)`}`, { keyOnly: true });
      }
      return;
    }
    case 'invalid_key':
      sink.report(path, `invalid name: ${issue.issues[0]?.message ?? issue.message}`, { keyOnly: true });
      return;
    case 'invalid_union':
      sink.report(path, `unexpected value ${describeValue(received)}`);
      return;
    case 'invalid_type':
      sink.report(path, received === undefined ? 'required key is missing' : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(received)}`);
      return;
    case 'invalid_value':
      sink.report(path, `expected one of ${issue.values.map(String).join('|')}, got ${describeValue(received)}`);
      return;
    case 'invalid_format':
    case 'too_small':
    case 'too_big':
      sink.report(path, `${issue.message}, got ${describeValue(received)}`);
      return;
    default:
      sink.report(path, issue.message);
  }
}

/** A YAML value in a message: strings quoted (cut at 60), lists and mappings by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

