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
 * its source together, so quotes, folded lines and block-scalar indentation are skipped. Best
 * effort: where the two part (escape sequences) it is the scalar's own position.
 */
export function locateInString(document: Document, lineCounter: LineCounter, text: string, path: ReadonlyArray<string | number>, offset: number): SourcePosition {
  const base = locate(document, lineCounter, path);
  const node = document.getIn(path, true);
  if (!isScalar(node) || node.range == null || typeof node.value !== 'string') return base;
  // A block scalar's value ends with a newline: an offset there (the end of the expression) stays on the last line.
  const value = node.value.replace(/\n+$/, '');
  const source = text.slice(node.range[0], node.range[1]);
  let at = 0;
  if (source.startsWith('"') || source.startsWith("'")) at = 1;
  else if (source.startsWith('|') || source.startsWith('>')) at = skipSpaces(source, source.indexOf('\n') + 1);
  for (let index = 0; index < offset && index < value.length; index += 1) {
    const character = value[index]!;
    if (source[at] === character) {
      at += 1;
      if (character === '\n') at = skipSpaces(source, at);
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

function skipSpaces(text: string, from: number): number {
  let at = from;
  while (text[at] === ' ' || text[at] === '\t') at += 1;
  return at;
}

function isWhitespace(character: string | undefined): boolean {
  return character === ' ' || character === '\n' || character === '\r' || character === '\t';
}
