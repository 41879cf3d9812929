import { ExpressionSyntaxError } from './expression-syntax-error.js';

export type TokenKind = 'number' | 'string' | 'name' | 'operator' | 'end';

export interface Token {
  kind: TokenKind;
  /** Numbers as numbers, strings unquoted and unescaped, names and operators as written. */
  value: string | number;
  /** 1-based column of the token's first character. */
  column: number;
}

/** Longest first, so `>=` is not read as `>` then `=`. */
const OPERATORS = ['==', '!=', '>=', '<=', '&&', '||', '>', '<', '!', '(', ')', '[', ']', ',', '.', '-'] as const;

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** Longest condition accepted; conditions are one-liners, this only bounds the work done. */
export const MAX_EXPRESSION_LENGTH = 4096;

/** Splits a condition into tokens. Throws ExpressionSyntaxError with the column of the first bad character. */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionSyntaxError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, 1);
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    const column = index + 1;
    if (/\s/.test(character)) {
      index += 1;
      continue;
    }
    if (/[0-9]/.test(character)) {
      const match = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(index))!;
      const after = text[index + match[0].length];
      if (after !== undefined && /[A-Za-z_]/.test(after)) throw new ExpressionSyntaxError(`unexpected '${after}' after number ${match[0]}`, index + match[0].length + 1);
      tokens.push({ kind: 'number', value: Number(match[0]), column });
      index += match[0].length;
      continue;
    }
    if (character === "'" || character === '"') {
      const { value, end } = readString(text, index);
      tokens.push({ kind: 'string', value, column });
      index = end;
      continue;
    }
    if (/[A-Za-z_]/.test(character)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index))!;
      tokens.push({ kind: 'name', value: match[0], column });
      index += match[0].length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, index));
    if (operator !== undefined) {
      tokens.push({ kind: 'operator', value: operator, column });
      index += operator.length;
      continue;
    }
    if (character === '=') throw new ExpressionSyntaxError("unexpected '=' (use '==' to compare)", column);
    if (character === '&' || character === '|') throw new ExpressionSyntaxError(`unexpected '${character}' (use '${character}${character}' or '${character === '&' ? 'and' : 'or'}')`, column);
    throw new ExpressionSyntaxError(`unexpected character '${character}'`, column);
  }
  tokens.push({ kind: 'end', value: '', column: text.length + 1 });
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const character = text[index]!;
    if (character === quote) return { value, end: index + 1 };
    if (character === '\\') {
      const next = text[index + 1];
      if (next === undefined) break;
      const escaped = ESCAPES[next];
      if (escaped === undefined) throw new ExpressionSyntaxError(`unknown escape '\\${next}' in string`, index + 1);
      value += escaped;
      index += 2;
      continue;
    }
    value += character;
    index += 1;
  }
  throw new ExpressionSyntaxError(`unterminated string (no closing ${quote})`, start + 1);
}
