import { extname } from 'node:path';
import { parseDefinitionText, readDefinitionFile, YAML_FILE_EXTENSIONS } from '../../core/definition-file.js';
import { InputError, type InputProblem } from '../../core/errors/index.js';
import type { AgentDefinition } from './agent-schema.js';
import { AgentSource } from './agent-source.js';
import { checkParams } from './check-params.js';
import { checkReferences } from './check-references.js';
import { checkStepNames } from './check-step-names.js';
import { checkTools } from './check-tools.js';
import { isMapping, readRawAgent } from './raw-agent.js';
import { checkSchema } from './schema-problems.js';
import type { ToolLookup } from './tool-lookup.js';

/** File name endings of agent definitions. */
export const AGENT_FILE_EXTENSIONS = YAML_FILE_EXTENSIONS;

/** Whether a file name is an agent definition by its ending. */
export function isAgentFileName(file: string): boolean {
  return (AGENT_FILE_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());
}

/** The outcome of validating one agent file. */
export interface AgentValidation {
  /** The typed definition, only when there are no problems. */
  definition?: AgentDefinition;
  /** Every problem, in file order, each with file:line:col and key path. */
  problems: InputProblem[];
  /** Remarks that are not problems (e.g. an ignored `requires_approval: false`). */
  notes: InputProblem[];
}

export interface ValidateAgentFileOptions {
  /** Folder a relative `file` is read from (default: the process's); problems still name `file` as given. */
  cwd?: string;
}

/** Reads and validates an agent file (.yaml or .yml). Never throws for bad input; see `problems`. */
export function validateAgentFile(file: string, registry: ToolLookup, options: ValidateAgentFileOptions = {}): AgentValidation {
  const read = readDefinitionFile(file, options);
  return 'problem' in read ? { problems: [read.problem], notes: [] } : validateAgentText(read.text, file, registry);
}

/** Validates agent YAML text; `file` is only used in problem locations. */
export function validateAgentText(text: string, file: string, registry: ToolLookup): AgentValidation {
  const parsed = parseDefinitionText(text, file);
  if ('problems' in parsed) return { problems: parsed.problems, notes: [] };
  const { raw } = parsed;
  const source = new AgentSource(file, text, parsed.document, parsed.lineCounter);
  if (!isMapping(raw)) {
    source.report([], 'an agent file must be a mapping with name, description, version, tools, permissions and steps');
    return { problems: source.problems, notes: [] };
  }
  const definition = checkSchema(source, raw);
  const agent = readRawAgent(raw);
  const stepTools = checkTools(source, agent, registry);
  const stepIndexes = checkStepNames(source, agent);
  checkReferences(source, agent, stepIndexes);
  checkParams(source, agent, stepTools);
  const problems = inFileOrder(source.problems);
  if (problems.length > 0 || definition === undefined) return { problems, notes: inFileOrder(source.notes) };
  return { definition, problems, notes: inFileOrder(source.notes) };
}

/**
 * Loads an agent file for running: the typed definition, or InputError (exit 2) listing every
 * problem with its file:line:col and key path.
 */
export function loadAgentDefinition(file: string, registry: ToolLookup, options: ValidateAgentFileOptions = {}): AgentDefinition {
  const validation = validateAgentFile(file, registry, options);
  if (validation.definition === undefined) {
    throw new InputError(validation.problems.length > 0 ? validation.problems : [{ file, message: 'invalid agent definition' }], { code: 'agent_invalid' });
  }
  return validation.definition;
}

/** By line then column; problems at the same place keep the order they were found in. */
function inFileOrder(problems: readonly InputProblem[]): InputProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
