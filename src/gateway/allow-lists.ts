import type { z } from 'zod';
import type { ToolGuards } from '../connectors/catalog/index.js';
import { unwrapSchema as unwrap } from '../core/zod-definition.js';

/** Matches every value: an allow-list of `['*']` is an explicit "any value". */
export const ANY_VALUE = '*';

/** Where a guard finds a named allow-list: config `guards.allow_lists.<name>` (undefined when not configured). */
export type AllowListLookup = (name: string) => readonly string[] | undefined;

/**
 * Checks a call's arguments against the tool's allow-lists (`allow_if_arg_in`). Returns the reason
 * to deny, or undefined when every given value is allowed. Fails closed: a list name that config
 * does not define allows nothing, and a value that is not a string, number or boolean (an object,
 * a list where one value was expected) cannot be checked, so it is refused.
 */
export function checkAllowLists(allowLists: NonNullable<ToolGuards['allow_if_arg_in']>, args: Record<string, unknown>, lookup: AllowListLookup | undefined): string | undefined {
  for (const [path, entry] of Object.entries(allowLists)) {
    const values = valuesAt(args, parseArgumentPath(path));
    if (values.length === 0) continue;
    const allowed = typeof entry === 'string' ? lookup?.(entry) : entry.map(String);
    const listName = typeof entry === 'string' ? `the allow-list ${entry} (config guards.allow_lists.${entry})` : `its allow-list (${entry.join(', ')})`;
    for (const value of values) {
      if (value === undefined || value === null) continue;
      if (value === MISSHAPEN) return `${path} cannot be checked against ${listName}: the arguments do not have the shape the path describes`;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return `${path} cannot be checked against ${listName}: expected a single value, got ${Array.isArray(value) ? 'a list' : typeof value}`;
      }
      if (allowed === undefined) return `${path} "${String(value)}" is not allowed: ${listName} is not configured, so it allows nothing`;
      if (!allowed.includes(ANY_VALUE) && !allowed.includes(String(value))) return `${path} "${String(value)}" is not in ${listName}`;
    }
  }
  return undefined;
}

/** One step of an argument path: a key, then (for `key[]`) every item of the list under it. */
export interface ArgumentPathSegment {
  key: string;
  each: boolean;
}

/** `events[].index` → [{ key: 'events', each: true }, { key: 'index', each: false }]. */
export function parseArgumentPath(path: string): ArgumentPathSegment[] {
  return path.split('.').map((part) => (part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false }));
}

/** Stands for a value whose surroundings do not have the shape the path describes. */
const MISSHAPEN = Symbol('misshapen');

/**
 * The values at a path: [] when the argument is left out. A list met where the path expects one
 * value is returned whole (and then refused), never searched: the path must say `[]`.
 */
function valuesAt(args: Record<string, unknown>, segments: readonly ArgumentPathSegment[]): unknown[] {
  let current: unknown[] = [args];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === undefined || value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value)) {
        next.push(MISSHAPEN);
        continue;
      }
      const child = Object.hasOwn(value, segment.key) ? (value as Record<string, unknown>)[segment.key] : undefined;
      if (!segment.each) next.push(child);
      else if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(MISSHAPEN);
    }
    current = next;
  }
  return current;
}

/**
 * Why an allow-list path does not fit a tool's input schema (a typo would otherwise never match
 * and so never refuse anything), or undefined when it names a value of the input.
 */
export function argumentPathProblem(input: z.ZodObject, path: string): string | undefined {
  let schema: unknown = input;
  for (const segment of parseArgumentPath(path)) {
    const object = unwrap(schema);
    if (object?.type !== 'object') return `${path}: ${segment.key} is not inside a mapping of the tool's input`;
    const shape = object.shape ?? {};
    if (!Object.hasOwn(shape, segment.key)) return `${path}: the tool's input has no ${segment.key} (it has ${Object.keys(shape).join(', ')})`;
    schema = shape[segment.key];
    if (segment.each) {
      const list = unwrap(schema);
      if (list?.type !== 'array') return `${path}: ${segment.key} is not a list, so ${segment.key}[] names nothing`;
      schema = list.element;
    }
  }
  const leaf = unwrap(schema);
  if (leaf?.type === 'object' || leaf?.type === 'array' || leaf?.type === 'record') return `${path}: names a ${leaf.type}, not a single value${leaf.type === 'array' ? ' (add [] to check each item)' : ''}`;
  return undefined;
}
