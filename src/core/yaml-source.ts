import type { Document, LineCounter } from 'yaml';
import type { InputProblem } from './errors/index.js';
import { locate, locateInString, type SourcePosition } from './yaml-locations.js';

export type KeyPath = ReadonlyArray<string | number>;

/**
 * A parsed YAML definition (agent, workflow, policy, rule) and the problems found in it so far:
 * every check reports through it, and each problem carries its file:line:col.
 */
export class YamlSource {
  readonly notes: InputProblem[] = [];
  /** The `path` a problem at the document's root is given (undefined: none). */
  protected readonly rootPath: string | undefined = '(root)';

  constructor(
    readonly file: string,
    readonly text: string,
    readonly document: Document,
    readonly lineCounter: LineCounter,
    readonly problems: InputProblem[] = [],
  ) {}

  /** Records a problem at a key path (the value's position, or the key's with keyOnly). */
  report(path: KeyPath, message: string, options: { keyOnly?: boolean; position?: SourcePosition } = {}): void {
    this.problems.push(this.problem(path, message, options));
  }

  /** Records something worth saying that is not a problem. */
  note(path: KeyPath, message: string): void {
    this.notes.push(this.problem(path, message, {}));
  }

  /** Where a key path sits (falls back to the nearest ancestor that exists). */
  locate(path: KeyPath, options: { keyOnly?: boolean } = {}): SourcePosition {
    return locate(this.document, this.lineCounter, path, options);
  }

  /** Where character `offset` (0-based) of a string value sits in the file (see `locateInString`). */
  positionInString(path: KeyPath, offset: number): SourcePosition {
    return locateInString(this.document, this.lineCounter, this.text, path, offset);
  }

  private problem(path: KeyPath, message: string, options: { keyOnly?: boolean; position?: SourcePosition }): InputProblem {
    const position = options.position ?? this.locate(path, options.keyOnly === true ? { keyOnly: true } : {});
    const shownPath = path.length === 0 ? this.rootPath : path.join('.');
    return { file: this.file, ...position, ...(shownPath === undefined ? {} : { path: shownPath }), message };
  }
}
