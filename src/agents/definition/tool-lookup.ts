import type { RegisteredTool } from '../../gateway/tool-registry.js';

/** The part of the ToolRegistry validation needs (tests may pass a small fake). */
export interface ToolLookup {
  /** The tool for an id or an alias, or undefined. */
  resolve(name: string): RegisteredTool | undefined;
  list(): RegisteredTool[];
}

/** Every name a tool can be called by: ids and catalog aliases. */
export function toolNames(registry: ToolLookup): string[] {
  return registry.list().flatMap((tool) => [tool.id, ...(tool.catalog.aliases ?? [])]);
}
