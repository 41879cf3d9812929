import { extname } from 'node:path';
import { ExpressionSyntaxError, parseExpression, referencedPaths, type PathNode } from '../agents/expression/index.js';
import { checkToolParams, type ToolLookup } from '../agents/definition/index.js';
import { scanTemplates } from '../agents/template/index.js';
import { parseDefinitionText, readDefinitionFile, YAML_FILE_EXTENSIONS, type DefinitionValidation } from '../core/definition-file.js';
import { InputError } from '../core/errors/index.js';
import { closest } from '../core/suggest.js';
import { checkDocumentSchema } from '../core/schema-issues.js';
import type { RegisteredTool } from '../gateway/tool-registry.js';
import { knownRoots } from './asset-scope.js';
import { CHECK_KEYS, LIVE_KEYS, POLICY_KEYS, REMEDIATION_KEYS, policyDefinitionSchema, type PolicyDefinition } from './policy-schema.js';
import { PolicySource, type KeyPath } from './policy-source.js';

export const POLICY_FILE_EXTENSIONS = YAML_FILE_EXTENSIONS;

export function isPolicyFileName(file: string): boolean {
  return (POLICY_FILE_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());
}

/** The outcome of validating one policy file. */
export type PolicyValidation = DefinitionValidation<PolicyDefinition>;

/** Reads and validates a policy file. Never throws for bad input; see `problems`. */
export function validatePolicyFile(file: string, tools: ToolLookup, options: { cwd?: string } = {}): PolicyValidation {
  const read = readDefinitionFile(file, options);
  return 'problem' in read ? { problems: [read.problem] } : validatePolicyText(read.text, file, tools);
}

/**
 * Validates policy YAML: the schema (unknown keys, types, patterns), unique check ids, every
 * condition parses and reads only names a check can see, `live` tools are known read tools,
 * remediation tools are known write/execute tools, and tool params fit the tool's input
 * (required keys given, no unknown key, template-free values valid). `file` only labels problems.
 */
