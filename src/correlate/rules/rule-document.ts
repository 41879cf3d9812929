import { isScalar, type Document, type LineCounter } from 'yaml';
import type { InputProblem } from '../../core/errors/index.js';
import { locate, type SourcePosition } from '../../core/yaml-locations.js';

export type KeyPath = ReadonlyArray<string | number>;

/** One YAML document of a rule file; every check reports its problems through it, located. */
export class RuleDocument {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly document: Document,
    readonly lineCounter: LineCounter,
    private readonly problems: InputProblem[],
  ) {}

  /** Records a problem at a key path (the value's position, or the key's with keyOnly). */
  report(path: KeyPath, message: string, options: { keyOnly?: boolean; position?: SourcePosition } = {}): void {
    const position = options.position ?? this.locate(path, options.keyOnly === true ? { keyOnly: true } : {});
    this.problems.push({ file: this.file, ...position, ...(path.length === 0 ? {} : { path: path.join('.') }), message });
  }

  /** Where a key path sits (falls back to the nearest ancestor that exists). */
  locate(path: KeyPath, options: { keyOnly?: boolean } = {}): SourcePosition {
    return locate(this.document, this.lineCounter, path, options);
  }

  /**
   * Where character `offset` (0-based) of a string value sits in the file: walks the value and
   * its source together, so quotes, folded lines and block-scalar indentation are skipped. Best
   * effort: where the two part (escape sequences) it is the scalar's own position.
   */
  positionInString(path: KeyPath, offset: number): SourcePosition {
    const base = this.locate(path);
    const node = this.document.getIn(path, true);
    if (!isScalar(node) || node.range == null || typeof node.value !== 'string') return base;
    const value = node.value;
    const source = this.text.slice(node.range[0], node.range[1]);
    let at = 0;
    if (source.startsWith('"') || source.startsWith("'")) at = 1;
    else if (source.startsWith('|') || source.startsWith('>')) at = skipSpaces(source, source.indexOf('\n') + 1);
    for (let index = 0; index < offset && index < value.length; index += 1) {
      const character = value[index]!;
      if (source[at] === character) {
        at += 1;
        if (character === '\n') at = skipSpaces(source, at);
      } else if ((character === ' ' || character === '\n') && isWhitespace(source[at])) {
        while (isWhitespace(source[at])) at += 1;
      } else {
        return base;
      }
    }
    if (offset < value.length && value[offset] !== ' ') while (isWhitespace(source[at])) at += 1;
    const { line, col } = this.lineCounter.linePos(node.range[0] + at);
    return { line, column: col };
  }
}

function skipSpaces(text: string, from: number): number {
  let at = from;
  while (text[at] === ' ' || text[at] === '\t') at += 1;
  return at;
}

function isWhitespace(character: string | undefined): boolean {
  return character === ' ' || character === '\n' || character === '\r' || character === '\t';
}
