import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolLookup } from '../agents/definition/index.js';
import { InputError, UsageError, type InputProblem } from '../core/errors/index.js';
import { closest } from '../core/suggest.js';
import type { PolicyDefinition } from './policy-schema.js';
import { isPolicyFileName, validatePolicyFile } from './validate-policy.js';

/** The policies shipped with DefenseClaw: `policies/` at the package root. */
export const BUILT_IN_POLICIES_DIRECTORY = fileURLToPath(new URL('../../policies', import.meta.url));

/** One policy file the library knows, valid or not. */
export interface PolicyEntry {
  /** The policy's `name` (the file name without extension when the file is invalid). */
  name: string;
  file: string;
  origin: 'built-in' | 'user';
  /** Present when the file is valid. */
  definition?: PolicyDefinition;
  problems: InputProblem[];
}

export interface PolicyLibraryOptions {
  tools: ToolLookup;
  /** The user's policies (config `policy.directory`, resolved against DEFENSECLAW_HOME). */
  userDirectory: string;
  builtInDirectory?: string;
}

/**
 * Built-in and user policies by name; a user policy shadows a built-in of the same name. Files are
 * read and validated on every call, so an edit is seen without a restart.
 */
export class PolicyLibrary {
  readonly #options: PolicyLibraryOptions;

  constructor(options: PolicyLibraryOptions) {
    this.#options = options;
  }

  get userDirectory(): string {
    return this.#options.userDirectory;
  }

  /** Every policy file, sorted by name. */
  list(): PolicyEntry[] {
    const entries = new Map<string, PolicyEntry>();
    for (const [directory, origin] of [
      [this.#options.builtInDirectory ?? BUILT_IN_POLICIES_DIRECTORY, 'built-in'],
      [this.#options.userDirectory, 'user'],
    ] as const) {
      if (!existsSync(directory)) continue;
      for (const fileName of readdirSync(directory).sort()) {
        if (!isPolicyFileName(fileName)) continue;
        const file = join(directory, fileName);
        const validation = validatePolicyFile(file, this.#options.tools);
        const name = validation.definition?.name ?? basename(fileName).replace(/\.ya?ml$/i, '');
        entries.set(name, { name, file, origin, problems: validation.problems, ...(validation.definition === undefined ? {} : { definition: validation.definition }) });
      }
    }
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The policies a run evaluates: one by name, or every policy for `all`. An unknown name is a
   * UsageError; an invalid file is an InputError with its problems (exit 2, nothing runs).
   */
  resolve(name: string): PolicyDefinition[] {
    const entries = this.list();
    const chosen = name === 'all' ? entries : entries.filter((entry) => entry.name === name);
    if (chosen.length === 0) {
      if (name === 'all') throw new UsageError('no policies found (built-ins missing and policy.directory empty)');
      const suggestion = closest(name, entries.map((entry) => entry.name));
      throw new UsageError(`no policy named "${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}; \`defenseclaw policy list\` shows them`);
    }
    const problems = chosen.flatMap((entry) => entry.problems);
    if (problems.length > 0) throw new InputError(problems, { code: 'policy_invalid' });
    return chosen.map((entry) => entry.definition!);
  }
}
