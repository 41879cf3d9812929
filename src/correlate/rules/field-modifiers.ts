import { BlockList, isIP } from 'node:net';
import { closest } from '../../core/suggest.js';
import type { DetectionValue, FieldCondition, MatchKind } from './rule-types.js';

/** Modifiers this engine evaluates. */
export const SUPPORTED_MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'i', 'm', 's', 'cidr', 'all', 'gt', 'gte', 'lt', 'lte', 'exists', 'cased'] as const;

/** Sigma modifiers that exist in the spec but that this engine refuses (they would silently mismatch). */
export const UNSUPPORTED_MODIFIERS = [
  'base64',
  'base64offset',
  'utf16',
  'utf16le',
  'utf16be',
  'wide',
  'windash',
  'expand',
  'fieldref',
  'neq',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
] as const;

/** The modifiers that choose the comparison; at most one per field. */
const KIND_MODIFIERS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists']);
const REGEX_FLAGS: ReadonlySet<string> = new Set(['i', 'm', 's']);
const NUMERIC_KINDS: ReadonlySet<MatchKind> = new Set(['gt', 'gte', 'lt', 'lte']);

/** A field condition, or the reason the key or its values are wrong. */
export type FieldConditionResult = { condition: FieldCondition } | { problem: string; at: 'key' | 'value'; valueIndex?: number };

/**
 * Reads one `field|modifier…` key and its value(s) into a FieldCondition, checking the modifiers
 * exist, go together and suit the values (numbers for gt…, booleans for exists, valid CIDRs and
 * regular expressions).
 */
export function readFieldCondition(key: string, rawValue: unknown): FieldConditionResult {
  const [field = '', ...modifiers] = key.split('|');
  if (field === '') return { problem: "a field name is required before '|' (keyword lists take no modifiers)", at: 'key' };
  let kind: MatchKind = 'equals';
  let all = false;
  let cased = false;
  let regexFlags = '';
  const seen = new Set<string>();
  for (const modifier of modifiers) {
    if (seen.has(modifier)) return { problem: `modifier "${modifier}" is given twice`, at: 'key' };
    seen.add(modifier);
    if ((UNSUPPORTED_MODIFIERS as readonly string[]).includes(modifier)) return { problem: `modifier "${modifier}" is not supported by this engine`, at: 'key' };
    if (!(SUPPORTED_MODIFIERS as readonly string[]).includes(modifier)) {
      const suggestion = closest(modifier, [...SUPPORTED_MODIFIERS].filter((name) => name.length > 1));
      return { problem: `unknown modifier "${modifier}"${suggestion === undefined ? ` (known: ${SUPPORTED_MODIFIERS.filter((name) => name.length > 1).join(', ')})` : ` (did you mean "${suggestion}"?)`}`, at: 'key' };
    }
    if (KIND_MODIFIERS.has(modifier)) {
      if (kind !== 'equals') return { problem: `modifiers "${kind}" and "${modifier}" cannot be combined`, at: 'key' };
      kind = modifier as MatchKind;
    } else if (REGEX_FLAGS.has(modifier)) {
      if (kind !== 're') return { problem: `modifier "${modifier}" only applies after "re"`, at: 'key' };
      regexFlags += modifier;
    } else if (modifier === 'all') {
      all = true;
    } else if (modifier === 'cased') {
      cased = true;
    }
  }
  if (cased && (kind === 're' || kind === 'cidr' || kind === 'exists' || NUMERIC_KINDS.has(kind))) {
    return { problem: `modifier "cased" does not apply to "${kind}"`, at: 'key' };
  }
  if (all && kind === 'exists') return { problem: 'modifiers "all" and "exists" cannot be combined', at: 'key' };

  const isList = Array.isArray(rawValue);
  const values: unknown[] = isList ? rawValue : [rawValue];
  if (values.length === 0) return { problem: 'expected at least one value, got an empty list', at: 'value' };
  if (kind === 'exists') {
    if (isList || typeof rawValue !== 'boolean') return { problem: 'modifier "exists" expects true or false', at: 'value' };
    return { condition: { field, kind, all, cased, regexFlags, values: [rawValue] } };
  }
  const checked: DetectionValue[] = [];
  for (const [index, value] of values.entries()) {
    const problem = checkValue(kind, regexFlags, value);
    if (problem !== undefined) return { problem, at: 'value', ...(isList ? { valueIndex: index } : {}) };
    checked.push(value as DetectionValue);
  }
  return { condition: { field, kind, all, cased, regexFlags, values: checked } };
}

function checkValue(kind: MatchKind, regexFlags: string, value: unknown): string | undefined {
  if (value !== null && typeof value === 'object') return `expected a string, number, boolean or null, got ${Array.isArray(value) ? 'a nested list' : 'a mapping'}`;
  if (NUMERIC_KINDS.has(kind)) {
    return typeof value === 'number' && Number.isFinite(value) ? undefined : `modifier "${kind}" expects a number, got ${describeValue(value)}`;
  }
  if (value === null) return kind === 'equals' ? undefined : `modifier "${kind}" cannot match null`;
  switch (kind) {
    case 're':
      if (typeof value !== 'string') return `modifier "re" expects a regular expression string, got ${describeValue(value)}`;
      try {
        new RegExp(value, regexFlags);
      } catch (error) {
        return `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
      }
      return undefined;
    case 'cidr':
      return typeof value === 'string' ? checkCidr(value) : `modifier "cidr" expects a network like 10.0.0.0/8, got ${describeValue(value)}`;
    default:
      return undefined;
  }
}

/** Splits `10.0.0.0/8` or `fe80::/10` into a BlockList subnet; undefined when it is not a CIDR. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const version = isIP(address);
  if (version === 4 && prefix <= 32) return { address, prefix, family: 'ipv4' };
  if (version === 6 && prefix <= 128) return { address, prefix, family: 'ipv6' };
  return undefined;
}

function checkCidr(text: string): string | undefined {
  const cidr = parseCidr(text);
  if (cidr === undefined) return `"${text}" is not a network in CIDR notation (e.g. 10.0.0.0/8 or fd00::/8)`;
  try {
    new BlockList().addSubnet(cidr.address, cidr.prefix, cidr.family);
  } catch (error) {
    return `"${text}" is not a usable network: ${(error as Error).message}`;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value} ${String(value)}`;
}
