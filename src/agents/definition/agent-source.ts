import type { Document, LineCounter } from 'yaml';
import type { InputProblem } from '../../core/errors/index.js';
import { locate, locateInString, type SourcePosition } from '../../core/yaml-locations.js';

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

  /** Where character `offset` (0-based) of a string value sits in the file (see `locateInString`). */
  positionInString(path: KeyPath, offset: number): SourcePosition {
    return locateInString(this.document, this.lineCounter, this.text, path, offset);
  }

  private problem(path: KeyPath, message: string, options: { keyOnly?: boolean; position?: SourcePosition }): InputProblem {
    const position = options.position ?? this.locate(path, options.keyOnly === true ? { keyOnly: true } : {});
    return { file: this.file, ...position, path: path.length === 0 ? '(root)' : path.join('.'), message };
  }
}
