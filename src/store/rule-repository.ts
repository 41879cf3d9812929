import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/write-file.js';

/** Names of stored rules: they are file names, so nothing a path could be made of. */
export const STORED_RULE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What `rule create` records next to the rule text. */
export interface StoredRuleMetadata {
  name: string;
  description: string;
  /** ISO-8601 time of the last create or replace. */
  createdAt: string;
  /** The principal who stored it (`cli:alice`). */
  createdBy: string;
  /** The file it was created from, as given. */
  createdFrom?: string;
  /** SHA-256 of the stored text (hex). */
  sha256: string;
}

export interface StoredRule extends StoredRuleMetadata {
  /** Absolute path of the stored YAML. */
  file: string;
  text: string;
}

/**
 * Correlation rules stored as files under `DEFENSECLAW_HOME/rules/`: `<name>.yaml` holds the
 * Sigma text exactly as validated (so locations stay those of the original), `<name>.meta.json`
 * the name, description and who stored it. A rule exists when its YAML exists; the YAML is
 * written last, each file atomically (`writeFileAtomic`), so a crash leaves the old rule or the
 * new one, never half of one. Validation is the caller's job: this class only stores.
 */
export class RuleRepository {
  constructor(readonly directory: string) {}

  /** Every stored rule, by name. */
  list(): StoredRule[] {
    if (!existsSync(this.directory)) return [];
    return readdirSync(this.directory)
      .filter((entry) => entry.endsWith('.yaml') && STORED_RULE_NAME.test(entry.slice(0, -'.yaml'.length)))
      .map((entry) => this.get(entry.slice(0, -'.yaml'.length))!)
      .filter((rule) => rule !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): StoredRule | undefined {
    if (!STORED_RULE_NAME.test(name)) return undefined;
    const file = this.yamlPath(name);
    if (!existsSync(file)) return undefined;
    const text = readFileSync(file, 'utf8');
    const metadata = this.#metadata(name);
    return {
      name,
      description: metadata?.description ?? '',
      createdAt: metadata?.createdAt ?? '',
      createdBy: metadata?.createdBy ?? '',
      ...(metadata?.createdFrom === undefined ? {} : { createdFrom: metadata.createdFrom }),
      sha256: sha256(text),
      file,
      text,
    };
  }

  /** Stores (or replaces) a rule: metadata first, then the YAML that makes it exist. */
  save(input: { name: string; description: string; text: string; createdBy: string; createdAt: string; createdFrom?: string }): StoredRule {
    if (!STORED_RULE_NAME.test(input.name)) throw new Error(`invalid stored rule name ${JSON.stringify(input.name)}`);
    const metadata: StoredRuleMetadata = {
      name: input.name,
      description: input.description,
      createdAt: input.createdAt,
      createdBy: input.createdBy,
      ...(input.createdFrom === undefined ? {} : { createdFrom: input.createdFrom }),
      sha256: sha256(input.text),
    };
    writeFileAtomic(this.metadataPath(input.name), `${JSON.stringify(metadata, null, 2)}\n`, 0o600);
    writeFileAtomic(this.yamlPath(input.name), input.text, 0o600);
    return this.get(input.name)!;
  }

  yamlPath(name: string): string {
    return join(this.directory, `${name}.yaml`);
  }

  metadataPath(name: string): string {
    return join(this.directory, `${name}.meta.json`);
  }

  #metadata(name: string): Partial<StoredRuleMetadata> | undefined {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.metadataPath(name), 'utf8'));
      if (parsed === null || typeof parsed !== 'object') return undefined;
      const record = parsed as Record<string, unknown>;
      const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
      return { description: text('description') ?? '', createdAt: text('createdAt') ?? '', createdBy: text('createdBy') ?? '', ...(text('createdFrom') === undefined ? {} : { createdFrom: text('createdFrom')! }) };
    } catch {
      return undefined;
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
