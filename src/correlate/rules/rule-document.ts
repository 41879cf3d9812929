import type { Document, LineCounter } from 'yaml';
import type { InputProblem } from '../../core/errors/index.js';
import { locate, locateInString, type SourcePosition } from '../../core/yaml-locations.js';

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

  /** Where character `offset` (0-based) of a string value sits in the file (see `locateInString`). */
  positionInString(path: KeyPath, offset: number): SourcePosition {
    return locateInString(this.document, this.lineCounter, this.text, path, offset);
  }
}
