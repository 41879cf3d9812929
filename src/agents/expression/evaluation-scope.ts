import type { EvaluationScope } from './evaluate.js';

/** Root names the runner fills itself; a run parameter or step cannot take them over. */
export const RESERVED_ROOTS = ['params', 'steps', 'trigger'] as const;

const UNSAFE_NAMES = new Set(['__proto__', 'prototype', 'constructor']);

export interface RunScopeInput {
  /** Outputs of the steps that finished, by step name, in run order. */
  stepOutputs: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;
  /** Run parameters (`--param k=v`). */
  params?: Readonly<Record<string, unknown>>;
  /** What fired a workflow (event, schedule), if anything. */
  trigger?: unknown;
}

/**
 * The scope conditions and templates see during a run: each finished step's output under its
 * name and under `steps.<name>`, `params`, `trigger`, and every run parameter also at top level
 * unless a step (or a reserved root) has that name — so `severity >= high` reads `--param severity=…`.
 */
export function buildRunScope(input: RunScopeInput): EvaluationScope {
  const outputs = input.stepOutputs instanceof Map ? new Map(input.stepOutputs) : new Map(Object.entries(input.stepOutputs));
  const params = input.params ?? {};
  const scope: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (UNSAFE_NAMES.has(name) || (RESERVED_ROOTS as readonly string[]).includes(name) || outputs.has(name)) continue;
    scope[name] = value;
  }
  const steps: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, output] of outputs) {
    if (UNSAFE_NAMES.has(name)) continue;
    steps[name] = output;
    if (!(RESERVED_ROOTS as readonly string[]).includes(name)) scope[name] = output;
  }
  scope.params = params;
  scope.steps = steps;
  if (input.trigger !== undefined) scope.trigger = input.trigger;
  return scope;
}
