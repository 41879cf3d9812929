import { ExpressionSyntaxError, parsePath, type PathNode } from '../expression/index.js';
import { TemplateSyntaxError } from './template-syntax-error.js';

/** A piece of a template string: literal text, or a `{{ path }}` to fill in. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'path';
      path: PathNode;
      /** 0-based offset of the path's first character in the string. */
      offset: number;
    };

const OPEN = '{{';
const CLOSE = '}}';

/** Splits a string into text and `{{ path }}` parts. Throws TemplateSyntaxError (column in the string). */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf(OPEN, index);
    if (open === -1) {
      parts.push({ kind: 'text', text: text.slice(index) });
      break;
    }
    if (open > index) parts.push({ kind: 'text', text: text.slice(index, open) });
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) throw new TemplateSyntaxError("unterminated '{{' (no closing '}}')", open + 1);
    const inner = text.slice(open + OPEN.length, close);
    if (inner.trim() === '') throw new TemplateSyntaxError("empty '{{ }}' (expected a path such as params.hostname)", open + 1);
    const leading = inner.length - inner.trimStart().length;
    const offset = open + OPEN.length + leading;
    try {
      parts.push({ kind: 'path', path: parsePath(inner.trim()), offset });
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError)) throw error;
      throw new TemplateSyntaxError(`in '{{ }}': ${error.message}`, offset + error.column, { cause: error });
    }
    index = close + CLOSE.length;
  }
  return parts;
}

/** Whether a string holds any `{{`. */
export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}
