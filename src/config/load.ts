import { existsSync, readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { ConfigError, InputError, type InputProblem } from '../core/errors/index.js';
import { parseYamlDocument } from '../core/yaml-document.js';
import { interpolateTree, type UnresolvedValue } from './interpolate.js';
import { configSchema, type Config } from './schema.js';
import { enumValues, isSecretPath, objectKeys, schemaAt } from './schema-walk.js';
import { closest } from '../core/suggest.js';
import { valueAt } from '../core/value-at.js';
import { describeValue } from '../core/schema-issues.js';
import { locate } from '../core/yaml-locations.js';

/** A parsed, validated config file. */
export interface LoadedConfig {
  /** Path of config.yaml (it may not exist: then every key has its default). */
  file: string;
  exists: boolean;
  /**
   * The typed config. A key whose `${VAR}` is unset throws ConfigError when read, naming the
   * variable and the key; other keys work.
   */
  config: Config;
  /** The same values as plain data, unresolved keys left out (never throws; for show/status). */
  effective: Config;
  unresolved: readonly UnresolvedValue[];
}

export interface LoadConfigOptions {
  file: string;
  env: NodeJS.ProcessEnv;
}

/** Reads, interpolates and validates config.yaml. Throws ConfigError with one problem per line. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const exists = existsSync(options.file);
  const text = exists ? readFileSync(options.file, 'utf8') : '';
  return parseConfigText(text, { ...options, exists });
}

/** Parses a config document from text (config set validates its candidate this way). */
export function parseConfigText(text: string, options: LoadConfigOptions & { exists: boolean }): LoadedConfig {
  const { document, lineCounter } = parseYaml(text, options.file);
  const raw: unknown = document.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const position = locate(document, lineCounter, []);
    throw new ConfigError({ file: options.file, ...position, message: 'the config must be a mapping of keys (key: value)' });
  }
  const { value, unresolved, malformed } = interpolateTree(raw, options.env);
  const problems: InputProblem[] = malformed.map((entry) => ({
    file: options.file,
    ...locate(document, lineCounter, entry.path),
    path: entry.path.join('.'),
    message: 'malformed ${...} reference (use ${NAME} or ${NAME:-default})',
  }));
  const result = configSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      if (unresolved.some((entry) => isPrefix(entry.path, path) || isPrefix(path, entry.path))) continue;
      problems.push(...problemsFromIssue(issue, path, raw, document, lineCounter, options.file));
    }
  }
  if (problems.length > 0 || !result.success) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new ConfigError(problems.length > 0 ? problems : [{ file: options.file, message: 'invalid configuration' }]);
  }
  const effective = result.data;
  const config = structuredClone(effective);
  for (const entry of unresolved) {
    installThrowingGetter(config, entry, () => {
      const position = locate(document, lineCounter, entry.path);
      const names = entry.variables.join(', ');
      const plural = entry.variables.length > 1 ? 'environment variables' : 'environment variable';
      return new ConfigError({
        file: options.file,
        ...position,
        path: entry.path.join('.'),
        message: `${plural} ${names} ${entry.variables.length > 1 ? 'are' : 'is'} not set (set it, or write \${${entry.variables[0]}:-default})`,
      });
    });
  }
  return { file: options.file, exists: options.exists, config, effective, unresolved };
}

/** Parses YAML keeping positions; syntax errors become ConfigError with file:line:col. */
export function parseYaml(text: string, file: string): { document: Document; lineCounter: LineCounter } {
  try {
    return parseYamlDocument(text, file);
  } catch (error) {
    if (error instanceof InputError) throw new ConfigError([...error.problems], { cause: error });
    throw error;
  }
}

type Issue = z.core.$ZodIssue;

function problemsFromIssue(
  issue: Issue,
  path: string[],
  raw: unknown,
  document: Document,
  lineCounter: LineCounter,
  file: string,
): InputProblem[] {
  const yamlPath = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = objectKeys(schemaAt(configSchema, path) ?? configSchema);
    return issue.keys.map((key) => {
      const suggestion = closest(key, allowed);
      return {
        file,
        ...locate(document, lineCounter, [...yamlPath, key], { keyOnly: true }),
        path: [...path, key].join('.'),
        message: `unknown key${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
      };
    });
  }
  const position = locate(document, lineCounter, yamlPath);
  const secretValue = isSecretPath(configSchema, path);
  const received = valueAt(raw, path);
  const shown = secretValue ? '(secret value hidden)' : describeValue(received);
  let message: string;
  switch (issue.code) {
    case 'invalid_value': {
      const leaf = schemaAt(configSchema, path);
      const values = leaf === undefined ? issue.values.map(String) : enumValues(leaf);
      message = `expected one of ${values.join('|')}, got ${shown}`;
      break;
    }
    case 'invalid_type':
      message = received === undefined ? 'required' : `expected ${issue.expected}, got ${shown}`;
      break;
    case 'too_small':
    case 'too_big':
      message = `${issue.message.replace(/^Too (small|big): /, '')}, got ${shown}`;
      break;
    default:
      message = `${issue.message}${received === undefined ? '' : `, got ${shown}`}`;
  }
  return [{ file, ...position, path: path.join('.') || '(root)', message }];
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

function installThrowingGetter(root: unknown, entry: UnresolvedValue, makeError: () => ConfigError): void {
  let parent = root as Record<string, unknown>;
  for (const key of entry.path.slice(0, -1)) {
    const next = parent[key];
    if (next === null || typeof next !== 'object') return;
    parent = next as Record<string, unknown>;
  }
  const key = entry.path[entry.path.length - 1]!;
  Object.defineProperty(parent, key, {
    enumerable: true,
    configurable: false,
    get() {
      throw makeError();
    },
  });
}
