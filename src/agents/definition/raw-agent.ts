import type { ToolScope } from '../../connectors/tool.js';

/** A step as written, read defensively: fields of the wrong type are left out (the schema reports them). */
export interface RawStep {
  index: number;
  name?: string;
  tool?: string;
  /** The params mapping, when `params` is one. */
  params?: Record<string, unknown>;
  condition?: string;
  requiresApproval?: boolean;
}

/** The parts of an agent file the cross-field checks need, tolerant of schema errors elsewhere. */
export interface RawAgent {
  /** Undefined when left out (config `agent.runtime` decides, `secure` by default) or not a runtime. */
  runtime: 'secure' | 'standard' | undefined;
  /** Granted or not; undefined when the file's value is not a boolean (the schema reports it, scope checks skip it). */
  permissions: Record<ToolScope, boolean | undefined>;
  tools: Array<{ index: number; name: string }>;
  steps: RawStep[];
}

/** Reads the raw YAML data so semantic checks run even when the schema found problems elsewhere. */
export function readRawAgent(raw: Record<string, unknown>): RawAgent {
  const permissions = isMapping(raw.permissions) ? raw.permissions : raw.permissions === undefined ? {} : undefined;
  const tools = Array.isArray(raw.tools) ? raw.tools : [];
  return {
    runtime: readRuntime(raw),
    permissions: scopeGrants(permissions),
    tools: tools.flatMap((name, index) => (typeof name === 'string' && name !== '' ? [{ index, name }] : [])),
    steps: readRawSteps(raw, 'name'),
  };
}

/** `runtime:` when it is one, else undefined (left out, or wrong: the schema reports it). */
export function readRuntime(raw: Record<string, unknown>): RawAgent['runtime'] {
  return raw.runtime === 'standard' || raw.runtime === 'secure' ? raw.runtime : undefined;
}

/** The `steps:` list read defensively; `nameKey` is where a step keeps its name (`name`, or a workflow's `action`). */
export function readRawSteps(raw: Record<string, unknown>, nameKey: 'name' | 'action'): RawStep[] {
  const steps = Array.isArray(raw.steps) ? raw.steps : [];
  return steps.map((step, index) => {
    if (!isMapping(step)) return { index };
    const name = step[nameKey];
    return {
      index,
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof step.tool === 'string' && step.tool !== '' ? { tool: step.tool } : {}),
      ...(isMapping(step.params) ? { params: step.params } : {}),
      ...(typeof step.condition === 'string' ? { condition: step.condition } : {}),
      ...(typeof step.requires_approval === 'boolean' ? { requiresApproval: step.requires_approval } : {}),
    };
  });
}

/**
 * What a `permissions:` mapping grants per scope: a left-out scope is false; a value that is not a
 * boolean (the schema reports it) and a `permissions:` that is no mapping (undefined) are undefined.
 */
export function scopeGrants(permissions: Record<string, unknown> | undefined): Record<ToolScope, boolean | undefined> {
  const granted = (scope: ToolScope): boolean | undefined => {
    if (permissions === undefined) return undefined;
    const value = permissions[scope];
    return value === undefined ? false : typeof value === 'boolean' ? value : undefined;
  };
  return { read: granted('read'), write: granted('write'), execute: granted('execute') };
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
