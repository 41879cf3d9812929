import type { z } from 'zod';
import { closest } from '../../core/suggest.js';
import type { SchemaProblemSink } from '../../core/schema-issues.js';
import type { RegisteredTool } from '../../gateway/tool-registry.js';
import { hasTemplate } from '../template/index.js';
import type { AgentSource } from './agent-source.js';
import type { RawAgent } from './raw-agent.js';

/** Checks each step's params against its tool's input schema (see `checkToolParams`). */
export function checkParams(source: AgentSource, agent: RawAgent, stepTools: ReadonlyMap<number, RegisteredTool>): void {
  for (const step of agent.steps) {
    const tool = stepTools.get(step.index);
    if (tool === undefined) continue;
    checkToolParams(source, ['steps', step.index, 'params'], step.params !== undefined, tool, step.params ?? {});
  }
}

/**
 * Checks the params written at `path` (a `params:` key; `written` says whether it is in the file)
 * against the tool's input schema: every required key is given, no key is unknown, and values
 * without templates already fit their schema. A key is required when its schema does not accept
 * undefined (no `.optional()`, no `.default()`). Agents, workflows and policies share it.
 */
export function checkToolParams(source: SchemaProblemSink, path: ReadonlyArray<string | number>, written: boolean, tool: RegisteredTool, params: Record<string, unknown>): void {
  const shape = tool.definition.input.shape as Record<string, z.ZodType>;
  for (const [key, schema] of Object.entries(shape)) {
    if (Object.hasOwn(params, key) || schema.safeParse(undefined).success) continue;
    const message = `missing required param "${key}" for ${tool.id}`;
    if (written) source.report(path, message, { keyOnly: true });
    else source.report(path.slice(0, -1), message);
  }
  const accepted = Object.keys(shape);
  for (const [key, value] of Object.entries(params)) {
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (schema === undefined) {
      const suggestion = closest(key, accepted);
      const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : accepted.length === 0 ? 'it takes no params' : `accepted: ${accepted.join(', ')}`;
      source.report([...path, key], `unknown param for ${tool.id} (${hint})`, { keyOnly: true });
      continue;
    }
    if (containsTemplate(value)) continue;
    const result = schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
      source.report([...path, key], `invalid value for ${tool.id}: ${where}${issue?.message ?? 'invalid'}`);
    }
  }
}

function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}
