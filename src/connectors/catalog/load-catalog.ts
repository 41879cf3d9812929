import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type InputProblem } from '../../core/errors/index.js';
import { parseYamlDocument } from '../../core/yaml-document.js';
import { locate } from '../../core/yaml-locations.js';
import { catalogFileSchema, type CatalogFile, type CatalogTool } from './catalog-schema.js';

/** The catalog shipped with DefenseClaw: `tools/` at the package root. */
export const DEFAULT_CATALOG_DIRECTORY = fileURLToPath(new URL('../../../tools', import.meta.url));

export interface ToolCatalog {
  /** Catalog file per connector id. */
  connectors: Map<string, CatalogFile & { file: string }>;
  /** Entry per tool id. */
  tools: Map<string, CatalogTool & { connector: string }>;
  /** Alias → tool id. */
  aliases: Map<string, string>;
}

/**
 * Reads every `*.yaml` in the catalog folder. Any problem (YAML syntax, schema, a tool id that
 * does not start with its connector, duplicate ids or aliases) is an InputError with
 * file:line:col; nothing is partially loaded.
 */
export function loadCatalog(directory = DEFAULT_CATALOG_DIRECTORY): ToolCatalog {
  const catalog: ToolCatalog = { connectors: new Map(), tools: new Map(), aliases: new Map() };
  const problems: InputProblem[] = [];
  const files = readdirSync(directory).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();
  for (const name of files) {
    const file = join(directory, name);
    let parsed: { document: import('yaml').Document; lineCounter: import('yaml').LineCounter };
    try {
      parsed = parseYamlDocument(readFileSync(file, 'utf8'), file);
    } catch (error) {
      if (error instanceof InputError) {
        problems.push(...error.problems);
        continue;
      }
      throw error;
    }
    const { document, lineCounter } = parsed;
    const result = catalogFileSchema.safeParse(document.toJS());
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
        problems.push({ file, ...locate(document, lineCounter, path), path: path.join('.') || '(root)', message: issue.message });
      }
      continue;
    }
    const entry = result.data;
    if (catalog.connectors.has(entry.connector)) {
      problems.push({ file, line: 1, column: 1, path: 'connector', message: `connector ${entry.connector} is already described in another file` });
      continue;
    }
    catalog.connectors.set(entry.connector, { ...entry, file });
    entry.tools.forEach((tool, index) => {
      const at = (key: string) => ({ file, ...locate(document, lineCounter, ['tools', index, key]), path: `tools.${index}.${key}` });
      if (!tool.id.startsWith(`${entry.connector}.`)) problems.push({ ...at('id'), message: `tool id ${tool.id} must start with "${entry.connector}."` });
      if (catalog.tools.has(tool.id) || catalog.aliases.has(tool.id)) problems.push({ ...at('id'), message: `duplicate tool id ${tool.id}` });
      catalog.tools.set(tool.id, { ...tool, connector: entry.connector });
      for (const alias of tool.aliases) {
        if (catalog.aliases.has(alias) || catalog.tools.has(alias)) problems.push({ ...at('aliases'), message: `duplicate alias ${alias}` });
        catalog.aliases.set(alias, tool.id);
      }
    });
  }
  if (problems.length > 0) throw new InputError(problems, { code: 'catalog_invalid' });
  return catalog;
}

/** The tool id for an id or an alias, or undefined. */
export function resolveToolId(catalog: ToolCatalog, name: string): string | undefined {
  return catalog.tools.has(name) ? name : catalog.aliases.get(name);
}
