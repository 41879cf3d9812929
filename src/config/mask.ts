import type { z } from 'zod';
import type { LoadedConfig } from './load.js';
import { configSchema } from './schema.js';
import { childSchema, objectKeys, unwrap } from './schema-walk.js';
import { MASK } from './secret.js';

/**
 * The effective config for display: every secret field masked (by schema), every key whose
 * `${VAR}` is unset shown as `<unset VAR>`.
 */
export function maskedConfig(loaded: LoadedConfig): Record<string, unknown> {
  const out = mask(loaded.effective, configSchema) as Record<string, unknown>;
  for (const entry of loaded.unresolved) setAt(out, entry.path, `<unset ${entry.variables.join(', ')}>`);
  return inSchemaOrder(out, configSchema) as Record<string, unknown>;
}

/** Keys in the schema's order (an `<unset VAR>` key would otherwise come last in its section). */
function inSchemaOrder(value: unknown, schema: z.ZodType | undefined): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || schema === undefined) return value;
  const record = value as Record<string, unknown>;
  const order = objectKeys(schema);
  const keys = Object.keys(record).sort((a, b) => rank(order, a) - rank(order, b));
  return Object.fromEntries(keys.map((key) => [key, inSchemaOrder(record[key], childSchema(schema, key))]));
}

function rank(order: readonly string[], key: string): number {
  const index = order.indexOf(key);
  return index === -1 ? order.length : index;
}

/** Every secret value present in the config: scrubbed from logs, audit records and messages. */
export function secretValues(loaded: LoadedConfig): string[] {
  const found = new Set<string>();
  collect(loaded.effective, configSchema, found);
  return [...found];
}

function mask(value: unknown, schema: z.ZodType | undefined): unknown {
  if (schema !== undefined && unwrap(schema).secret) {
    return value === undefined || value === null || value === '' ? value : MASK;
  }
  if (Array.isArray(value)) return value.map((item, index) => mask(item, schema && childSchema(schema, String(index))));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = mask(child, schema && childSchema(schema, key));
    return out;
  }
  return value;
}

function collect(value: unknown, schema: z.ZodType | undefined, found: Set<string>): void {
  if (schema !== undefined && unwrap(schema).secret) {
    gatherStrings(value, found);
    return;
  }
  if (Array.isArray(value)) value.forEach((item, index) => collect(item, schema && childSchema(schema, String(index)), found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) collect(child, schema && childSchema(schema, key), found);
  }
}

function gatherStrings(value: unknown, found: Set<string>): void {
  if (typeof value === 'string' && value !== '') found.add(value);
  else if (Array.isArray(value)) value.forEach((item) => gatherStrings(item, found));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => gatherStrings(item, found));
}

function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let parent: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (next === null || typeof next !== 'object') {
      const created: Record<string, unknown> = {};
      parent[key] = created;
      parent = created;
    } else {
      parent = next as Record<string, unknown>;
    }
  }
  parent[path[path.length - 1]!] = value;
}
