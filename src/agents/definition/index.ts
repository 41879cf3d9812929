export {
  AGENT_NAME_PATTERN,
  AGENT_VERSION_PATTERN,
  agentVersionSchema,
  STEP_NAME_PATTERN,
  agentDefinitionSchema,
  agentPermissionsSchema,
  agentStepSchema,
  type AgentDefinition,
  type AgentPermissions,
  type AgentRuntime,
  type AgentStep,
} from './agent-schema.js';
export { AGENT_TYPES, agentScaffold, type AgentType } from './agent-scaffold.js';
export {
  AGENT_FILE_EXTENSIONS,
  isAgentFileName,
  loadAgentDefinition,
  validateAgentFile,
  validateAgentText,
  type AgentValidation,
  type ValidateAgentFileOptions,
} from './validate-agent.js';
export { referenceProblem } from './check-references.js';
export { checkToolParams } from './check-params.js';
export type { ToolLookup } from './tool-lookup.js';
