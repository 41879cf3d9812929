import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYamlValue } from 'yaml';
import { ConfigError } from '../core/errors/index.js';
import { parseConfigText, parseYaml } from './load.js';
import { configSchema } from './schema.js';
import { isSecretPath, kindOf, schemaAt } from './schema-walk.js';
import { MASK } from './secret.js';
import { resolveConfigKey } from './short-forms.js';
import { CONFIG_TEMPLATE } from './template.js';
import { writeFileAtomic } from './write-file.js';
import { setInYamlText } from './yaml-edit.js';

export interface SetConfigValueOptions {
  file: string;
  env: NodeJS.ProcessEnv;
  /** The key as typed; short forms allowed. */
  key: string;
  /** The value as typed on the command line. */
  value: string;
}

export interface ConfigChange {
  /** Canonical dotted key. */
  key: string;
  /** True when there was no config file: it was written from `config init`'s template. */
  created: boolean;
  secret: boolean;
  /** Previous and new value as written in the file; secrets are masked. */
  previous: unknown;
  next: unknown;
}

/**
 * `config set`: validates the whole resulting config against the schema before writing, edits
 * only the value's text so comments and layout survive (yaml-edit.ts), and writes it atomically (0600).
 * On any problem it throws ConfigError and the file is untouched. Without a config file, it
 * writes `config init`'s template with the value set.
 */
export function setConfigValue(options: SetConfigValueOptions): ConfigChange {
  const path = resolveConfigKey(options.key);
  // No config.yaml yet: start from the one `config init` writes, so the file has the usual shape.
  const created = !existsSync(options.file);
  const text = created ? CONFIG_TEMPLATE : readFileSync(options.file, 'utf8');
  const { document } = parseYaml(text, options.file);
  const previous = document.getIn(path);
  const value = convertValue(path, options.value);
  let candidate: string;
  try {
    candidate = setInYamlText(text, document, path, value);
  } catch (error) {
    // e.g. `cisco: 5` in the file: there is no section to set `cisco.region` in.
    throw new ConfigError({ file: options.file, path: path.join('.'), message: `cannot set this key: ${(error as Error).message}` }, { cause: error });
  }
  parseConfigText(candidate, { file: options.file, env: options.env, exists: true });
  writeFileAtomic(options.file, candidate);
  const secret = isSecretPath(configSchema, path);
  return {
    key: path.join('.'),
    created,
    secret,
    previous: secret && previous !== undefined ? MASK : plain(previous),
    next: secret ? MASK : value,
  };
}

/** Converts command-line text to the YAML value the key's schema expects. */
function convertValue(path: string[], text: string): unknown {
  if (text.includes('${')) return text;
  const kind = kindOf(schemaAt(configSchema, path)!);
  switch (kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'boolean': {
      const lowered = text.trim().toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(lowered)) return true;
      if (['false', 'no', 'off', '0'].includes(lowered)) return false;
      return text;
    }
    case 'array': {
      const trimmed = text.trim();
      if (trimmed.startsWith('[')) return parseFlow(path, trimmed);
      return trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim()).filter((item) => item !== '');
    }
    case 'record':
    case 'object':
      return parseFlow(path, text.trim());
    default:
      return text;
  }
}

function parseFlow(path: string[], text: string): unknown {
  try {
    return parseYamlValue(text);
  } catch (error) {
    throw new ConfigError({ path: path.join('.'), message: `value is not valid YAML: ${(error as Error).message.split('\n')[0]}` });
  }
}

function plain(value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value;
}
