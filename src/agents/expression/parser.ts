import type { BinaryOperator, ComparisonOperator, Expression, PathNode, PathSegment } from './expression-ast.js';
import { ExpressionSyntaxError } from './expression-syntax-error.js';
import { tokenize, type Token } from './tokenizer.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'true', 'false', 'null']);
const COMPARISONS = new Set(['==', '!=', '>', '>=', '<', '<=']);
/** Deepest nesting of parentheses, lists and `not`; bounds recursion on hostile input. */
const MAX_DEPTH = 64;

/**
 * Parses a condition such as `severity >= high and steps.enrich.verdict == 'malicious'` into a
 * tree. Nothing is ever executed: the evaluator walks the tree over plain data.
 * Throws ExpressionSyntaxError with the 1-based column of the problem.
 */
export function parseExpression(text: string): Expression {
  const parser = new Parser(tokenize(text));
  if (parser.peek().kind === 'end') throw new ExpressionSyntaxError('empty expression', 1);
  const expression = parser.parseOr();
  parser.expectEnd();
  return expression;
}

/** Parses a bare path (`steps.x.items[0].name`), as used inside `{{ }}` templates. */
export function parsePath(text: string): PathNode {
  const parser = new Parser(tokenize(text));
  const first = parser.peek();
  if (first.kind === 'end') throw new ExpressionSyntaxError('empty path', 1);
  if (first.kind !== 'name' || KEYWORDS.has(String(first.value))) {
    throw new ExpressionSyntaxError(`expected a path such as params.hostname or steps.<name>.<field>, found ${describe(first)}`, first.column);
  }
  const path = parser.parsePathFrom(parser.next());
  parser.expectEnd();
  return path;
}

