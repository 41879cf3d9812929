import { z } from 'zod';
import type { PermissionProfile } from '../../gateway/caller.js';
import type { RegisteredTool } from '../../gateway/tool-registry.js';
import type { JsonSchemaObject, ModelToolDefinition } from '../../llm/index.js';

/** The tools offered to the model, and the way back from a model tool name to a gateway tool id. */
export interface ModelToolSet {
  definitions: ModelToolDefinition[];
  /** Gateway tool id for a model tool name, or undefined when the model made the name up. */
  toolId(name: string): string | undefined;
}

/** Anthropic tool names allow `[a-zA-Z0-9_-]{1,64}`: dots become double underscores. */
export function modelToolName(toolId: string): string {
  return toolId.replace(/\./g, '__');
}

const PROPOSAL_NOTE =
  ' PROPOSAL ONLY: calling this files an approval request for a human approver; it does not run now, and the result says whether it was filed or refused.';

/**
 * Exactly the tools the profile grants (by id or `*`, and by scope), sorted by id so the prefix
 * the prompt cache keys on never changes between turns or investigations. The last definition
 * carries the cache breakpoint: system prompt and tools are cached together.
 */
export function modelToolSet(tools: readonly RegisteredTool[], permissions: PermissionProfile): ModelToolSet {
  const granted = tools
    .filter((tool) => permissions.scopes[tool.scope] && (permissions.tools === '*' || permissions.tools.has(tool.id)))
    .sort((a, b) => a.id.localeCompare(b.id));
  const byName = new Map<string, string>();
  const definitions = granted.map((tool, index): ModelToolDefinition => {
    const name = modelToolName(tool.id);
    byName.set(name, tool.id);
    return {
      name,
      description: `${tool.catalog.description.trim()}${tool.scope === 'read' ? '' : PROPOSAL_NOTE}`,
      inputSchema: inputJsonSchema(tool.definition.input),
      ...(index === granted.length - 1 ? { cache: true } : {}),
    };
  });
  return { definitions, toolId: (name) => byName.get(name) };
}

/** The tool's zod input as JSON Schema (input side: defaults optional), without the `$schema` marker. */
function inputJsonSchema(schema: z.ZodType): JsonSchemaObject {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...json, type: 'object' } as JsonSchemaObject;
}
