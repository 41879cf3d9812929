import { readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import type { ToolScope } from '../../connectors/tool.js';
import { parseDefinitionText, readDefinitionFile, type DefinitionValidation } from '../../core/definition-file.js';
import { InputError } from '../../core/errors/index.js';
import { checkDocumentSchema } from '../../core/schema-issues.js';
import { closest } from '../../core/suggest.js';
import type { RegisteredTool } from '../../gateway/tool-registry.js';
import { AgentSource } from '../definition/agent-source.js';
import { checkParams } from '../definition/check-params.js';
import { checkReferences } from '../definition/check-references.js';
import { isMapping, readRawSteps, readRuntime, scopeGrants, type RawAgent } from '../definition/raw-agent.js';
import { toolNames, type ToolLookup } from '../definition/tool-lookup.js';
import { ExpressionSyntaxError, parseExpression, RESERVED_ROOTS, severityTypos } from '../expression/index.js';
import { WORKFLOW_KEYS, WORKFLOW_PERMISSION_KEYS, WORKFLOW_STEP_KEYS, WORKFLOW_TRIGGER_KEYS, workflowSchema, type WorkflowDefinition } from './workflow-schema.js';

/** The outcome of validating one workflow file. */
export type WorkflowValidation = DefinitionValidation<WorkflowDefinition>;

/** Reads and validates a workflow file. Never throws for bad input; see `problems`. */
export function validateWorkflowFile(file: string, tools: ToolLookup, options: { cwd?: string } = {}): WorkflowValidation {
  const read = readDefinitionFile(file, options);
  return 'problem' in read ? { problems: [read.problem] } : validateWorkflowText(read.text, file, tools);
}

/**
 * Validates workflow YAML as `agent validate` does agents: YAML syntax, schema, tools that exist
 * (and whose scope `permissions:` grants, when given), the trigger filter, conditions and
 * templates (they read `trigger.…`, `params.…` or EARLIER actions only) and params against each
 * tool's input schema. Every problem at its file:line:col, all together, in file order.
 */
export function validateWorkflowText(text: string, file: string, tools: ToolLookup): WorkflowValidation {
  const parsed = parseDefinitionText(text, file);
  if ('problems' in parsed) return parsed;
  const { raw } = parsed;
  const source = new AgentSource(file, text, parsed.document, parsed.lineCounter);
  if (!isMapping(raw)) {
    source.report([], 'a workflow file must be a mapping with name, trigger and steps');
    return { problems: source.problems };
  }
  const definition = checkDocumentSchema(source, workflowSchema, raw, allowedKeys);
  const workflow = readRawWorkflow(raw);
  checkFilter(source, raw);
  const stepTools = checkStepTools(source, workflow, tools);
  checkReferences(source, workflow, actionIndexes(source, workflow));
  checkParams(source, workflow, stepTools);
  const problems = [...source.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return problems.length === 0 && definition !== undefined ? { definition, problems } : { problems };
}

/** Whether a file reads as a workflow (a YAML mapping with a top-level `trigger`); false when it cannot be read or parsed. */
export function isWorkflowFile(file: string): boolean {
  try {
    const document = parseDocument(readFileSync(file, 'utf8'));
    return document.errors.length === 0 && isMap(document.contents) && document.has('trigger');
  } catch {
    return false;
  }
}

/** Loads a workflow for registering or running: the typed definition, or InputError (exit 2) with every problem. */
export function loadWorkflowDefinition(file: string, tools: ToolLookup): WorkflowDefinition {
  const validation = validateWorkflowFile(file, tools);
  if (validation.definition === undefined) {
    throw new InputError(validation.problems.length > 0 ? validation.problems : [{ file, message: 'invalid workflow definition' }], { code: 'workflow_invalid' });
  }
  return validation.definition;
}

function allowedKeys(path: ReadonlyArray<string | number>): readonly string[] {
  if (path[0] === 'trigger') return WORKFLOW_TRIGGER_KEYS;
  if (path[0] === 'permissions') return WORKFLOW_PERMISSION_KEYS;
  if (path[0] === 'steps') return WORKFLOW_STEP_KEYS;
  return WORKFLOW_KEYS;
}

/** The steps as the shared agent checks read them (an action is a step's name); tools are the steps' own. */
function readRawWorkflow(raw: Record<string, unknown>): RawAgent & { declared: Record<ToolScope, boolean | undefined> | undefined } {
  return {
    runtime: readRuntime(raw),
    permissions: { read: true, write: true, execute: true },
    // Left out: the scopes its steps' tools need are granted (see workflowRunnable).
    declared: isMapping(raw.permissions) ? scopeGrants(raw.permissions) : undefined,
    tools: [],
    steps: readRawSteps(raw, 'action'),
  };
}

/** The trigger filter is a condition over each new item of the source: it must parse, and a severity must be spelt right. */
function checkFilter(source: AgentSource, raw: Record<string, unknown>): void {
  const filter = isMapping(raw.trigger) ? raw.trigger.filter : undefined;
  if (typeof filter !== 'string') return;
  const path = ['trigger', 'filter'];
  try {
    for (const { node, suggestion } of severityTypos(parseExpression(filter))) {
      source.report(path, `"${node.text}" is not a severity (info, low, medium, high, critical): did you mean ${suggestion}?`, { position: source.positionInString(path, node.column - 1) });
    }
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    source.report(path, `invalid condition at column ${error.column}: ${error.message}`, { position: source.positionInString(path, error.column - 1) });
  }
}

/** Every step's tool exists and, when the workflow declares `permissions:`, its scope is granted. */
function checkStepTools(source: AgentSource, workflow: ReturnType<typeof readRawWorkflow>, tools: ToolLookup): Map<number, RegisteredTool> {
  const names = toolNames(tools);
  const stepTools = new Map<number, RegisteredTool>();
  for (const step of workflow.steps) {
    if (step.tool === undefined) continue;
    const tool = tools.resolve(step.tool);
    if (tool === undefined) {
      const suggestion = closest(step.tool, names);
      source.report(['steps', step.index, 'tool'], `unknown tool "${step.tool}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`);
      continue;
    }
    stepTools.set(step.index, tool);
    if (workflow.declared?.[tool.scope] === false) {
      source.report(['steps', step.index, 'tool'], `tool "${step.tool}" needs the ${tool.scope} permission (set permissions.${tool.scope}: true)`);
    }
  }
  return stepTools;
}

/** Each action's index, for the reference checks; an action named like run data (`trigger`) is refused. */
function actionIndexes(source: AgentSource, workflow: RawAgent): Map<string, number> {
  const indexes = new Map<string, number>();
  for (const step of workflow.steps) {
    if (step.name === undefined) continue;
    if ((RESERVED_ROOTS as readonly string[]).includes(step.name)) {
      source.report(['steps', step.index, 'action'], `action name "${step.name}" is reserved (${RESERVED_ROOTS.join(', ')} name run data)`);
    }
    if (!indexes.has(step.name)) indexes.set(step.name, step.index);
  }
  return indexes;
}
