import type { ToolScope } from '../../connectors/tool.js';

/**
 * What the runner executes: an agent, or a workflow turned into the same shape. Plain data, so
 * a run stores it and a resumed run follows exactly the steps it started with.
 */
export interface RunnableStep {
  name: string;
  tool: string;
  params: Record<string, unknown>;
  condition?: string;
  requiresApproval?: boolean;
}

export interface Runnable {
  kind: 'agent' | 'workflow';
  name: string;
  version: string;
  /** Undefined: the gateway's runtime (config `agent.runtime`). */
  runtime?: 'secure' | 'standard';
  /** Tool names as written (aliases allowed); the permission profile lists their resolved ids. */
  tools: string[];
  permissions: Record<ToolScope, boolean>;
  steps: RunnableStep[];
}

/** A step as written in YAML (an agent's step, or a workflow's action under its name), ready to run. */
export function runnableStep(step: { name: string; tool: string; params?: Record<string, unknown> | undefined; condition?: string | undefined; requires_approval?: boolean | undefined }): RunnableStep {
  return {
    name: step.name,
    tool: step.tool,
    params: step.params ?? {},
    ...(step.condition === undefined ? {} : { condition: step.condition }),
    ...(step.requires_approval === undefined ? {} : { requiresApproval: step.requires_approval }),
  };
}
