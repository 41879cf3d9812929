import type { ToolScope } from '../../connectors/tool.js';
import type { ToolLookup } from '../definition/index.js';
import { runnableStep, type Runnable } from '../runner/runnable.js';
import type { WorkflowDefinition } from './workflow-schema.js';

/** A workflow as the runner executes it: actions become steps; permissions are declared or derived. */
export function workflowRunnable(workflow: WorkflowDefinition, tools: ToolLookup): Runnable {
  const used = workflow.steps.map((step) => step.tool);
  const derived: Record<ToolScope, boolean> = { read: false, write: false, execute: false };
  for (const name of used) {
    const scope = tools.resolve(name)?.scope;
    if (scope !== undefined) derived[scope] = true;
  }
  return {
    kind: 'workflow',
    name: workflow.name,
    version: workflow.version,
    ...(workflow.runtime === undefined ? {} : { runtime: workflow.runtime }),
    tools: [...new Set(used)],
    permissions: workflow.permissions ?? derived,
    steps: workflow.steps.map(({ action, ...step }) => runnableStep({ name: action, ...step })),
  };
}
