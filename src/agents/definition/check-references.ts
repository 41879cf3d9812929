import { closest } from '../../core/suggest.js';
import { ExpressionSyntaxError, parseExpression, referencedPaths, severityTypos } from '../expression/index.js';
import { scanTemplates } from '../template/index.js';
import type { AgentSource } from './agent-source.js';
import type { RawAgent, RawStep } from './raw-agent.js';

/** Roots that are run data, not step outputs. */
const DATA_ROOTS = new Set(['params', 'trigger']);

/**
 * Checks every condition and every `{{ }}` template of every step: it must parse, and each path
 * it reads must be run data or the output of an EARLIER step:
 *  - `params.…`, `trigger.…` and a bare `steps` are always allowed;
 *  - `steps.X.…` and `X.…` need X to be a step before this one (not this step, not a later one);
 *  - a bare single name that is no step (`severity`) is a run parameter given at top level.
 *    A dotted path whose root is no step (`enrichment.verdict`) is an unknown step.
 */
export function checkReferences(source: AgentSource, agent: RawAgent, stepIndexes: ReadonlyMap<string, number>): void {
  for (const step of agent.steps) {
    if (step.condition !== undefined) checkCondition(source, step, step.condition, stepIndexes);
    if (step.params !== undefined) checkTemplates(source, step, step.params, stepIndexes);
  }
}

function checkCondition(source: AgentSource, step: RawStep, condition: string, stepIndexes: ReadonlyMap<string, number>): void {
  const path = ['steps', step.index, 'condition'];
  let expression;
  try {
    expression = parseExpression(condition);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    source.report(path, `invalid condition at column ${error.column}: ${error.message}`, { position: source.positionInString(path, error.column - 1) });
    return;
  }
  const typos = severityTypos(expression);
  for (const { node, suggestion } of typos) {
    source.report(path, `"${node.text}" is not a severity (info, low, medium, high, critical): did you mean ${suggestion}? (a run parameter of that name is params.${node.text})`, {
      position: source.positionInString(path, node.column - 1),
    });
  }
  for (const reference of referencedPaths(expression)) {
    if (typos.some((typo) => typo.node === reference)) continue;
    const problem = referenceProblem(reference.segments.map((segment) => segment.key), reference.text, step.index, stepIndexes);
    if (problem !== undefined) source.report(path, problem, { position: source.positionInString(path, reference.column - 1) });
  }
}

function checkTemplates(source: AgentSource, step: RawStep, params: Record<string, unknown>, stepIndexes: ReadonlyMap<string, number>): void {
  const { references, problems } = scanTemplates(params);
  for (const { location, error } of problems) {
    const path = ['steps', step.index, 'params', ...location];
    source.report(path, `invalid template at column ${error.column}: ${error.message}`, { position: source.positionInString(path, error.column - 1) });
  }
  for (const reference of references) {
    const problem = referenceProblem(reference.segments, reference.path, step.index, stepIndexes);
    if (problem === undefined) continue;
    const path = ['steps', step.index, 'params', ...reference.location];
    source.report(path, problem, { position: source.positionInString(path, reference.position.offset) });
  }
}

/** Why a path may not be read from step `index`, or undefined when it may. */
export function referenceProblem(
  segments: ReadonlyArray<string | number>,
  text: string,
  index: number,
  stepIndexes: ReadonlyMap<string, number>,
): string | undefined {
  const root = String(segments[0]);
  if (DATA_ROOTS.has(root)) return undefined;
  let target: string;
  if (root === 'steps') {
    if (segments.length === 1) return undefined;
    if (typeof segments[1] !== 'string') return `"${text}": expected steps.<step name>`;
    target = segments[1];
  } else {
    target = root;
  }
  const targetIndex = stepIndexes.get(target);
  if (targetIndex === undefined) {
    if (root !== 'steps' && segments.length === 1) return undefined;
    const suggestion = closest(target, [...stepIndexes.keys()]);
    return `"${text}" reads unknown step "${target}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
  }
  if (targetIndex === index) return `"${text}" reads this step's own output; only earlier steps' outputs exist`;
  if (targetIndex > index) return `"${text}" reads step "${target}", which runs later; only earlier steps' outputs exist`;
  return undefined;
}
