import { readFileSync } from 'node:fs';
import { isScalar } from 'yaml';
import { z } from 'zod';
import { evaluate, isTruthy, parseExpression, referencedPaths, ExpressionSyntaxError, type EvaluationScope, type Expression } from '../agents/expression/index.js';
import { InputError, type InputProblem } from '../core/errors/index.js';
import { closest } from '../core/suggest.js';
import { valueAt } from '../core/value-at.js';
import { parseYamlDocument } from '../core/yaml-document.js';
import { locate } from '../core/yaml-locations.js';
import type { InventoryAsset } from './inventory-asset.js';

/** A tag: lower-case letters, digits and `._:-`, like the tags products send. */
export const TAG_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,63}$/;
const RULE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * What a rule's condition can read: the asset's fields as `inventory asset <id> --json` prints
 * them, plus `sourceNames` (list), `sourceCount` and `seenDaysAgo` (days since the latest
 * last-seen time, fractional). `tags` holds the source and hand-set tags, never rule tags, so a
 * rule cannot feed on another rule's output.
 */
export const RULE_FIELDS = ['key', 'hostname', 'fqdn', 'ips', 'macs', 'serial', 'cloudId', 'os', 'users', 'lastSeen', 'isolation', 'sources', 'tags', 'sourceNames', 'sourceCount', 'seenDaysAgo'] as const;

export interface TagRule {
  name: string;
  tag: string;
  description?: string;
  /** The condition as written. */
  condition: string;
  expression: Expression;
}

export interface TagRuleSet {
  file: string;
  rules: TagRule[];
}

const ruleSchema = z.strictObject({
  name: z.string().regex(RULE_NAME_PATTERN, 'expected lower-case letters, digits and . _ - (e.g. prod-servers)'),
  tag: z.string().regex(TAG_PATTERN, 'expected a tag: lower-case letters, digits and . _ : - (e.g. crown-jewel)'),
  description: z.string().max(500).optional(),
  condition: z.string().min(1).max(4000),
});
const fileSchema = z.strictObject({ rules: z.array(ruleSchema) });
const RULE_KEYS = Object.keys(ruleSchema.shape);

/** Reads and checks a tag rules file; every problem at its file:line:col in one InputError. */
export function loadTagRules(file: string): TagRuleSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError({ file, message: missing ? 'no tag rules file here (set inventory.tag_rules_file, see tag-rules.example.yaml)' : `cannot read: ${(error as Error).message}` }, { code: 'tag_rules_unreadable' });
  }
  return parseTagRules(text, file);
}

export function parseTagRules(text: string, file: string): TagRuleSet {
  const { document, lineCounter } = parseYamlDocument(text, file);
  const raw: unknown = document.toJS();
  const at = (path: ReadonlyArray<string | number>, message: string, keyOnly = false): InputProblem => ({
    file,
    ...(() => {
      const { line, column } = locate(document, lineCounter, path, keyOnly ? { keyOnly: true } : {});
      return { line, column };
    })(),
    path: path.length === 0 ? '(root)' : path.join('.'),
    message,
  });

  const problems: InputProblem[] = [];
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const allowed = path.length === 0 ? ['rules'] : RULE_KEYS;
        for (const key of issue.keys) {
          const suggestion = closest(key, allowed);
          problems.push(at([...path, key], `unknown key${suggestion === undefined ? ` (allowed: ${allowed.join(', ')})` : ` (did you mean "${suggestion}"?)`}`, true));
        }
      } else if (issue.code === 'invalid_type' && valueAt(raw, path) === undefined) problems.push(at(path, 'required key is missing'));
      else problems.push(at(path, issue.message));
    }
  }

  // Conditions are checked even when other keys are wrong, so one run shows every problem.
  const rawRules = valueAt(raw, ['rules']);
  const names = new Set<string>();
  const rules: TagRule[] = [];
  (Array.isArray(rawRules) ? rawRules : []).forEach((candidate: unknown, index) => {
    const rule = candidate !== null && typeof candidate === 'object' ? (candidate as Record<string, unknown>) : {};
    if (typeof rule.name === 'string') {
      if (names.has(rule.name)) problems.push(at(['rules', index, 'name'], `duplicate rule name "${rule.name}"`));
      names.add(rule.name);
    }
    if (typeof rule.condition !== 'string') return;
    const conditionPath = ['rules', index, 'condition'];
    let expression: Expression;
    try {
      expression = parseExpression(rule.condition);
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError)) throw error;
      problems.push({ ...at(conditionPath, `invalid condition at column ${error.column}: ${error.message}`), ...positionInScalar(document, lineCounter, conditionPath, error.column - 1, text) });
      return;
    }
    for (const path of referencedPaths(expression)) {
      const root = String(path.segments[0]!.key);
      if ((RULE_FIELDS as readonly string[]).includes(root)) continue;
      const suggestion = closest(root, RULE_FIELDS);
      problems.push({
        ...at(conditionPath, `unknown asset field "${root}"${suggestion === undefined ? ` (fields: ${RULE_FIELDS.join(', ')})` : ` (did you mean "${suggestion}"?)`}`),
        ...positionInScalar(document, lineCounter, conditionPath, path.column - 1, text),
      });
    }
    const valid = parsed.success ? parsed.data.rules[index] : undefined;
    if (valid !== undefined) rules.push({ name: valid.name, tag: valid.tag, ...(valid.description === undefined ? {} : { description: valid.description }), condition: valid.condition, expression });
  });
  if (problems.length > 0) throw new InputError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)), { code: 'tag_rules_invalid' });
  return { file, rules };
}

/** The data a condition sees for one asset (see RULE_FIELDS). */
export function ruleScope(asset: InventoryAsset, now: Date): EvaluationScope {
  const sourceNames = Object.keys(asset.sources).sort();
  const seen = asset.lastSeen === undefined ? Number.NaN : Date.parse(asset.lastSeen);
  return {
    ...asset,
    sourceNames,
    sourceCount: sourceNames.length,
    ...(Number.isFinite(seen) ? { seenDaysAgo: (now.getTime() - seen) / 86_400_000 } : {}),
  };
}

/** The rules whose condition holds for the asset. A condition never throws on data (missing paths are false). */
export function matchingRules(rules: readonly TagRule[], asset: InventoryAsset, now: Date): TagRule[] {
  const scope = ruleScope(asset, now);
  return rules.filter((rule) => isTruthy(evaluate(rule.expression, scope)));
}

/** Where character `offset` of a scalar's value sits, when the value appears verbatim in the file. */
function positionInScalar(document: ReturnType<typeof parseYamlDocument>['document'], lineCounter: ReturnType<typeof parseYamlDocument>['lineCounter'], path: ReadonlyArray<string | number>, offset: number, text: string): { line?: number; column?: number } {
  const node = document.getIn(path, true);
  if (!isScalar(node) || node.range == null || typeof node.value !== 'string') return {};
  const at = text.indexOf(node.value, node.range[0]);
  if (at === -1 || at > node.range[1]) return {};
  const { line, col } = lineCounter.linePos(at + offset);
  return { line, column: col };
}

