import type { z } from 'zod';
import { checkDocumentSchema } from '../../core/schema-issues.js';
import { AGENT_KEYS, PERMISSION_KEYS, STEP_KEYS, agentDefinitionSchema } from './agent-schema.js';
import type { AgentSource } from './agent-source.js';

/** Checks the raw document against the agent schema, reporting each zod issue at its key. */
export function checkSchema(source: AgentSource, raw: unknown): z.output<typeof agentDefinitionSchema> | undefined {
  return checkDocumentSchema(source, agentDefinitionSchema, raw, allowedKeys);
}

function allowedKeys(path: ReadonlyArray<string | number>): string[] {
  if (path[0] === 'permissions') return PERMISSION_KEYS;
  if (path[0] === 'steps') return STEP_KEYS;
  return AGENT_KEYS;
}
