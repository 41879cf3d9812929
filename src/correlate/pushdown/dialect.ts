import { exact, globLiteral, or, and, widened, type Approximation, type GlobSegment, type QueryExpression } from './query-expression.js';

/** A query language the push-down writes: how it tests columns and quotes values. */
export interface Dialect {
  name: 'spl' | 'kql';
  /** Whether a value can be written as a string literal at all (no control characters, …). */
  canQuote(value: string): boolean;
  /** A case-insensitive text test on a column. */
  text(column: string, test: 'equals' | 'contains' | 'startswith' | 'endswith', value: string): Approximation;
  /** A case-insensitive wildcard match of the whole column value. */
  glob(column: string, segments: readonly GlobSegment[]): Approximation;
  /** The column has a value. */
  present(column: string): Approximation;
  render(expression: QueryExpression): string;
}

/** Control characters (and, for SPL, backticks, which start macros) are never interpolated. */
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;

/**
 * SPL as the `search` command reads it. String literals are double-quoted with `\` and `"`
 * escaped; inside them `*` is always a wildcard (SPL has no escape for it), so a literal `*`
 * widens the test. Backticks are refused: Splunk expands macros before it parses quotes.
 */
export const SPL: Dialect = {
  name: 'spl',
  canQuote: (value) => !CONTROL.test(value) && !value.includes('`'),
  text(column, test, value) {
    const leaf: QueryExpression = { kind: 'text', column, test, value };
    return { expression: leaf, exact: !value.includes('*') };
  },
  glob(column, segments) {
    const literal = globLiteral(segments);
    if (literal !== undefined) return SPL.text(column, 'equals', literal);
    const widens = segments.some((segment) => segment.kind === 'one' || (segment.kind === 'text' && segment.text.includes('*')));
    return { expression: { kind: 'glob', column, segments: [...segments] }, exact: !widens };
  },
  present: (column) => exact({ kind: 'present', column }),
  render: (expression) => renderSpl(expression, true),
};

/**
 * KQL `where` predicates. `=~`, `contains`, `startswith` and `endswith` compare ignoring case.
 * KQL has no wildcard test in the subset we emit: `*x*`, `x*` and `*x` become contains /
 * startswith / endswith exactly; other patterns become an AND of their pieces (wider). Presence
 * is not tested (`isnotempty` is outside the subset): it widens.
 */
export const KQL: Dialect = {
  name: 'kql',
  canQuote: (value) => !CONTROL.test(value),
  text: (column, test, value) => exact({ kind: 'text', column, test, value }),
  glob(column, segments) {
    const literal = globLiteral(segments);
    if (literal !== undefined) return KQL.text(column, 'equals', literal);
    const [first, ...rest] = segments;
    const last = segments.at(-1);
    const middle = segments.slice(1, -1);
    if (segments.length === 2 && first?.kind === 'any' && last?.kind === 'text') return KQL.text(column, 'endswith', last.text);
    if (segments.length === 2 && first?.kind === 'text' && last?.kind === 'any') return KQL.text(column, 'startswith', first.text);
    if (segments.length === 3 && first?.kind === 'any' && last?.kind === 'any' && middle[0]?.kind === 'text') return KQL.text(column, 'contains', middle[0].text);
    const parts: Approximation[] = [];
    if (first?.kind === 'text') parts.push(KQL.text(column, 'startswith', first.text));
    if (last?.kind === 'text' && rest.length > 0) parts.push(KQL.text(column, 'endswith', last.text));
    for (const segment of middle) if (segment.kind === 'text') parts.push(KQL.text(column, 'contains', segment.text));
    return { ...and(parts), exact: false };
  },
  present: () => widened(),
  render: (expression) => renderKql(expression, true),
};

/** SPL string literal. */
export function splQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** KQL string literal (double quotes, backslash escapes). */
export function kqlQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function renderSpl(expression: QueryExpression, top: boolean): string {
  switch (expression.kind) {
    case 'true':
      return 'index=*';
    case 'false':
      return 'NOT index=*';
    case 'and': {
      const text = expression.items.map((item) => renderSpl(item, false)).join(' ');
      return top ? text : `(${text})`;
    }
    case 'or':
      return `(${expression.items.map((item) => renderSpl(item, false)).join(' OR ')})`;
    case 'not':
      return `NOT ${wrapSpl(expression.item)}`;
    case 'text': {
      const value = expression.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      const pattern = expression.test === 'equals' ? value : expression.test === 'contains' ? `*${value}*` : expression.test === 'startswith' ? `${value}*` : `*${value}`;
      return `${expression.column}="${pattern}"`;
    }
    case 'glob': {
      const pattern = expression.segments.map((segment) => (segment.kind === 'text' ? segment.text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : '*')).join('');
      return `${expression.column}="${pattern}"`;
    }
    case 'number':
      return `${expression.column}${{ eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[expression.test]}${expression.value}`;
    case 'present':
      return `${expression.column}=*`;
  }
}

function wrapSpl(expression: QueryExpression): string {
  const text = renderSpl(expression, false);
  return expression.kind === 'and' || expression.kind === 'or' || text.startsWith('(') ? text : `(${text})`;
}

function renderKql(expression: QueryExpression, top: boolean): string {
  switch (expression.kind) {
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'and': {
      const text = expression.items.map((item) => renderKql(item, false)).join(' and ');
      return top ? text : `(${text})`;
    }
    case 'or':
      return `(${expression.items.map((item) => renderKql(item, false)).join(' or ')})`;
    case 'not':
      return `not(${renderKql(expression.item, true)})`;
    case 'text': {
      const operator = expression.test === 'equals' ? '=~' : expression.test;
      return `${expression.column} ${operator} ${kqlQuote(expression.value)}`;
    }
    case 'glob':
      // Lowered by KQL.glob before rendering; kept total for safety (a glob here is a bug upstream).
      throw new Error('KQL cannot render a wildcard pattern: lower it with KQL.glob first');
    case 'number':
      return `${expression.column} ${{ eq: '==', gt: '>', gte: '>=', lt: '<', lte: '<=' }[expression.test]} ${expression.value}`;
    case 'present':
      throw new Error('KQL presence tests are widened before rendering');
  }
}

/** OR over columns of one test (a flat field the normaliser reads from any of several columns). */
export function anyColumn(columns: readonly string[], test: (column: string) => Approximation): Approximation {
  const result = or(columns.map(test));
  // First-present-wins normalisation is not "any column": several columns make it a superset.
  return columns.length > 1 ? { ...result, exact: false } : result;
}