class Parser {
  #index = 0;
  #depth = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.#index]!;
  }

  next(): Token {
    const token = this.tokens[this.#index]!;
    if (token.kind !== 'end') this.#index += 1;
    return token;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (token.kind === 'operator' && token.value === '(') throw new ExpressionSyntaxError("unexpected '(': function calls are not supported", token.column);
    if (token.kind === 'operator' && token.value === ')') throw new ExpressionSyntaxError("unexpected ')' without a matching '('", token.column);
    throw new ExpressionSyntaxError(`unexpected ${describe(token)} (expected and, or or the end)`, token.column);
  }

  parseOr(): Expression {
    let left = this.parseAnd();
    for (;;) {
      const token = this.peek();
      if (!this.isWord(token, 'or') && !this.isOperator(token, '||')) return left;
      this.next();
      left = { kind: 'binary', operator: 'or', left, right: this.parseAnd(), column: token.column };
    }
  }

  parseAnd(): Expression {
    let left = this.parseNot();
    for (;;) {
      const token = this.peek();
      if (!this.isWord(token, 'and') && !this.isOperator(token, '&&')) return left;
      this.next();
      left = { kind: 'binary', operator: 'and', left, right: this.parseNot(), column: token.column };
    }
  }

  parseNot(): Expression {
    const token = this.peek();
    if (this.isWord(token, 'not') || this.isOperator(token, '!')) {
      this.next();
      return this.nested(token, () => ({ kind: 'not', operand: this.parseNot(), column: token.column }));
    }
    return this.parseComparison();
  }

  parseComparison(): Expression {
    const left = this.parseOperand();
    const token = this.peek();
    let operator: ComparisonOperator | undefined;
    if (token.kind === 'operator' && COMPARISONS.has(String(token.value))) operator = token.value as ComparisonOperator;
    else if (this.isWord(token, 'in')) operator = 'in';
    else if (this.isWord(token, 'contains')) operator = 'contains';
    else if (this.isWord(token, 'not') && this.isWord(this.tokens[this.#index + 1]!, 'in')) {
      this.next();
      operator = 'not in';
    }
    if (operator === undefined) return left;
    this.next();
    const right = this.parseOperand();
    const after = this.peek();
    if ((after.kind === 'operator' && COMPARISONS.has(String(after.value))) || this.isWord(after, 'in') || this.isWord(after, 'contains')) {
      throw new ExpressionSyntaxError(`comparisons cannot be chained; use parentheses and 'and'`, after.column);
    }
    return { kind: 'binary', operator: operator as BinaryOperator, left, right, column: token.column };
  }

  parseOperand(): Expression {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: token.value, column: token.column };
      case 'string':
        return { kind: 'literal', value: token.value, column: token.column };
      case 'name': {
        const word = String(token.value);
        if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', column: token.column };
        if (word === 'null') return { kind: 'literal', value: null, column: token.column };
        if (KEYWORDS.has(word)) throw new ExpressionSyntaxError(`expected a value, found '${word}'`, token.column);
        return this.parsePathFrom(token);
      }
      case 'operator':
        if (token.value === '(') {
          return this.nested(token, () => {
            const inner = this.parseOr();
            const close = this.next();
            if (!this.isOperator(close, ')')) throw new ExpressionSyntaxError(`expected ')' to close '(' at column ${token.column}, found ${describe(close)}`, close.column);
            return inner;
          });
        }
        if (token.value === '[') return this.nested(token, () => this.parseList(token));
        if (token.value === '-') {
          const number = this.next();
          if (number.kind !== 'number') throw new ExpressionSyntaxError(`expected a number after '-', found ${describe(number)}`, number.column);
          return { kind: 'literal', value: -Number(number.value), column: token.column };
        }
        throw new ExpressionSyntaxError(`expected a value, found ${describe(token)}`, token.column);
      case 'end':
        throw new ExpressionSyntaxError('expected a value, found the end of the expression', token.column);
    }
  }

  parseList(open: Token): Expression {
    const items: Expression[] = [];
    if (this.isOperator(this.peek(), ']')) {
      this.next();
      return { kind: 'list', items, column: open.column };
    }
    for (;;) {
      items.push(this.parseOperand());
      const separator = this.next();
      if (this.isOperator(separator, ']')) return { kind: 'list', items, column: open.column };
      if (!this.isOperator(separator, ',')) {
        throw new ExpressionSyntaxError(`expected ',' or ']' in the list opened at column ${open.column}, found ${describe(separator)}`, separator.column);
      }
    }
  }

  parsePathFrom(root: Token): PathNode {
    const segments: PathSegment[] = [{ key: String(root.value), column: root.column }];
    let text = String(root.value);
    for (;;) {
      const token = this.peek();
      if (this.isOperator(token, '.')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'name') throw new ExpressionSyntaxError(`expected a name after '.', found ${describe(name)}`, name.column);
        segments.push({ key: String(name.value), column: name.column });
        text += `.${String(name.value)}`;
        continue;
      }
      if (this.isOperator(token, '[')) {
        this.next();
        const key = this.next();
        const valid = (key.kind === 'number' && Number.isInteger(key.value) && Number(key.value) >= 0) || key.kind === 'string';
        if (!valid) throw new ExpressionSyntaxError(`expected a list index (0, 1, …) or a quoted key inside [ ], found ${describe(key)}`, key.column);
        const close = this.next();
        if (!this.isOperator(close, ']')) throw new ExpressionSyntaxError(`expected ']' after the index, found ${describe(close)}`, close.column);
        segments.push({ key: key.value, column: key.column });
        text += key.kind === 'number' ? `[${key.value}]` : `[${JSON.stringify(key.value)}]`;
        continue;
      }
      if (this.isOperator(token, '(')) throw new ExpressionSyntaxError("unexpected '(': function calls are not supported", token.column);
      return { kind: 'path', segments, text, column: root.column };
    }
  }

  private nested<T>(token: Token, parse: () => T): T {
    this.#depth += 1;
    if (this.#depth > MAX_DEPTH) throw new ExpressionSyntaxError(`expression nests deeper than ${MAX_DEPTH} levels`, token.column);
    try {
      return parse();
    } finally {
      this.#depth -= 1;
    }
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'name' && token.value === word;
  }

  private isOperator(token: Token, operator: string): boolean {
    return token.kind === 'operator' && token.value === operator;
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'number':
      return `number ${token.value}`;
    default:
      return `'${token.value}'`;
  }
}
