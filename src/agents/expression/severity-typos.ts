import { editDistance } from '../../core/suggest.js';
import type { Expression, PathNode } from './expression-ast.js';
import { SEVERITY_RANKS, severityRank } from './severity.js';

/** A bare word compared with a severity that is almost, but not, a severity word (`severity >= hihg`). */
export interface SeverityTypo {
  node: PathNode;
  /** The severity word it most likely means. */
  suggestion: string;
}

/**
 * Bare single names compared with a severity (a path ending in `severity`) that are a letter or
 * two away from a severity word. Such a name would be read as a run parameter, be undefined, and
 * make the comparison silently false; `params.<name>` still names a parameter on purpose.
 */
export function severityTypos(expression: Expression): SeverityTypo[] {
  const typos: SeverityTypo[] = [];
  const visit = (node: Expression): void => {
    if (node.kind === 'not') return visit(node.operand);
    if (node.kind !== 'binary') return;
    if (node.operator === 'and' || node.operator === 'or') {
      visit(node.left);
      visit(node.right);
      return;
    }
    for (const [side, other] of [
      [node.left, node.right],
      [node.right, node.left],
    ] as const) {
      if (!isSeverityPath(other)) continue;
      for (const candidate of side.kind === 'list' ? side.items : [side]) {
        const typo = typoOf(candidate);
        if (typo !== undefined) typos.push(typo);
      }
    }
  };
  visit(expression);
  return typos;
}

function isSeverityPath(node: Expression): boolean {
  if (node.kind !== 'path') return false;
  const last = node.segments[node.segments.length - 1]!.key;
  return typeof last === 'string' && last.toLowerCase().endsWith('severity');
}

function typoOf(node: Expression): SeverityTypo | undefined {
  if (node.kind !== 'path' || node.segments.length !== 1) return undefined;
  const word = String(node.segments[0]!.key).toLowerCase();
  if (word.length < 3 || severityRank(word) !== undefined) return undefined;
  for (const severity of Object.keys(SEVERITY_RANKS)) {
    if (nearlyEqual(word, severity)) return { node, suggestion: severity };
  }
  return undefined;
}

/** One or two edits apart, or the same letters with two neighbours swapped. */
function nearlyEqual(word: string, target: string): boolean {
  if (Math.abs(word.length - target.length) > 2) return false;
  for (let index = 0; index + 1 < word.length; index += 1) {
    const swapped = `${word.slice(0, index)}${word[index + 1]}${word[index]}${word.slice(index + 2)}`;
    if (swapped === target) return true;
  }
  return editDistance(word, target) <= (target.length <= 4 ? 1 : 2);
}
