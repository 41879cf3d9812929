import { YamlSource } from '../../core/yaml-source.js';

export type { KeyPath } from '../../core/yaml-source.js';

/**
 * One YAML document of a rule file; every check reports its problems through it, located, into
 * the problem list the whole file shares. A problem at the document's root carries no path.
 */
export class RuleDocument extends YamlSource {
  protected override readonly rootPath = undefined;
}
