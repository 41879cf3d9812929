import { BlockList, isIPv6 } from 'node:net';
import { parseCidr, type FieldCondition, type MatchKind } from '../rules/index.js';
import { endsWithFolded, equalsFolded, isAscii, startsWithFolded } from './case-fold.js';
import type { EventFields, FieldValue } from './event.js';
import { parseSigmaString } from './sigma-string.js';

/** Whether an event's fields satisfy a condition. */
export type FieldsPredicate = (fields: EventFields) => boolean;

type TextTest = (text: string) => boolean;
type NumberTest = (value: number) => boolean;

/**
 * Compiles one `field|modifiers: values` condition into a predicate over an event's fields:
 * patterns pre-lowered, regular expressions and networks built once. A list field matches when
 * any element does; with `all`, every value must match some element.
 */
export function compileFieldCondition(condition: FieldCondition): FieldsPredicate {
  const { field } = condition;
  if (condition.kind === 'exists') {
    const expected = condition.values[0] === true;
    return (fields) => {
      const value = fields[field];
      return (value !== undefined && value !== null) === expected;
    };
  }
  if (condition.kind === 'gt' || condition.kind === 'gte' || condition.kind === 'lt' || condition.kind === 'lte') {
    const tests = condition.values.map((value) => numberTest(condition.kind, value as number));
    return numericPredicate(field, condition.all ? tests : [combineAny(tests)]);
  }
  const matchesNull = condition.values.includes(null);
  const values = condition.values.filter((value): value is string | number | boolean => value !== null);
  if (condition.all) return allOf(field, values.map((value) => textTest(condition, [value])));
  if (values.length === 0) return anyOf(field, [], matchesNull);
  return anyOf(field, [textTest(condition, values)], matchesNull);
}

/** Keyword search: any string (or number) field holds one of the patterns, case-insensitive. */
export function compileKeywords(keywords: readonly string[]): FieldsPredicate {
  const test = textTest({ field: '', kind: 'contains', all: false, cased: false, regexFlags: '', values: [] }, keywords);
  return (fields) => {
    for (const key in fields) {
      const value = fields[key];
      if (typeof value === 'string') {
        if (test(value)) return true;
      } else if (typeof value === 'number') {
        if (test(String(value))) return true;
      } else if (Array.isArray(value)) {
        for (const element of value) if (test(element)) return true;
      }
    }
    return false;
  };
}

function anyOf(field: string, tests: TextTest[], matchesNull: boolean): FieldsPredicate {
  const test = combineAny(tests);
  return (fields) => {
    const value = fields[field];
    if (value === undefined || value === null) return matchesNull;
    if (typeof value === 'string') return test(value);
    if (Array.isArray(value)) {
      for (const element of value) if (test(element)) return true;
      return false;
    }
    return test(String(value));
  };
}

function allOf(field: string, tests: TextTest[]): FieldsPredicate {
  return (fields) => {
    const value = fields[field];
    if (value === undefined || value === null) return false;
    for (const test of tests) if (!holdsOn(value, test)) return false;
    return true;
  };
}

function holdsOn(value: Exclude<FieldValue, null>, test: TextTest): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) {
    for (const element of value) if (test(element)) return true;
    return false;
  }
  return test(String(value));
}

function combineAny<T>(tests: Array<(value: T) => boolean>): (value: T) => boolean {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [first, second] = tests as [(value: T) => boolean, (value: T) => boolean];
    return (value) => first(value) || second(value);
  }
  return (value) => {
    for (const test of tests) if (test(value)) return true;
    return false;
  };
}

/** One test over the text of a value that holds when any of `values` matches it. */
function textTest(condition: FieldCondition, values: ReadonlyArray<string | number | boolean>): TextTest {
  switch (condition.kind) {
    case 're': {
      const expressions = values.map((value) => new RegExp(String(value), condition.regexFlags));
      return combineAny(expressions.map((expression) => (text: string) => expression.test(text)));
    }
    case 'cidr':
      return cidrTest(values.map(String));
    default:
      return patternTest(condition.kind, condition.cased, values.map(String));
  }
}

/**
 * IPv4 addresses are checked against IPv4 networks as 32-bit integers (BlockList.check builds a
 * SocketAddress per call, too slow for every event); IPv6 addresses go through a BlockList.
 */
