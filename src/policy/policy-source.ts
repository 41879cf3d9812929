import type { Document, LineCounter } from 'yaml';
import type { InputProblem } from '../core/errors/index.js';
import { locate, locateInString, type SourcePosition } from '../core/yaml-locations.js';

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

  /** Where character `offset` (0-based) of a string value sits in the file (see `locateInString`). */
  positionInString(path: KeyPath, offset: number): SourcePosition {
    return locateInString(this.document, this.lineCounter, this.text, path, offset);
  }
}
