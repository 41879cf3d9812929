import type { z } from 'zod';
import { secretRegistry } from './secret.js';

/** Loose view of zod 4 internals used to walk a schema tree. */
interface Definition {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
}

function definitionOf(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/** Strips optional/default/nullable/pipe wrappers, reporting whether any wrapper was secret. */
export function unwrap(schema: z.ZodType): { schema: z.ZodType; secret: boolean } {
  let current = schema;
  let isSecret = secretRegistry.has(current);
  for (;;) {
    const definition = definitionOf(current);
    let next: z.ZodType | undefined;
    if (['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional'].includes(definition.type)) {
      next = definition.innerType;
    } else if (definition.type === 'pipe') {
      // z.preprocess(fn, inner) is a pipe from a transform into the real schema.
      next = definitionOf(definition.in!).type === 'transform' ? definition.out : definition.in;
    }
    if (next === undefined) return { schema: current, secret: isSecret };
    current = next;
    isSecret ||= secretRegistry.has(current);
  }
}

export type LeafKind = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'record' | 'other';

export function kindOf(schema: z.ZodType): LeafKind {
  const type = definitionOf(unwrap(schema).schema).type;
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
    case 'array':
    case 'object':
    case 'record':
      return type;
    case 'int':
      return 'number';
    default:
      return 'other';
  }
}

/** The allowed values of an enum schema, for messages. */
export function enumValues(schema: z.ZodType): string[] {
  const definition = definitionOf(unwrap(schema).schema);
  return definition.entries === undefined ? [] : Object.values(definition.entries).map(String);
}

/** Child schema at one key (object member, record value, array element). */
export function childSchema(schema: z.ZodType, key: string): z.ZodType | undefined {
  const definition = definitionOf(unwrap(schema).schema);
  if (definition.type === 'object') return definition.shape![key];
  if (definition.type === 'record') return definition.valueType;
  if (definition.type === 'array' && /^\d+$/.test(key)) return definition.element;
  return undefined;
}

/** Keys an object schema accepts (for "did you mean"). */
export function objectKeys(schema: z.ZodType): string[] {
  const definition = definitionOf(unwrap(schema).schema);
  return definition.type === 'object' ? Object.keys(definition.shape!) : [];
}

/** Schema at a key path, or undefined when the path does not exist in the schema. */
export function schemaAt(root: z.ZodType, path: readonly string[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const key of path) {
    if (current === undefined) return undefined;
    current = childSchema(current, key);
  }
  return current;
}

/** True when the node at this path, or any wrapper or ancestor leading to it, is secret. */
export function isSecretPath(root: z.ZodType, path: readonly string[]): boolean {
  let current: z.ZodType | undefined = root;
  if (unwrap(root).secret) return true;
  for (const key of path) {
    current = current === undefined ? undefined : childSchema(current, key);
    if (current === undefined) return false;
    if (unwrap(current).secret) return true;
  }
  return false;
}

/**
 * Every secret path in a schema, with `*` for record keys and array items
 * (e.g. `integrations.splunk.token`, `slack.webhooks.*`).
 */
export function secretPaths(root: z.ZodType): string[][] {
  const out: string[][] = [];
  const visit = (schema: z.ZodType, path: string[]): void => {
    const { schema: inner, secret } = unwrap(schema);
    if (secret) {
      out.push(path);
      return;
    }
    const definition = definitionOf(inner);
    if (definition.type === 'object') {
      for (const [key, child] of Object.entries(definition.shape!)) visit(child, [...path, key]);
    } else if (definition.type === 'record') {
      visit(definition.valueType!, [...path, '*']);
    } else if (definition.type === 'array') {
      visit(definition.element!, [...path, '*']);
    }
  };
  visit(root, []);
  return out;
}

/** Every leaf path (non-object nodes) of a schema, for listing and suggestions. */
export function leafPaths(root: z.ZodType): string[][] {
  const out: string[][] = [];
  const visit = (schema: z.ZodType, path: string[]): void => {
    const definition = definitionOf(unwrap(schema).schema);
    if (definition.type === 'object') {
      for (const [key, child] of Object.entries(definition.shape!)) visit(child, [...path, key]);
    } else {
      out.push(path);
    }
  };
  visit(root, []);
  return out;
}
