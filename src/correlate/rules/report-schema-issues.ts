import type { z } from 'zod';
import { checkDocumentSchema, describeValue } from '../../core/schema-issues.js';
import type { RuleDocument } from './rule-document.js';
import { CONDITION_KEYS, CORRELATION_KEYS, LOGSOURCE_KEYS } from './rule-schema.js';

/** Checks a document against a schema, reporting each zod issue at its key; the data when valid. */
export function checkSchema<Schema extends z.ZodType>(source: RuleDocument, schema: Schema, raw: unknown): z.output<Schema> | undefined {
  return checkDocumentSchema(source, schema, raw, allowedKeys);
}

function allowedKeys(path: ReadonlyArray<string | number>): string[] {
  if (path[0] === 'logsource') return LOGSOURCE_KEYS;
  if (path[0] === 'correlation' && path[1] === 'condition') return CONDITION_KEYS;
  if (path[0] === 'correlation') return CORRELATION_KEYS;
  return [];
}

/** Short description of a YAML value for messages. */
export const describe = describeValue;
