import { createHash } from 'node:crypto';

/**
 * Deterministic JSON: object keys sorted by code point, no whitespace, `undefined` members
 * dropped, Dates as ISO strings, bigints as decimal strings. Two equal values always give the
 * same text, so the text can be hashed (audit chain, approval binding).
 */
export function canonicalJson(value: unknown): string {
  return encode(value, new Set());
}

function encode(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
    case 'object':
      break;
  }
  const object = value as object;
  if (object instanceof Date) return JSON.stringify(object.toISOString());
  if (seen.has(object)) throw new TypeError('canonicalJson: circular structure');
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item) => encode(item, seen)).join(',')}]`;
  } else if (object instanceof Map) {
    out = encode(Object.fromEntries(object), seen);
  } else {
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
      .sort();
    out = `{${keys.map((key) => `${JSON.stringify(key)}:${encode(record[key], seen)}`).join(',')}}`;
  }
  seen.delete(object);
  return out;
}

/** Lower-case hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SHA-256 of the canonical JSON of a value: the binding hash of tool arguments. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
