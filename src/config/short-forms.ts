import { ConfigError } from '../core/errors/index.js';
import { CISCO_PRODUCTS, INTEGRATIONS, configSchema } from './schema.js';
import { kindOf, leafPaths, objectKeys, schemaAt } from './schema-walk.js';
import { closest } from '../core/suggest.js';

/** Single-word keys the seed documents accept as shorthands. */
const ALIASES: Record<string, string[]> = {
  runtime: ['agent', 'runtime'],
  region: ['cisco', 'region'],
  products: ['cisco', 'products'],
  scan_interval: ['inventory', 'scan_interval'],
  auto_tag: ['inventory', 'auto_tag'],
  tag_rules_file: ['inventory', 'tag_rules_file'],
};

/**
 * Turns a key as typed (`splunk.url`, `crowdstrike.client_id`, `umbrella.api_key`,
 * `integrations.splunk.url`) into its canonical path, and checks that it names a settable key
 * (or, with `section`, a whole section such as `splunk`, for reading).
 */
export function resolveConfigKey(key: string, options: { section?: boolean } = {}): string[] {
  const typed = key.trim().split('.').filter((part) => part !== '');
  if (typed.length === 0) throw new ConfigError({ path: key, message: 'empty config key' });
  let path = typed;
  const first = typed[0]!;
  if ((INTEGRATIONS as readonly string[]).includes(first)) path = ['integrations', ...typed];
  else if ((CISCO_PRODUCTS as readonly string[]).includes(first) && typed.length > 1) path = ['cisco', ...typed];
  else if (typed.length === 1 && ALIASES[first] !== undefined) path = ALIASES[first]!;

  const schema = schemaAt(configSchema, path);
  if (schema === undefined) {
    const known = leafPaths(configSchema).map((leaf) => leaf.join('.'));
    const suggestion = closest(path.join('.'), known) ?? suggestAtParent(path);
    throw new ConfigError({
      path: key,
      message: `unknown config key${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
    });
  }
  if (kindOf(schema) === 'object' && options.section !== true) {
    throw new ConfigError({
      path: path.join('.'),
      message: `is a section, not a value; set one of its keys: ${objectKeys(schema).join(', ')}`,
    });
  }
  return path;
}

function suggestAtParent(path: readonly string[]): string | undefined {
  const parent = schemaAt(configSchema, path.slice(0, -1));
  if (parent === undefined) return undefined;
  const match = closest(path[path.length - 1]!, objectKeys(parent));
  return match === undefined ? undefined : [...path.slice(0, -1), match].join('.');
}
