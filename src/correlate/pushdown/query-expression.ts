/**
 * A SIEM filter, independent of the dialect: a boolean tree over column tests. Rendered by
 * `spl.ts` and `kql.ts`. Text tests compare case-insensitively, as Sigma does.
 */
export type QueryExpression =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'and' | 'or'; items: QueryExpression[] }
  | { kind: 'not'; item: QueryExpression }
  | QueryLeaf;

export type QueryLeaf =
  /** The whole value equals / contains / starts / ends with `value`. */
  | { kind: 'text'; column: string; test: 'equals' | 'contains' | 'startswith' | 'endswith'; value: string }
  /** The whole value matches a wildcard pattern (SPL only; KQL lowers it first). */
  | { kind: 'glob'; column: string; segments: GlobSegment[] }
  | { kind: 'number'; column: string; test: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  /** The column has a value. */
  | { kind: 'present'; column: string };

/** A Sigma string value: literal text and wildcards (`*` any run, `?` one character). */
export type GlobSegment = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' };

/**
 * A filter and whether it is exact. Every filter here is sound: it selects at least the rows the
 * rule would match after normalisation (a superset). An inexact one may select more; it must not
 * be negated (the negation of a superset is a subset), so `not` of an inexact filter widens to
 * `true`. The bot re-checks every fetched row with the engine, so widening costs rows, never results.
 */
export interface Approximation {
  expression: QueryExpression;
  exact: boolean;
}

export const TRUE: QueryExpression = { kind: 'true' };
export const FALSE: QueryExpression = { kind: 'false' };

export function exact(expression: QueryExpression): Approximation {
  return { expression, exact: true };
}

export function widened(expression: QueryExpression = TRUE): Approximation {
  return { expression, exact: false };
}

/** AND of filters, folding constants. */
export function and(items: readonly Approximation[]): Approximation {
  const kept: QueryExpression[] = [];
  for (const item of items) {
    // A superset that is empty means the real set is empty too: `false` is always exact.
    if (item.expression.kind === 'false') return exact(FALSE);
    if (item.expression.kind === 'true') continue;
    if (item.expression.kind === 'and') kept.push(...item.expression.items);
    else kept.push(item.expression);
  }
  return { expression: kept.length === 0 ? TRUE : kept.length === 1 ? kept[0]! : { kind: 'and', items: kept }, exact: items.every((item) => item.exact) };
}

/** OR of filters, folding constants. */
export function or(items: readonly Approximation[]): Approximation {
  const kept: QueryExpression[] = [];
  for (const item of items) {
    if (item.expression.kind === 'true') return { expression: TRUE, exact: item.exact };
    if (item.expression.kind === 'false') continue;
    if (item.expression.kind === 'or') kept.push(...item.expression.items);
    else kept.push(item.expression);
  }
  return { expression: kept.length === 0 ? FALSE : kept.length === 1 ? kept[0]! : { kind: 'or', items: kept }, exact: items.every((item) => item.exact) };
}

/** NOT of a filter: exact filters negate; an inexact one widens to `true` (see Approximation). */
export function not(item: Approximation): Approximation {
  if (!item.exact) return widened();
  if (item.expression.kind === 'true') return exact(FALSE);
  if (item.expression.kind === 'false') return exact(TRUE);
  if (item.expression.kind === 'not') return exact(item.expression.item);
  return exact({ kind: 'not', item: item.expression });
}

/**
 * Parses a Sigma string into glob segments: `*` and `?` are wildcards, `\` escapes `*`, `?` and
 * `\`; a backslash before anything else is literal (`\powershell.exe`).
 */
export function parseGlob(value: string): GlobSegment[] {
  const segments: GlobSegment[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') segments.push({ kind: 'text', text });
    text = '';
  };
  for (let index = 0; index < value.length; index += 1) {
    const character = value[index]!;
    if (character === '\\') {
      const next = value[index + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        index += 1;
      } else text += '\\';
    } else if (character === '*' || character === '?') {
      flush();
      const previous = segments.at(-1);
      // `**` is one `*`; a `*` next to `?` keeps both (`?` still needs a character).
      if (!(character === '*' && previous?.kind === 'any')) segments.push({ kind: character === '*' ? 'any' : 'one' });
    } else text += character;
  }
  flush();
  return segments;
}

/** A literal as one segment (no wildcard, whatever it holds). */
export function literalGlob(text: string): GlobSegment[] {
  return text === '' ? [] : [{ kind: 'text', text }];
}

/** The literal text when the glob has no wildcard. */
export function globLiteral(segments: readonly GlobSegment[]): string | undefined {
  if (segments.some((segment) => segment.kind !== 'text')) return undefined;
  return segments.map((segment) => (segment.kind === 'text' ? segment.text : '')).join('');
}

/** The pieces of literal text, in order. */
export function globTexts(segments: readonly GlobSegment[]): string[] {
  return segments.flatMap((segment) => (segment.kind === 'text' ? [segment.text] : []));
}
