import { closest } from '../../core/suggest.js';
import type { ConditionNode } from './condition-ast.js';
import { ConditionSyntaxError } from './condition-syntax-error.js';

/** Words with a meaning in conditions; a search identifier may not be one of them. */
export const CONDITION_KEYWORDS = ['and', 'or', 'not', 'of', 'them', 'all'] as const;

/** Longest condition accepted; this only bounds the work done on hostile input. */
export const MAX_CONDITION_LENGTH = 8192;

interface Token {
  kind: 'open' | 'close' | 'word' | 'pipe' | 'end';
  text: string;
  /** 0-based offset in the condition. */
  offset: number;
}

/**
 * Parses a Sigma condition. Precedence, loosest first: `or`, `and`, `not`, `x of`, parentheses.
 * Identifiers must be among `identifiers` (the detection's search identifiers); patterns after
 * `1 of` / `all of` may use `*` and must match at least one. Throws ConditionSyntaxError.
 */
export function parseCondition(text: string, identifiers: readonly string[]): ConditionNode {
  if (text.length > MAX_CONDITION_LENGTH) throw new ConditionSyntaxError(`condition is longer than ${MAX_CONDITION_LENGTH} characters`, 0);
  const parser = new ConditionParser(tokenize(text), identifiers);
  return parser.parseAll();
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === ' ' || character === '\t' || character === '\n' || character === '\r') {
      index += 1;
    } else if (character === '(' || character === ')') {
      tokens.push({ kind: character === '(' ? 'open' : 'close', text: character, offset: index });
      index += 1;
    } else if (character === '|') {
      tokens.push({ kind: 'pipe', text: character, offset: index });
      index += 1;
    } else {
      const start = index;
      while (index < text.length && !/[\s()|]/.test(text[index]!)) index += 1;
      tokens.push({ kind: 'word', text: text.slice(start, index), offset: start });
    }
  }
  tokens.push({ kind: 'end', text: '', offset: text.length });
  return tokens;
}

class ConditionParser {
  private position = 0;
  private readonly known: ReadonlySet<string>;

  constructor(
    private readonly tokens: Token[],
    private readonly identifiers: readonly string[],
  ) {
    this.known = new Set(identifiers);
  }

  parseAll(): ConditionNode {
    if (this.peek().kind === 'end') throw new ConditionSyntaxError('condition is empty', 0);
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind === 'close') throw new ConditionSyntaxError("unbalanced parentheses: ')' without '('", next.offset);
    if (next.kind === 'pipe') throw obsoleteAggregation(next.offset);
    if (next.kind !== 'end') throw this.unexpected(next, "expected 'and', 'or' or the end of the condition");
    return node;
  }

  private parseOr(): ConditionNode {
    const operands = [this.parseAnd()];
    while (this.isWord(this.peek(), 'or')) {
      this.position += 1;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private parseAnd(): ConditionNode {
    const operands = [this.parseNot()];
    while (this.isWord(this.peek(), 'and')) {
      this.position += 1;
      operands.push(this.parseNot());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private parseNot(): ConditionNode {
    if (this.isWord(this.peek(), 'not')) {
      this.position += 1;
      return { kind: 'not', operand: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ConditionNode {
    const token = this.next();
    switch (token.kind) {
      case 'open': {
        const inner = this.parseOr();
        const close = this.next();
        if (close.kind !== 'close') {
          if (close.kind === 'end') throw new ConditionSyntaxError("unbalanced parentheses: '(' is never closed", token.offset);
          throw this.unexpected(close, "expected ')'");
        }
        return inner;
      }
      case 'close':
        throw new ConditionSyntaxError("unbalanced parentheses: ')' without '('", token.offset);
      case 'pipe':
        throw obsoleteAggregation(token.offset);
      case 'end':
        throw new ConditionSyntaxError('condition ends too early: expected a search identifier', token.offset);
      case 'word':
        return this.parseWord(token);
    }
  }

  private parseWord(token: Token): ConditionNode {
    const lower = token.text.toLowerCase();
    if (this.isWord(this.peek(), 'of')) {
      if (lower !== '1' && lower !== 'all') {
        throw new ConditionSyntaxError(`"${token.text} of" is not a Sigma quantifier: use "1 of" or "all of"`, token.offset);
      }
      this.position += 1;
      const target = this.next();
      const reserved = (CONDITION_KEYWORDS as readonly string[]).includes(target.text.toLowerCase()) && target.text.toLowerCase() !== 'them';
      if (target.kind !== 'word' || reserved) {
        throw this.unexpected(target, `expected a search identifier pattern or 'them' after '${token.text} of'`);
      }
      return this.quantified(lower === '1' ? 'one' : 'all', target);
    }
    if (lower === 'and' || lower === 'or') throw this.unexpected(token, 'expected a search identifier');
    if (lower === 'of' || lower === 'them' || lower === 'all') throw this.unexpected(token, `'${token.text}' only belongs in '1 of …' or 'all of …'`);
    if (/^\d+$/.test(lower)) throw new ConditionSyntaxError(`unexpected '${token.text}': a number only belongs in '1 of …'`, token.offset);
    if (token.text.includes('*')) throw new ConditionSyntaxError(`wildcards only belong after '1 of' or 'all of': "${token.text}"`, token.offset);
    if (!this.known.has(token.text)) {
      const suggestion = closest(token.text, this.identifiers);
      throw new ConditionSyntaxError(
        `unknown search identifier "${token.text}"${suggestion === undefined ? ` (defined: ${this.identifiers.join(', ') || 'none'})` : ` (did you mean "${suggestion}"?)`}`,
        token.offset,
      );
    }
    return { kind: 'identifier', name: token.text };
  }

  private quantified(quantifier: 'one' | 'all', target: Token): ConditionNode {
    let matched: string[];
    if (target.text.toLowerCase() === 'them') {
      matched = this.identifiers.filter((name) => !name.startsWith('_'));
      if (matched.length === 0) throw new ConditionSyntaxError("'them' names no search identifier (identifiers starting with _ are left out)", target.offset);
    } else {
      const pattern = new RegExp(`^${target.text.split('*').map(escapeRegExp).join('.*')}$`);
      matched = this.identifiers.filter((name) => pattern.test(name));
      if (matched.length === 0) throw new ConditionSyntaxError(`pattern "${target.text}" matches no search identifier (defined: ${this.identifiers.join(', ') || 'none'})`, target.offset);
    }
    return { kind: 'of', quantifier, pattern: target.text, identifiers: matched };
  }

  private unexpected(token: Token, expectation: string): ConditionSyntaxError {
    if (token.kind === 'end') return new ConditionSyntaxError(`condition ends too early: ${expectation}`, token.offset);
    return new ConditionSyntaxError(`unexpected '${token.text}': ${expectation}`, token.offset);
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position += 1;
    return token;
  }
}

function obsoleteAggregation(offset: number): ConditionSyntaxError {
  return new ConditionSyntaxError("the '| count() …' aggregation syntax is obsolete: write a Sigma correlation rule instead", offset);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
