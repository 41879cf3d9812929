/** The value at a key path in a parsed document (mappings and lists), or undefined when it is not there. */
export function valueAt(tree: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = tree;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
