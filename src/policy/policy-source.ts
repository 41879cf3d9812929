import { isScalar, type Document, type LineCounter } from 'yaml';
import type { InputProblem } from '../core/errors/index.js';
import { locate, type SourcePosition } from '../core/yaml-locations.js';

export type KeyPath = ReadonlyArray<string | number>;

/** A parsed policy file and the problems found in it so far; every check reports through it. */
export class PolicySource {
  readonly problems: InputProblem[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
    readonly document: Document,
    readonly lineCounter: LineCounter,
  ) {}

  /** Records a problem at a key path (the value's position, or the key's with keyOnly). */
  report(path: KeyPath, message: string, options: { keyOnly?: boolean; position?: SourcePosition } = {}): void {
    const position = options.position ?? locate(this.document, this.lineCounter, path, options.keyOnly === true ? { keyOnly: true } : {});
    this.problems.push({ file: this.file, ...position, path: path.length === 0 ? '(root)' : path.join('.'), message });
  }

  /** Where a key path sits. */
  locate(path: KeyPath): SourcePosition {
    return locate(this.document, this.lineCounter, path);
  }

  /**
   * Where character `offset` (0-based) of a string value sits in the file, so an error inside a
   * condition points at its column. Best effort: the scalar's own position when the value cannot
   * be matched line by line in the source (escapes, folded lines).
   */
  positionInString(path: KeyPath, offset: number): SourcePosition {
    const base = this.locate(path);
    const node = this.document.getIn(path, true);
    if (!isScalar(node) || node.range == null || typeof node.value !== 'string') return base;
    const start = node.range[0];
    const source = this.text.slice(start, node.range[1]);
    let cursor = 0;
    let remaining = offset;
    for (const line of node.value.split('\n')) {
      const at = source.indexOf(line, cursor);
      if (at === -1) return base;
      if (remaining <= line.length) {
        const { line: lineNumber, col } = this.lineCounter.linePos(start + at + remaining);
        return { line: lineNumber, column: col };
      }
      remaining -= line.length + 1;
      cursor = at + line.length;
    }
    return base;
  }
}
