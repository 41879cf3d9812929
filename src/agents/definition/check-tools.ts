import { closest } from '../../core/suggest.js';
import type { RegisteredTool } from '../../gateway/tool-registry.js';
import type { AgentSource } from './agent-source.js';
import type { RawAgent } from './raw-agent.js';
import { toolNames, type ToolLookup } from './tool-lookup.js';

/**
 * Checks `tools:` and each step's `tool`: every name is known, every step's tool is listed, and
 * `permissions` grants the scope of every listed tool. Returns each step's resolved tool (by step index).
 */
export function checkTools(source: AgentSource, agent: RawAgent, registry: ToolLookup): Map<number, RegisteredTool> {
  const names = toolNames(registry);
  const listed = new Set<string>();
  for (const { index, name } of agent.tools) {
    const tool = registry.resolve(name);
    if (tool === undefined) {
      source.report(['tools', index], unknownTool(name, names));
      continue;
    }
    listed.add(tool.id);
    if (agent.permissions[tool.scope] === false) {
      source.report(['tools', index], `tool "${name}" needs the ${tool.scope} permission (set permissions.${tool.scope}: true)`);
    }
  }
  const stepTools = new Map<number, RegisteredTool>();
  for (const step of agent.steps) {
    if (step.tool === undefined) continue;
    const tool = registry.resolve(step.tool);
    if (tool === undefined) {
      source.report(['steps', step.index, 'tool'], unknownTool(step.tool, names));
      continue;
    }
    stepTools.set(step.index, tool);
    if (!listed.has(tool.id)) source.report(['steps', step.index, 'tool'], `tool "${step.tool}" is not listed in tools`);
    if (agent.runtime !== 'standard' && tool.scope !== 'read' && step.requiresApproval === false) {
      source.note(
        ['steps', step.index, 'requires_approval'],
        agent.runtime === 'secure'
          ? `false is ignored: the secure runtime asks for approval before every ${tool.scope} step`
          : `false is ignored unless config agent.runtime is standard: the secure runtime (the default) asks for approval before every ${tool.scope} step`,
      );
    }
  }
  return stepTools;
}

function unknownTool(name: string, names: readonly string[]): string {
  const suggestion = closest(name, names);
  return `unknown tool "${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
}