export function validatePolicyText(text: string, file: string, tools: ToolLookup): PolicyValidation {
  const parsed = parseDefinitionText(text, file);
  if ('problems' in parsed) return parsed;
  const { raw } = parsed;
  const source = new PolicySource(file, text, parsed.document, parsed.lineCounter);
  if (!isMapping(raw)) {
    source.report([], 'a policy file must be a mapping with name, description, version and checks');
    return { problems: source.problems };
  }
  const definition = checkSchema(source, raw);
  const vars = isMapping(raw.vars) ? Object.keys(raw.vars) : [];
  const checks = Array.isArray(raw.checks) ? raw.checks : [];
  const seen = new Map<string, number>();
  checks.forEach((check, index) => {
    if (!isMapping(check)) return;
    if (typeof check.id === 'string') {
      const first = seen.get(check.id);
      if (first === undefined) seen.set(check.id, index);
      else source.report(['checks', index, 'id'], `duplicate check id "${check.id}" (first used at line ${source.locate(['checks', first, 'id']).line})`);
    }
    const hasLive = isMapping(check.live);
    for (const key of ['applies_to', 'condition'] as const) {
      const noLive = key === 'applies_to' ? 'applies_to is decided before the live read' : undefined;
      if (typeof check[key] === 'string') checkCondition(source, ['checks', index, key], check[key], { live: hasLive && key === 'condition', ...(noLive === undefined ? {} : { noLive }), vars });
    }
    if (isMapping(check.live)) checkToolCall(source, ['checks', index, 'live'], check.live, tools, { kind: 'live', live: false, noLive: 'live params are filled before the read', vars });
    if (isMapping(check.remediation)) checkToolCall(source, ['checks', index, 'remediation'], check.remediation, tools, { kind: 'remediation', live: hasLive, vars });
  });
  const problems = [...source.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return problems.length > 0 || definition === undefined ? { problems } : { definition, problems };
}

/** Loads a policy for running: the definition, or InputError (exit 2) listing every problem at its file:line:col. */
export function loadPolicyFile(file: string, tools: ToolLookup): PolicyDefinition {
  const validation = validatePolicyFile(file, tools);
  if (validation.definition === undefined) throw new InputError(validation.problems.length > 0 ? validation.problems : [{ file, message: 'invalid policy' }], { code: 'policy_invalid' });
  return validation.definition;
}

interface ReferenceOptions {
  /** Whether `live` may be read here. */
  live: boolean;
  /** Why not, when it may not. */
  noLive?: string;
  vars: readonly string[];
}

function checkCondition(source: PolicySource, path: KeyPath, text: string, options: ReferenceOptions): void {
  let expression;
  try {
    expression = parseExpression(text);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    source.report(path, `invalid condition at column ${error.column}: ${error.message}`, { position: source.positionInString(path, error.column - 1) });
    return;
  }
  for (const reference of referencedPaths(expression)) {
    const problem = referenceProblem(reference, options);
    if (problem !== undefined) source.report(path, problem, { position: source.positionInString(path, reference.column - 1) });
  }
}

/** Why a condition or template may not read this path, or undefined when it may. */
function referenceProblem(reference: Pick<PathNode, 'segments' | 'text'>, options: ReferenceOptions): string | undefined {
  const root = String(reference.segments[0]!.key);
  const roots = knownRoots({ live: options.live });
  if (root === 'live' && !options.live) return `"${reference.text}" reads live, but ${options.noLive ?? 'this check has no live read'}`;
  if (!roots.includes(root)) {
    const suggestion = closest(root, roots);
    return `"${reference.text}" reads unknown name "${root}"${suggestion === undefined ? ` (known: ${roots.join(', ')})` : ` (did you mean "${suggestion}"?)`}`;
  }
  if (root === 'vars' && reference.segments.length > 1) {
    const name = String(reference.segments[1]!.key);
    if (!options.vars.includes(name)) {
      const suggestion = closest(name, options.vars);
      return `"${reference.text}" reads vars.${name}, which the policy does not define${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
    }
  }
  return undefined;
}

function checkToolCall(source: PolicySource, path: KeyPath, call: Record<string, unknown>, tools: ToolLookup, options: ReferenceOptions & { kind: 'live' | 'remediation' }): void {
  if (typeof call.tool !== 'string' || call.tool === '') return;
  const tool = tools.resolve(call.tool);
  if (tool === undefined) {
    const names = tools.list().flatMap((candidate) => [candidate.id, ...(candidate.catalog.aliases ?? [])]);
    const suggestion = closest(call.tool, names);
    source.report([...path, 'tool'], `unknown tool "${call.tool}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`);
    return;
  }
  if (options.kind === 'live' && tool.scope !== 'read') source.report([...path, 'tool'], `a live read must use a read tool; ${tool.id} has scope ${tool.scope}`);
  if (options.kind === 'remediation' && tool.scope === 'read') source.report([...path, 'tool'], `a remediation must change something (a write or execute tool); ${tool.id} only reads`);
  const params = call.params === undefined ? {} : isMapping(call.params) ? call.params : undefined;
  if (params === undefined) return;
  checkToolParams(source, [...path, 'params'], call.params !== undefined, tool, params);
  const { references, problems } = scanTemplates(params);
  for (const { location, error } of problems) {
    const at = [...path, 'params', ...location];
    source.report(at, `invalid template at column ${error.column}: ${error.message}`, { position: source.positionInString(at, error.column - 1) });
  }
  for (const reference of references) {
    const problem = referenceProblem({ segments: reference.segments.map((key) => ({ key, column: 0 })), text: reference.path }, options);
    if (problem === undefined) continue;
    const at = [...path, 'params', ...reference.location];
    source.report(at, problem, { position: source.positionInString(at, reference.position.offset) });
  }
}

// ---------------------------------------------------------------------------------------------
// Schema issues → problems at their key.
// ---------------------------------------------------------------------------------------------

function checkSchema(source: PolicySource, raw: unknown): PolicyDefinition | undefined {
  return checkDocumentSchema(source, policyDefinitionSchema, raw, allowedKeys);
}

function allowedKeys(path: ReadonlyArray<string | number>): string[] {
  if (path[0] !== 'checks' || path.length < 2) return POLICY_KEYS;
  if (path[2] === 'live') return LIVE_KEYS;
  if (path[2] === 'remediation') return REMEDIATION_KEYS;
  return CHECK_KEYS;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
