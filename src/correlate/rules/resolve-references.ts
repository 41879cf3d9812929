import { closest } from '../../core/suggest.js';
import { decidedAtWindowClose } from './count-condition.js';
import type { RuleDocument } from './rule-document.js';
import type { CorrelationRule, SigmaRule } from './rule-types.js';

/** A rule document after reading: the rule, or (when it was invalid) what others may refer to. */
export interface ReadRule {
  /** Undefined when the document had problems. */
  rule?: SigmaRule;
  source: RuleDocument;
  id?: string;
  name?: string;
  title: string;
  /** For an invalid correlation: its `rules` list, still checked for unknown references. */
  references?: string[];
}

/**
 * Resolves every correlation's `rules` by id or name across the whole collection, then checks
 * what depends on that: no duplicate ids or names, no cycles, aliases that name listed rules,
 * and chained correlations that pass on the group-by fields the outer one reads. Fills
 * `references`, `groupFieldsByReference` and `valueFieldsByReference`; reports every problem.
 */
export function resolveReferences(entries: readonly ReadRule[]): void {
  const lookup = buildLookup(entries);
  const resolved: boolean[] = entries.map(({ rule, source, references }, index) => {
    if (rule === undefined) {
      if (references !== undefined) reportUnknown(references, source, lookup);
      return false;
    }
    return rule.kind === 'correlation' ? resolveRuleList(rule, source, index, entries, lookup) : true;
  });
  const inCycle = findCycles(entries, resolved);
  entries.forEach(({ rule, source }, index) => {
    if (rule?.kind !== 'correlation' || !resolved[index] || inCycle[index]) return;
    checkAliases(rule, source, lookup);
    resolveFields(rule, source, entries);
  });
}

function reportUnknown(references: readonly string[], source: RuleDocument, lookup: Map<string, number>): void {
  references.forEach((reference, position) => {
    if (!lookup.has(reference)) source.report(['correlation', 'rules', position], unknownMessage(reference, lookup));
  });
}

