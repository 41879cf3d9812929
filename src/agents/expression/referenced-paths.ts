import type { Expression, PathNode } from './expression-ast.js';
import { severityRank } from './severity.js';

/**
 * Every path an expression reads, in source order. A bare severity word (`high`) is left out:
 * when nothing by that name is in scope it is a severity literal, not a reference.
 */
export function referencedPaths(expression: Expression): PathNode[] {
  const paths: PathNode[] = [];
  const visit = (node: Expression): void => {
    switch (node.kind) {
      case 'path': {
        const root = node.segments[0]!.key;
        if (!(node.segments.length === 1 && severityRank(root) !== undefined)) paths.push(node);
        return;
      }
      case 'list':
        node.items.forEach(visit);
        return;
      case 'not':
        visit(node.operand);
        return;
      case 'binary':
        visit(node.left);
        visit(node.right);
        return;
      case 'literal':
        return;
    }
  };
  visit(expression);
  return paths;
}

/** The first segment of every path an expression reads (`steps`, `params`, a step name, …), de-duplicated, in order. */
export function referencedRoots(expression: Expression): string[] {
  return [...new Set(referencedPaths(expression).map((path) => String(path.segments[0]!.key)))];
}
