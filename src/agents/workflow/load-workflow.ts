import { readFileSync } from 'node:fs';
import type { ToolScope } from '../../connectors/tool.js';
import { InputError, type InputProblem } from '../../core/errors/index.js';
import { parseYamlDocument } from '../../core/yaml-document.js';
import { locate } from '../../core/yaml-locations.js';
import type { ToolLookup } from '../definition/index.js';
import { ExpressionSyntaxError, parseExpression } from '../expression/index.js';
import type { Runnable } from '../runner/runnable.js';
import { scanTemplates } from '../template/index.js';
import { workflowSchema, type WorkflowDefinition } from './workflow-schema.js';

/**
 * Reads and checks a workflow file: YAML, schema, tools that exist, filter and condition syntax,
 * template syntax, each problem at its file:line:col. Throws InputError (exit 2) with all of them.
 */
export function loadWorkflowDefinition(file: string, tools: ToolLookup, text = readFileSync(file, 'utf8')): WorkflowDefinition {
  const { document, lineCounter } = parseYamlDocument(text, file);
  const at = (path: Array<string | number>, message: string): InputProblem => ({ file, ...locate(document, lineCounter, path), path: path.join('.'), message });
  const parsed = workflowSchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => at(issue.path.filter((key): key is string | number => typeof key !== 'symbol'), issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : issue.message)),
      { code: 'workflow_invalid' },
    );
  }
  const workflow = parsed.data;
  const problems: InputProblem[] = [];
  const checkExpression = (path: Array<string | number>, expression: string) => {
    try {
      parseExpression(expression);
    } catch (error) {
      if (error instanceof ExpressionSyntaxError) problems.push(at(path, `bad condition at column ${error.column}: ${error.message}`));
      else throw error;
    }
  };
  if (workflow.trigger.filter !== undefined) checkExpression(['trigger', 'filter'], workflow.trigger.filter);
  workflow.steps.forEach((step, index) => {
    const tool = tools.resolve(step.tool);
    if (tool === undefined) problems.push(at(['steps', index, 'tool'], `unknown tool ${step.tool}`));
    else if (workflow.permissions !== undefined && !workflow.permissions[tool.scope]) problems.push(at(['steps', index, 'tool'], `${step.tool} needs the ${tool.scope} permission`));
    if (step.condition !== undefined) checkExpression(['steps', index, 'condition'], step.condition);
    for (const problem of scanTemplates(step.params ?? {}).problems) problems.push(at(['steps', index, 'params', ...problem.location], problem.error.message));
  });
  if (problems.length > 0) throw new InputError(problems, { code: 'workflow_invalid' });
  return workflow;
}

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
    steps: workflow.steps.map((step) => ({
      name: step.action,
      tool: step.tool,
      params: (step.params ?? {}) as Record<string, unknown>,
      ...(step.condition === undefined ? {} : { condition: step.condition }),
      ...(step.requires_approval === undefined ? {} : { requiresApproval: step.requires_approval }),
    })),
  };
}
