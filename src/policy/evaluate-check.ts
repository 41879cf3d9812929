import { evaluate, isTruthy, parseExpression, referencedPaths, resolvePath, type EvaluationScope, type Expression, type PathNode } from '../agents/expression/index.js';
import { renderParams } from '../agents/template/index.js';
import type { GatewayOutcome } from '../gateway/gateway-result.js';
import type { InventoryAsset } from '../inventory/inventory-asset.js';
import { assetScope } from './asset-scope.js';
import type { CheckEvidence, CheckStatus } from './policy-run.js';
import type { PolicyCheck, PolicyDefinition } from './policy-schema.js';

/** A check with its conditions parsed once per run. */
export interface CompiledCheck {
  policy: PolicyDefinition;
  check: PolicyCheck;
  appliesTo?: Expression;
  condition: Expression;
  /** The paths the condition reads, de-duplicated: what the evidence records. */
  observedPaths: PathNode[];
}

/** Parses a validated check's conditions (validation has already reported syntax errors). */
export function compileCheck(policy: PolicyDefinition, check: PolicyCheck): CompiledCheck {
  const condition = parseExpression(check.condition);
  const seen = new Set<string>();
  const observedPaths = referencedPaths(condition).filter((path) => {
    if (seen.has(path.text) || path.segments[0]!.key === 'vars') return false;
    seen.add(path.text);
    return true;
  });
  return { policy, check, ...(check.applies_to === undefined ? {} : { appliesTo: parseExpression(check.applies_to) }), condition, observedPaths };
}

/** What a live read came to, as the check sees it. */
export type LiveReadResult = { ok: true; output: unknown } | { ok: false; outcome: GatewayOutcome | 'error'; error: string };

export interface CheckContext {
  now: Date;
  /** Performs (or answers from the run's cache) one read through the gateway. */
  readLive(tool: string, input: Record<string, unknown>): Promise<LiveReadResult>;
}

/** A check's verdict on one asset; `scope` is what the remediation's templates see. */
export type CheckOutcome = { applies: false } | { applies: true; status: CheckStatus; evidence: CheckEvidence; scope: EvaluationScope };

/**
 * Evaluates one check on one asset: `applies_to` first (false → not applicable), then the live
 * read if any (its params templated from the asset; a read that does not succeed makes the
 * result `error`, never `pass`), then the condition. Evidence records every value the condition read.
 */
export async function evaluateCheck(compiled: CompiledCheck, asset: InventoryAsset, context: CheckContext): Promise<CheckOutcome> {
  const { policy, check } = compiled;
  const base = {
    asset,
    now: context.now,
    vars: policy.vars,
    policy: { name: policy.name, version: policy.version },
    check: { id: check.id, title: check.title, severity: check.severity },
  };
  let scope = assetScope(base);
  if (compiled.appliesTo !== undefined && !isTruthy(evaluate(compiled.appliesTo, scope))) return { applies: false };
  const evidence: CheckEvidence = { observed: {} };
  if (check.live !== undefined) {
    let input: Record<string, unknown>;
    try {
      input = renderParams(check.live.params, scope);
    } catch (error) {
      evidence.error = `live params: ${(error as Error).message}`;
      return { applies: true, status: 'error', evidence, scope };
    }
    const read = await context.readLive(check.live.tool, input);
    if (!read.ok) {
      evidence.live = { tool: check.live.tool, input, outcome: read.outcome, error: read.error };
      evidence.error = `live read ${check.live.tool} ${read.outcome}: ${read.error}`;
      return { applies: true, status: 'error', evidence, scope };
    }
    evidence.live = { tool: check.live.tool, input, outcome: 'succeeded' };
    scope = assetScope({ ...base, live: read.output });
  }
  for (const path of compiled.observedPaths) evidence.observed[path.text] = shorten(resolvePath(scope, path.segments), 0);
  const passed = isTruthy(evaluate(compiled.condition, scope));
  return { applies: true, status: passed ? 'pass' : 'fail', evidence, scope };
}

const MAX_TEXT = 200;
const MAX_ITEMS = 20;
const MAX_KEYS = 12;

/**
 * A JSON-safe, bounded copy of an observed value: missing as null, long text cut, lists of up to
 * 20 items, mappings of up to 12 keys one level deep; deeper mappings, and mappings of records
 * (`sources`), as their key list.
 */
export function shorten(value: unknown, depth: number): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    if (depth > 1) return `${value.length} item(s)`;
    const items = value.slice(0, MAX_ITEMS).map((item) => shorten(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… ${value.length - MAX_ITEMS} more`] : items;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    const entries = Object.values(value as Record<string, unknown>);
    // A mapping of records (`sources`) reads best as the names it holds.
    if (depth > 0 || (keys.length > 0 && entries.every((entry) => entry !== null && typeof entry === 'object'))) return keys.slice(0, MAX_KEYS);
    const out: Record<string, unknown> = {};
    for (const key of keys.slice(0, MAX_KEYS)) Object.defineProperty(out, key, { value: shorten((value as Record<string, unknown>)[key], depth + 1), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return String(value);
}
