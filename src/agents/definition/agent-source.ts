import { isScalar, type Document, type LineCounter } from 'yaml';
import type { InputProblem } from '../../core/errors/index.js';
import { locate, type SourcePosition } from '../../core/yaml-locations.js';

export type KeyPath = ReadonlyArray<string | number>;

/** A parsed agent file and the problems found in it so far; every check reports through it. */
export class AgentSource {
  readonly problems: InputProblem[] = [];
  readonly notes: InputProblem[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
    readonly document: Document,
    readonly lineCounter: LineCounter,
  ) {}

  /** Records a problem at a key path (the value's position, or the key's with keyOnly). */
  report(path: KeyPath, message: string, options: { keyOnly?: boolean; position?: SourcePosition } = {}): void {
    this.problems.push(this.problem(path, message, options));
  }

  /** Records something worth saying that is not a problem. */
  note(path: KeyPath, message: string): void {
    this.notes.push(this.problem(path, message, {}));
  }

  /** Where a key path sits. */
  locate(path: KeyPath, options: { keyOnly?: boolean } = {}): SourcePosition {
    return locate(this.document, this.lineCounter, path, options);
  }

  /**
   * Where character `offset` (0-based) of a string value sits in the file: the scalar's position
   * plus the offset, found by matching each line of the value in the source (quotes, block
   * scalars). Best effort: when the value cannot be matched (escapes, folded lines) it is the
   * scalar's own position.
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

  private problem(path: KeyPath, message: string, options: { keyOnly?: boolean; position?: SourcePosition }): InputProblem {
    const position = options.position ?? this.locate(path, options.keyOnly === true ? { keyOnly: true } : {});
    return { file: this.file, ...position, path: path.length === 0 ? '(root)' : path.join('.'), message };
  }
}