function unknownMessage(reference: string, lookup: Map<string, number>): string {
  const suggestion = closest(reference, [...lookup.keys()]);
  return `unknown rule "${reference}": no rule in the collection has this id or name${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
}

export function ruleLabel(rule: SigmaRule): string {
  return rule.name ?? rule.id ?? rule.title;
}

function buildLookup(entries: readonly ReadRule[]): Map<string, number> {
  const lookup = new Map<string, number>();
  entries.forEach((entry, index) => {
    for (const key of ['id', 'name'] as const) {
      const value = entry[key];
      if (value === undefined) continue;
      const other = lookup.get(value);
      if (other !== undefined && other !== index) {
        const first = entries[other]!;
        const position = first.source.locate([]);
        entry.source.report([key], `duplicate ${key} "${value}": rule "${first.title}" at ${first.source.file}:${position.line}:${position.column} already uses it`);
        continue;
      }
      lookup.set(value, index);
    }
  });
  return lookup;
}

function resolveRuleList(rule: CorrelationRule, source: RuleDocument, index: number, entries: readonly ReadRule[], lookup: Map<string, number>): boolean {
  let ok = true;
  rule.references = rule.rules.map((reference, position) => {
    const target = lookup.get(reference);
    if (target === undefined) {
      source.report(['correlation', 'rules', position], unknownMessage(reference, lookup));
      ok = false;
      return -1;
    }
    // An invalid rule was reported where it is; referring to it is no new problem.
    if (entries[target]!.rule === undefined) ok = false;
    if (target === index) {
      source.report(['correlation', 'rules', position], 'a correlation cannot reference itself');
      ok = false;
      return -1;
    }
    return target;
  });
  if (!ok) return false;
  const positions = new Map<number, number>();
  rule.references.forEach((target, position) => {
    const earlier = positions.get(target);
    if (earlier !== undefined) {
      source.report(['correlation', 'rules', position], `"${rule.rules[position]}" and "${rule.rules[earlier]}" are the same rule`);
      ok = false;
    }
    positions.set(target, position);
  });
  return ok;
}

/** Marks correlations on a reference cycle and reports each cycle once, where it closes. */
function findCycles(entries: readonly ReadRule[], resolved: readonly boolean[]): boolean[] {
  const state: Array<'new' | 'open' | 'done'> = entries.map(() => 'new');
  const inCycle = entries.map(() => false);
  const stack: number[] = [];
  const visit = (index: number): void => {
    state[index] = 'open';
    stack.push(index);
    const { rule, source } = entries[index]!;
    if (rule?.kind === 'correlation' && resolved[index]) {
      rule.references.forEach((target, position) => {
        if (entries[target]?.rule?.kind !== 'correlation') return;
        if (state[target] === 'open') {
          const cycle = stack.slice(stack.indexOf(target));
          for (const member of cycle) inCycle[member] = true;
          const names = [...cycle, target].map((member) => `"${ruleLabel(entries[member]!.rule!)}"`).join(' → ');
          source.report(['correlation', 'rules', position], `reference cycle: ${names}`);
        } else if (state[target] === 'new') visit(target);
      });
    }
    stack.pop();
    state[index] = 'done';
  };
  entries.forEach((_, index) => {
    if (state[index] === 'new') visit(index);
  });
  // Anything that references a rule on a cycle cannot be compiled either.
  let changed = true;
  while (changed) {
    changed = false;
    entries.forEach(({ rule }, index) => {
      if (!inCycle[index] && rule?.kind === 'correlation' && rule.references.some((target) => target >= 0 && inCycle[target])) {
        inCycle[index] = true;
        changed = true;
      }
    });
  }
  return inCycle;
}

function checkAliases(rule: CorrelationRule, source: RuleDocument, lookup: Map<string, number>): void {
  for (const [alias, mapping] of Object.entries(rule.aliases)) {
    for (const reference of Object.keys(mapping)) {
      const target = lookup.get(reference);
      if (target === undefined || !rule.references.includes(target)) {
        const suggestion = closest(reference, rule.rules);
        source.report(
          ['correlation', 'aliases', alias, reference],
          `alias "${alias}" maps rule "${reference}", which this correlation does not list in rules${suggestion === undefined ? ` (rules: ${rule.rules.join(', ')})` : ` (did you mean "${suggestion}"?)`}`,
          { keyOnly: true },
        );
      }
    }
  }
}

/** The field of `target`'s events that `name` (a group-by entry or value field) reads. */
function fieldFor(rule: CorrelationRule, name: string, target: SigmaRule): string {
  const mapping = rule.aliases[name];
  if (mapping === undefined) return name;
  for (const key of [target.name, target.id]) {
    if (key !== undefined && mapping[key] !== undefined) return mapping[key];
  }
  return name;
}

function resolveFields(rule: CorrelationRule, source: RuleDocument, entries: readonly ReadRule[]): void {
  rule.groupFieldsByReference = [];
  rule.valueFieldsByReference = [];
  rule.references.forEach((targetIndex, position) => {
    const target = entries[targetIndex]!.rule!;
    const groupFields = rule.groupBy.map((name) => fieldFor(rule, name, target));
    const valueFields = rule.valueFields.map((name) => fieldFor(rule, name, target));
    rule.groupFieldsByReference.push(groupFields);
    rule.valueFieldsByReference.push(valueFields);
    if (target.kind !== 'correlation') return;
    if (decidedAtWindowClose(target.condition)) {
      source.report(
        ['correlation', 'rules', position],
        `correlation "${ruleLabel(target)}" has an upper bound or neq in its condition, so it decides only when its window closes, and cannot feed another correlation`,
      );
    }
    groupFields.forEach((field, groupIndex) => {
      if (!target.groupBy.includes(field)) {
        source.report(
          ['correlation', 'group-by', groupIndex],
          `correlation "${ruleLabel(target)}" does not group by "${field}" (it groups by: ${target.groupBy.join(', ') || 'nothing'}); a chained correlation only passes on its own group-by fields`,
        );
      }
    });
    valueFields.forEach((field) => {
      if (!target.groupBy.includes(field)) {
        source.report(['correlation', 'condition', 'field'], `correlation "${ruleLabel(target)}" does not group by "${field}", so it has no such value to count`);
      }
    });
  });
}
