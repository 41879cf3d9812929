import { z } from 'zod';

export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
export const STEP_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
/** A version: 1, 1.0, 1.0.0, 2.1.0-beta.1. */
export const AGENT_VERSION_PATTERN = /^[0-9]+(?:\.[0-9]+){0,2}(?:[-+][0-9A-Za-z.-]+)?$/;

/**
 * `version:` as people write it: a string, or a bare YAML number (`version: 1.0` reads as the
 * number 1, kept as "1"; `version: 1.5` as "1.5").
 */
export const agentVersionSchema = z.preprocess(
  (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? String(value) : value),
  z.string().regex(AGENT_VERSION_PATTERN, { message: 'expected a version like 1.0.0' }),
);

/** One step: call `tool` with `params` (templates allowed) when `condition` holds. */
export const agentStepSchema = z.strictObject({
  /** Unique within the agent; later steps read this step's output as `<name>.…` or `steps.<name>.…`. */
  name: z.string().regex(STEP_NAME_PATTERN, { message: 'expected lower-case letters, digits and _, starting with a letter (e.g. get_incident)' }),
  /** A tool id or alias, e.g. `cisco.xdr.events`; it must be listed in `tools`. */
  tool: z.string().min(1, { message: 'expected a tool id, e.g. splunk.search' }),
  /** Tool input; string values may hold `{{ path }}` templates. */
  params: z.record(z.string(), z.unknown()).optional(),
  /** Run the step only when this expression holds, e.g. `severity >= high`. */
  condition: z.string().min(1, { message: 'expected an expression, e.g. severity >= high' }).optional(),
  /** Ask an approver first. In the `secure` runtime write/execute steps always ask, whatever this says. */
  requires_approval: z.boolean().optional(),
});

/** What the agent may do: each listed tool's scope must be granted here. */
export const agentPermissionsSchema = z.strictObject({
  read: z.boolean().default(false),
  write: z.boolean().default(false),
  execute: z.boolean().default(false),
});

/** A deterministic YAML agent (agents/*.yaml), in the seed's format. Unknown keys are errors. */
export const agentDefinitionSchema = z.strictObject({
  name: z.string().regex(AGENT_NAME_PATTERN, { message: 'expected lower-case letters, digits and -, starting with a letter (e.g. phishing-triage)' }),
  description: z.string().min(1, { message: 'expected a short description' }),
  version: agentVersionSchema,
  /**
   * `secure`: every write/execute call waits for approval. `standard`: each step's `requires_approval`
   * as written (else the catalog's default). Left out: config `agent.runtime` (default `secure`).
   */
  runtime: z.enum(['secure', 'standard']).optional(),
  /** Tool ids or aliases the agent may call. */
  tools: z.array(z.string().min(1, { message: 'expected a tool id, e.g. splunk.search' })).min(1, { message: 'list at least one tool' }),
  permissions: agentPermissionsSchema.default({ read: false, write: false, execute: false }),
  steps: z.array(agentStepSchema).min(1, { message: 'expected at least one step' }),
});

export type AgentDefinition = z.output<typeof agentDefinitionSchema>;
export type AgentStep = z.output<typeof agentStepSchema>;
export type AgentPermissions = z.output<typeof agentPermissionsSchema>;
export type AgentRuntime = AgentDefinition['runtime'];

export const AGENT_KEYS = Object.keys(agentDefinitionSchema.shape);
export const STEP_KEYS = Object.keys(agentStepSchema.shape);
export const PERMISSION_KEYS = Object.keys(agentPermissionsSchema.shape);