function cidrTest(networks: readonly string[]): TextTest {
  const blockList = new BlockList();
  const bases: number[] = [];
  const masks: number[] = [];
  for (const network of networks) {
    const cidr = parseCidr(network)!;
    blockList.addSubnet(cidr.address, cidr.prefix, cidr.family);
    if (cidr.family === 'ipv4') {
      const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
      masks.push(mask);
      bases.push((parseIPv4(cidr.address)! & mask) >>> 0);
    }
  }
  return (text) => {
    const address = parseIPv4(text);
    if (address !== undefined) {
      for (let index = 0; index < bases.length; index += 1) if (((address & masks[index]!) >>> 0) === bases[index]) return true;
      return false;
    }
    return text.includes(':') && isIPv6(text) && blockList.check(text, 'ipv6');
  };
}

/** A dotted-quad IPv4 address as an unsigned 32-bit integer (as strict as `net.isIPv4`), else undefined. */
export function parseIPv4(text: string): number | undefined {
  let value = 0;
  let octets = 0;
  let index = 0;
  const length = text.length;
  if (length < 7 || length > 15) return undefined;
  while (index <= length) {
    const start = index;
    let octet = 0;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code < 48 || code > 57) break;
      octet = octet * 10 + (code - 48);
      index += 1;
    }
    const digits = index - start;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return undefined;
    value = value * 256 + octet;
    octets += 1;
    if (index === length) break;
    if (text.charCodeAt(index) !== 46 || octets === 4) return undefined;
    index += 1;
  }
  return octets === 4 ? value : undefined;
}

/**
 * equals / contains / startswith / endswith over Sigma strings (wildcards, escapes). A
 * case-insensitive `contains` list becomes one regular expression (an alternation): V8 scans for
 * literals far faster than a per-character fold.
 */
function patternTest(kind: MatchKind, cased: boolean, values: readonly string[]): TextTest {
  if (kind === 'contains' && !cased) {
    const expression = new RegExp(values.map((value) => parseSigmaString(value).regexBody).join('|'), 'isu');
    return (text) => expression.test(text);
  }
  const literals: string[] = [];
  const tests: TextTest[] = [];
  for (const value of values) {
    const parsed = parseSigmaString(value);
    if (parsed.literal !== undefined) literals.push(cased ? parsed.literal : parsed.literal.toLowerCase());
    else tests.push(wildcardTest(kind, cased, parsed.regexBody));
  }
  if (kind === 'equals' && literals.length > 2) {
    const set = new Set(literals);
    tests.unshift(cased ? (text) => set.has(text) : (text) => set.has(text) || set.has(text.toLowerCase()));
  } else {
    for (const literal of literals) tests.unshift(literalTest(kind, cased, literal));
  }
  return combineAny(tests);
}

function literalTest(kind: MatchKind, cased: boolean, needle: string): TextTest {
  const ascii = isAscii(needle);
  switch (kind) {
    case 'contains':
      // Only cased: case-insensitive contains is a regular expression (see patternTest).
      return (text) => text.includes(needle);
    case 'startswith':
      return cased ? (text) => text.startsWith(needle) : (text) => startsWithFolded(text, needle, ascii);
    case 'endswith':
      return cased ? (text) => text.endsWith(needle) : (text) => endsWithFolded(text, needle, ascii);
    default:
      return cased ? (text) => text === needle : (text) => equalsFolded(text, needle, ascii);
  }
}

function wildcardTest(kind: MatchKind, cased: boolean, body: string): TextTest {
  const anchoredStart = kind === 'equals' || kind === 'startswith';
  const anchoredEnd = kind === 'equals' || kind === 'endswith';
  const expression = new RegExp(`${anchoredStart ? '^(?:' : '(?:'}${body}${anchoredEnd ? ')$' : ')'}`, cased ? 'su' : 'isu');
  return (text) => expression.test(text);
}

function numberTest(kind: MatchKind, bound: number): NumberTest {
  switch (kind) {
    case 'gt':
      return (value) => value > bound;
    case 'gte':
      return (value) => value >= bound;
    case 'lt':
      return (value) => value < bound;
    default:
      return (value) => value <= bound;
  }
}

/** Numbers compare as numbers; numeric strings are read as numbers; anything else never matches. */
function numericPredicate(field: string, tests: readonly NumberTest[]): FieldsPredicate {
  return (fields) => {
    const value = fields[field];
    if (value === undefined || value === null) return false;
    for (const test of tests) if (!numberHolds(value, test)) return false;
    return true;
  };
}

function numberHolds(value: Exclude<FieldValue, null>, test: NumberTest): boolean {
  if (typeof value === 'number') return test(value);
  if (typeof value === 'string') return numericTextHolds(value, test);
  if (Array.isArray(value)) {
    for (const element of value) if (numericTextHolds(element, test)) return true;
  }
  return false;
}

function numericTextHolds(text: string, test: NumberTest): boolean {
  if (text.trim() === '') return false;
  const value = Number(text);
  return !Number.isNaN(value) && test(value);
}
