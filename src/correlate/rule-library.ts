import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, UsageError } from '../core/errors/index.js';
import { closest } from '../core/suggest.js';
import { validateRuleTexts, type RuleCollection, type RuleText, type SigmaRule } from './rules/index.js';

/** The built-in rules shipped with DefenseClaw (`rules/` at the package root). */
export const BUILT_IN_RULES_DIRECTORY = fileURLToPath(new URL('../../rules', import.meta.url));

/** Names of rule files: built-in file names without `.yaml`, and stored rule names. */
export const RULE_FILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What the library needs of the store of the user's rules (`src/store/rule-repository.ts`). */
export interface RuleStore {
  list(): StoredRuleFile[];
  get(name: string): StoredRuleFile | undefined;
  save(input: { name: string; description: string; text: string; createdBy: string; createdAt: string; createdFrom?: string }): StoredRuleFile;
}

export interface StoredRuleFile {
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  createdFrom?: string;
  sha256: string;
  file: string;
  text: string;
}

/** One file of rules: built in, stored by `rule create`, or given on the command line. */
export interface RuleFile {
  name: string;
  origin: 'built-in' | 'stored' | 'file';
  /** The path problems and reports name. */
  file: string;
  text: string;
  description?: string;
  createdAt?: string;
  createdBy?: string;
}

/** Every rule file as one validated collection, and which rules each file holds. */
export interface LoadedRules {
  collection: RuleCollection;
  files: Array<RuleFile & { rules: number[] }>;
}

export interface RuleLibraryOptions {
  store: RuleStore;
  builtInDirectory?: string;
  /** Built-in paths are shown relative to this (the package root by default). */
  displayRoot?: string;
}

/**
 * The rules correlation runs: the built-in ones and the user's (stored under
 * `DEFENSECLAW_HOME/rules/`), one collection so rules may reference each other across files.
 */
export class RuleLibrary {
  readonly #store: RuleStore;
  readonly #builtInDirectory: string;
  readonly #displayRoot: string;

  constructor(options: RuleLibraryOptions) {
    this.#store = options.store;
    this.#builtInDirectory = options.builtInDirectory ?? BUILT_IN_RULES_DIRECTORY;
    this.#displayRoot = options.displayRoot ?? join(this.#builtInDirectory, '..');
  }

  /** Built-in files first, then stored ones, each by name. */
  files(): RuleFile[] {
    const builtIn: RuleFile[] = existsSync(this.#builtInDirectory)
      ? readdirSync(this.#builtInDirectory)
          .filter((entry) => /\.ya?ml$/.test(entry))
          .sort()
          .map((entry) => {
            const path = join(this.#builtInDirectory, entry);
            return { name: entry.replace(/\.ya?ml$/, ''), origin: 'built-in' as const, file: relative(this.#displayRoot, path) || basename(path), text: readFileSync(path, 'utf8') };
          })
      : [];
    const stored: RuleFile[] = this.#store.list().map((rule) => ({
      name: rule.name,
      origin: 'stored',
      file: rule.file,
      text: rule.text,
      description: rule.description,
      createdAt: rule.createdAt,
      createdBy: rule.createdBy,
    }));
    return [...builtIn, ...stored];
  }

  /** The collection of every file (plus `extra` files), or InputError with each problem's location. */
  load(extra: readonly RuleText[] = []): LoadedRules {
    const files: RuleFile[] = [...this.files(), ...extra.map((text) => ({ name: text.file, origin: 'file' as const, file: text.file, text: text.text }))];
    const validation = validateRuleTexts(files.map((file) => ({ text: file.text, file: file.file })));
    if (validation.collection === undefined) throw new InputError(validation.problems, { code: 'sigma_rule_invalid' });
    const collection = validation.collection;
    return { collection, files: files.map((file) => ({ ...file, rules: collection.rules.flatMap((rule, index) => (rule.location.file === file.file ? [index] : [])) })) };
  }

  /**
   * Validates `text` as the stored rule `name` together with every other rule (references
   * resolve across files; ids and names must stay unique), then stores it. Nothing is written
   * when anything is wrong: InputError (file:line:col per problem) or UsageError.
   */
  create(input: { name: string; description: string; text: string; file: string; createdBy: string; createdAt: string; replace?: boolean }): { stored: StoredRuleFile; rules: SigmaRule[] } {
    if (!RULE_FILE_NAME.test(input.name)) throw new UsageError(`--name "${input.name.slice(0, 80)}": use lower-case letters, digits, - and _ (at most 64 characters, e.g. brute-force-vpn)`);
    if (input.description.trim() === '') throw new UsageError('--description must not be empty');
    const others = this.files().filter((file) => !(file.origin === 'stored' && file.name === input.name));
    if (this.files().some((file) => file.origin === 'built-in' && file.name === input.name)) throw new UsageError(`--name ${input.name} is a built-in rule file; choose another name`);
    if (this.#store.get(input.name) !== undefined && input.replace !== true) throw new UsageError(`a rule named ${input.name} is already stored; add --replace to replace it`);
    const validation = validateRuleTexts([...others.map((file) => ({ text: file.text, file: file.file })), { text: input.text, file: input.file }]);
    if (validation.collection === undefined) throw new InputError(validation.problems, { code: 'sigma_rule_invalid' });
    const rules = validation.collection.rules.filter((rule) => rule.location.file === input.file);
    const stored = this.#store.save({ name: input.name, description: input.description.trim(), text: input.text, createdBy: input.createdBy, createdAt: input.createdAt, createdFrom: input.file });
    return { stored, rules };
  }

  /**
   * Rule indexes for `--rules` selectors: a rule file's name (every rule in it), a file given
   * on the command line, or a rule's id, name or title. UsageError for one that names nothing.
   */
  select(loaded: LoadedRules, selectors: readonly string[]): Set<number> {
    const selected = new Set<number>();
    const { rules } = loaded.collection;
    for (const selector of selectors) {
      const file = loaded.files.find((candidate) => candidate.name === selector || candidate.file === selector);
      if (file !== undefined) {
        file.rules.forEach((index) => selected.add(index));
        continue;
      }
      const index = rules.findIndex((rule) => rule.id === selector || rule.name === selector || rule.title === selector);
      if (index >= 0) {
        selected.add(index);
        continue;
      }
      const known = [...loaded.files.map((candidate) => candidate.name), ...rules.flatMap((rule) => [rule.name, rule.id].filter((value): value is string => value !== undefined))];
      const suggestion = closest(selector, known);
      throw new UsageError(`--rules: no rule file, id or name "${selector.slice(0, 80)}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`} (see defenseclaw rule list)`);
    }
    return selected;
  }
}
