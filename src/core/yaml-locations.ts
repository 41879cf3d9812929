import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Finds where a key path sits in a parsed YAML document: the value's position, or for
 * `keyOnly`, the key's own position (used for unknown keys). Falls back to the nearest ancestor
 * that exists, then to 1:1.
 */
export function locate(
  document: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
  options: { keyOnly?: boolean } = {},
): SourcePosition {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const prefix = path.slice(0, depth);
    const offset = depth === path.length && options.keyOnly === true ? keyOffset(document, prefix) : valueOffset(document, prefix);
    if (offset !== undefined) {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

function valueOffset(document: Document, path: readonly (string | number)[]): number | undefined {
  const node = path.length === 0 ? document.contents : (document.getIn(path, true) as Node | undefined);
  if (node === null || node === undefined || typeof node !== 'object' || !('range' in node) || node.range == null) return undefined;
  return node.range[0];
}

function keyOffset(document: Document, path: readonly (string | number)[]): number | undefined {
  if (path.length === 0) return undefined;
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length === 0 ? document.contents : document.getIn(parentPath, true);
  const key = String(path[path.length - 1]);
  if (!isMap(parent)) return valueOffset(document, path);
  for (const item of parent.items) {
    if (!isPair(item)) continue;
    const itemKey = isScalar(item.key) ? String(item.key.value) : String(item.key);
    if (itemKey === key && isScalar(item.key) && item.key.range != null) return item.key.range[0];
  }
  return undefined;
}

/**
 * Where character `offset` (0-based) of a string value sits in the file: walks the value and
 * its source together, so quotes, escape sequences (`\"`, `\t`, `\u00e9`, `''`), folded lines and
 * block-scalar indentation are skipped. Best effort: where the two part it is the scalar's own position.
 */
export function locateInString(document: Document, lineCounter: LineCounter, text: string, path: ReadonlyArray<string | number>, offset: number): SourcePosition {
  const base = locate(document, lineCounter, path);
  const node = document.getIn(path, true);
  if (!isScalar(node) || node.range == null || typeof node.value !== 'string') return base;
  // A block scalar's value ends with a newline: an offset there (the end of the expression) stays on the last line.
  const value = node.value.replace(/\n+$/, '');
  const source = text.slice(node.range[0], node.range[1]);
  let at = 0;
  const quote = source.startsWith('"') ? '"' : source.startsWith("'") ? "'" : undefined;
  // A block scalar's lines lose exactly its indentation (more-indented lines keep the rest); flow lines lose all of it.
  let blockIndent: number | undefined;
  if (quote !== undefined) at = 1;
  else if (source.startsWith('|') || source.startsWith('>')) {
    const first = source.indexOf('\n') + 1;
    at = skipSpaces(source, first);
    blockIndent = at - first;
  }
  for (let index = 0; index < offset && index < value.length; index += 1) {
    const character = value[index]!;
    if (quote === '"' && source[at] === '\\') {
      // An escaped line break joins lines: skip it and the next line's indentation, then match again.
      if (source[at + 1] === '\n' || source[at + 1] === '\r') {
        at = skipSpaces(source, source.indexOf('\n', at) + 1);
        index -= 1;
        continue;
      }
      const escape = decodeEscape(source, at);
      if (escape === undefined || !value.startsWith(escape.text, index)) return base;
      at += escape.length;
      index += escape.text.length - 1;
    } else if (quote === "'" && character === "'" && source.startsWith("''", at)) {
      at += 2;
    } else if (source[at] === character) {
      at += 1;
      if (character === '\n') at = skipSpaces(source, at, blockIndent);
    } else if ((character === ' ' || character === '\n') && isWhitespace(source[at])) {
      while (isWhitespace(source[at])) at += 1;
    } else {
      return base;
    }
  }
  if (offset < value.length && value[offset] !== ' ') while (isWhitespace(source[at])) at += 1;
  const { line, col } = lineCounter.linePos(node.range[0] + at);
  return { line, column: col };
}

/** The YAML double-quoted escape sequences of one character. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

/** The text an escape sequence starting at `at` (a backslash) stands for, and its length in the source. */
function decodeEscape(source: string, at: number): { text: string; length: number } | undefined {
  const kind = source[at + 1];
  if (kind === undefined) return undefined;
  const digits = kind === 'x' ? 2 : kind === 'u' ? 4 : kind === 'U' ? 8 : 0;
  if (digits === 0) {
    const text = SIMPLE_ESCAPES[kind];
    return text === undefined ? undefined : { text, length: 2 };
  }
  const hex = source.slice(at + 2, at + 2 + digits);
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return undefined;
  const codePoint = Number.parseInt(hex, 16);
  return codePoint > 0x10ffff ? undefined : { text: String.fromCodePoint(codePoint), length: 2 + digits };
}

/** Skips spaces and tabs from `from`, at most `limit` of them. */
function skipSpaces(text: string, from: number, limit = Number.POSITIVE_INFINITY): number {
  let at = from;
  while ((text[at] === ' ' || text[at] === '\t') && at - from < limit) at += 1;
  return at;
}

function isWhitespace(character: string | undefined): boolean {
  return character === ' ' || character === '\n' || character === '\r' || character === '\t';
}
