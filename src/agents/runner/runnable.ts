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
