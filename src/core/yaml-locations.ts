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
