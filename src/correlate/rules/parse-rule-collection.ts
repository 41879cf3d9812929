import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError, type InputProblem } from '../../core/errors/index.js';
import { isMapping, readDetection } from './read-detection.js';
import { readCorrelation } from './read-correlation.js';
import { checkSchema } from './report-schema-issues.js';
import { resolveReferences, type ReadRule } from './resolve-references.js';
import { RuleDocument } from './rule-document.js';
import { correlationRuleSchema, detectionRuleSchema } from './rule-schema.js';
import type { RuleCollection, RuleIdentity, RuleLevel, RuleLogsource, SigmaRule } from './rule-types.js';

/** One rule file's text and the name problems should carry. */
export interface RuleText {
  text: string;
  file: string;
}

/** The outcome of validating rule files. */
export interface RuleValidation {
  /** Only when there are no problems. */
  collection?: RuleCollection;
  /** Every problem, in file order, each with file:line:col. */
  problems: InputProblem[];
}

/**
 * Parses one multi-document Sigma YAML text (detection and correlation rules separated by `---`),
 * resolving references inside it. Throws InputError (exit 2) with one `file:line:col: …` problem
 * per line when anything is wrong.
 */
export function parseRuleCollection(text: string, file: string): RuleCollection {
  return parseRuleTexts([{ text, file }]);
}

/** Like parseRuleCollection over several files; references resolve across all of them. */
export function parseRuleTexts(sources: readonly RuleText[]): RuleCollection {
  const validation = validateRuleTexts(sources);
  if (validation.collection === undefined) throw new InputError(validation.problems, { code: 'sigma_rule_invalid' });
  return validation.collection;
}

/** Validates rule files without throwing; see `problems`. */
export function validateRuleTexts(sources: readonly RuleText[]): RuleValidation {
  const problems: InputProblem[] = [];
  const entries: ReadRule[] = [];
  for (const source of sources) {
    const before = problems.length;
    const read = readRuleText(source, problems);
    entries.push(...read);
    if (read.length === 0 && problems.length === before) problems.push({ file: source.file, line: 1, column: 1, message: 'no Sigma rule in this file' });
  }
  resolveReferences(entries);
  if (problems.length > 0) return { problems: inFileOrder(problems, sources) };
  return { collection: { rules: entries.map(({ rule }) => rule!) }, problems: [] };
}

function readRuleText(source: RuleText, problems: InputProblem[]): ReadRule[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source.text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  const entries: ReadRule[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const position = error.linePos?.[0];
        problems.push({
          file: source.file,
          ...(position === undefined ? {} : { line: position.line, column: position.col }),
          message: `YAML syntax error: ${firstLine(error.message)}`,
        });
      }
      continue;
    }
    if (document.contents === null) continue;
    const ruleDocument = new RuleDocument(source.file, source.text, document, lineCounter, problems);
    const raw: unknown = document.toJS({ maxAliasCount: 100 });
    const rule = readRule(ruleDocument, raw);
    if (rule !== undefined) entries.push({ rule, source: ruleDocument, title: rule.title, ...(rule.id === undefined ? {} : { id: rule.id }), ...(rule.name === undefined ? {} : { name: rule.name }) });
    else if (isMapping(raw)) entries.push(brokenEntry(ruleDocument, raw));
  }
  return entries;
}

/** What other rules may still refer to in a document that had problems. */
function brokenEntry(source: RuleDocument, raw: Record<string, unknown>): ReadRule {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const id = text(raw.id);
  const name = text(raw.name);
  const rules = isMapping(raw.correlation) ? raw.correlation.rules : undefined;
  return {
    source,
    title: text(raw.title) ?? '(untitled)',
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
    ...(Array.isArray(rules) && rules.every((item) => typeof item === 'string') ? { references: rules as string[] } : {}),
  };
}

function readRule(source: RuleDocument, raw: unknown): SigmaRule | undefined {
  if (!isMapping(raw)) {
    source.report([], 'a Sigma rule document must be a mapping with a title and a detection or correlation section');
    return undefined;
  }
  if ('correlation' in raw && ('detection' in raw || 'logsource' in raw)) {
    source.report(['correlation'], 'a document is either a detection rule (logsource, detection) or a correlation rule, not both', { keyOnly: true });
    return undefined;
  }
  if ('correlation' in raw) return readCorrelationRule(source, raw);
  if ('detection' in raw || 'logsource' in raw) return readDetectionRule(source, raw);
  if ('filter' in raw) source.report(['filter'], 'Sigma filter documents are not supported', { keyOnly: true });
  else source.report([], 'not a Sigma rule: expected a "detection" (with "logsource") or a "correlation" section');
  return undefined;
}

function readDetectionRule(source: RuleDocument, raw: Record<string, unknown>): SigmaRule | undefined {
  const document = checkSchema(source, detectionRuleSchema, raw);
  const detection = isMapping(raw.detection) ? readDetection(source, raw.detection) : undefined;
  if (document === undefined || detection === undefined) return undefined;
  const logsource: RuleLogsource = {};
  for (const key of ['category', 'product', 'service'] as const) {
    const value = document.logsource[key];
    if (value !== undefined) logsource[key] = value.toLowerCase();
  }
  return { kind: 'detection', ...identity(source, document), logsource, identifiers: detection.identifiers, condition: detection.condition };
}

function readCorrelationRule(source: RuleDocument, raw: Record<string, unknown>): SigmaRule | undefined {
  const document = checkSchema(source, correlationRuleSchema, raw);
  if (document === undefined) return undefined;
  const correlation = readCorrelation(source, document);
  if (correlation === undefined) return undefined;
  return {
    kind: 'correlation',
    ...identity(source, document),
    ...correlation,
    references: [],
    groupFieldsByReference: [],
    valueFieldsByReference: [],
  };
}

function identity(
  source: RuleDocument,
  document: { title: string; id?: string | undefined; name?: string | undefined; level?: string | undefined; description?: string | undefined; tags?: string[] | undefined },
): RuleIdentity {
  const position = source.locate([]);
  return {
    title: document.title,
    ...(document.id === undefined ? {} : { id: document.id }),
    ...(document.name === undefined ? {} : { name: document.name }),
    ...(document.level === undefined ? {} : { level: document.level as RuleLevel }),
    ...(document.description === undefined ? {} : { description: document.description }),
    tags: document.tags ?? [],
    location: { file: source.file, line: position.line, column: position.column },
  };
}

/** By file (in the order given), then line, then column; ties keep the order found. */
function inFileOrder(problems: readonly InputProblem[], sources: readonly RuleText[]): InputProblem[] {
  const fileOrder = new Map(sources.map((source, index) => [source.file, index]));
  return [...problems].sort(
    (a, b) => (fileOrder.get(a.file ?? '') ?? 0) - (fileOrder.get(b.file ?? '') ?? 0) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
}
