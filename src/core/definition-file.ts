import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { InputError, type InputProblem } from './errors/index.js';
import { parseYamlDocument } from './yaml-document.js';

/** File name endings of YAML definitions (agents, workflows, policies). */
export const YAML_FILE_EXTENSIONS = ['.yaml', '.yml'] as const;

/**
 * Reads a YAML definition file for a validator: its text, or the one problem that stops it being
 * read (not .yaml/.yml, missing, a directory, unreadable), named by `file` as given. Never throws.
 * A relative `file` is read from `cwd` when one is given.
 */
export function readDefinitionFile(file: string, options: { cwd?: string } = {}): { text: string } | { problem: InputProblem } {
  if (!(YAML_FILE_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase())) {
    return { problem: { file, message: `expected a ${YAML_FILE_EXTENSIONS.join(' or ')} file` } };
  }
  try {
    return { text: readFileSync(options.cwd === undefined ? file : resolve(options.cwd, file), 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: { file, message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot read: ${(error as Error).message}` } };
  }
}

/** What validating one definition file gives: the typed definition only when there is no problem. */
export interface DefinitionValidation<Definition> {
  definition?: Definition;
  /** Every problem, in file order, each with file:line:col and key path. */
  problems: InputProblem[];
}

/** YAML text parsed for a validator (with the positions of every node), or its syntax problems. Never throws for bad YAML. */
export function parseDefinitionText(text: string, file: string): { document: Document; lineCounter: LineCounter; raw: unknown } | { problems: InputProblem[] } {
  try {
    const { document, lineCounter } = parseYamlDocument(text, file);
    return { document, lineCounter, raw: document.toJS() as unknown };
  } catch (error) {
    if (error instanceof InputError) return { problems: [...error.problems] };
    throw error;
  }
}
