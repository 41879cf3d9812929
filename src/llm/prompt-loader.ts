import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefenseClawError } from '../core/errors/index.js';

/**
 * `prompts/` at the package root. Same relative path from `src/llm/` (tsx, tests) and from
 * `dist/llm/` (the built package), and `prompts` is in package.json `files`.
 */
export const DEFAULT_PROMPTS_DIRECTORY = fileURLToPath(new URL('../../prompts', import.meta.url));

/** Prompt names: lowercase words joined by hyphens (`investigation-system`). Nothing path-like. */
const PROMPT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** `<name>.v<version>.md`, e.g. `investigation-system.v3.md`. */
const PROMPT_FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.v([1-9]\d*)\.md$/;

/** A loaded prompt. `name`, `version` and `sha256` go into the audit record of every model call. */
export interface LoadedPrompt {
  name: string;
  /** The version from the file name (`.v3.md` → 3). */
  version: number;
  /** The file's text (UTF-8), unchanged. */
  text: string;
  /** SHA-256 of the file's bytes, lowercase hex: proves which exact prompt was used. */
  sha256: string;
  /** Absolute path of the file read. */
  path: string;
}

export interface PromptLoaderOptions {
  /** Folder to read; default `DEFAULT_PROMPTS_DIRECTORY`. */
  directory?: string;
}

/** No prompt file with that name (and version). */
export class PromptNotFoundError extends DefenseClawError {
  readonly promptName: string;
  readonly requestedVersion: number | undefined;
  /** Versions of that name that do exist, ascending. */
  readonly availableVersions: readonly number[];

  constructor(promptName: string, requestedVersion: number | undefined, availableVersions: readonly number[], directory: string) {
    const wanted = requestedVersion === undefined ? `prompt "${promptName}"` : `prompt "${promptName}" version ${requestedVersion}`;
    const known = availableVersions.length === 0 ? 'no versions' : `versions ${availableVersions.join(', ')}`;
    super(`${wanted} not found in ${directory} (${known})`, { code: 'prompt_not_found' });
    this.promptName = promptName;
    this.requestedVersion = requestedVersion;
    this.availableVersions = availableVersions;
  }
}

/** The versions of a prompt present in the folder, ascending. Empty when there are none (or no folder). */
export async function listPromptVersions(name: string, options: PromptLoaderOptions = {}): Promise<number[]> {
  const directory = options.directory ?? DEFAULT_PROMPTS_DIRECTORY;
  if (!PROMPT_NAME.test(name)) return [];
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const versions: number[] = [];
  for (const entry of entries) {
    const match = PROMPT_FILE.exec(entry);
    if (match !== null && match[1] === name) versions.push(Number(match[2]));
  }
  return versions.sort((a, b) => a - b);
}

/**
 * Loads `<name>.v<version>.md`; without `version`, the highest version present (numeric order,
 * so v10 beats v9). Throws `PromptNotFoundError` when there is no such file.
 */
export async function loadPrompt(name: string, version?: number, options: PromptLoaderOptions = {}): Promise<LoadedPrompt> {
  const directory = options.directory ?? DEFAULT_PROMPTS_DIRECTORY;
  const versions = await listPromptVersions(name, { directory });
  const chosen = version ?? versions.at(-1);
  if (chosen === undefined || !versions.includes(chosen)) throw new PromptNotFoundError(name, version, versions, directory);
  const path = join(directory, `${name}.v${chosen}.md`);
  const bytes = await readFile(path);
  return { name, version: chosen, text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex'), path };
}
