import { YamlSource } from '../../core/yaml-source.js';

export type { KeyPath } from '../../core/yaml-source.js';

/** A parsed agent (or workflow) file and the problems found in it so far; every check reports through it. */
export class AgentSource extends YamlSource {}
