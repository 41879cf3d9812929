import { stringify } from 'yaml';
import { compileRuleSet, correlateEvents, type CompiledRuleSet, type EventFields, type FlatEvent } from '../../../src/correlate/engine/index.js';
import { parseRuleCollection, validateRuleTexts } from '../../../src/correlate/rules/index.js';
import { formatProblem } from '../../../src/core/errors/index.js';

/** A rule set from YAML text (file name `test.yaml` in problems). */
export function ruleSet(text: string): CompiledRuleSet {
  return compileRuleSet(parseRuleCollection(text, 'test.yaml'));
}

/** One detection rule around a `detection` section given as data. */
export function detectionRule(detection: Record<string, unknown>, logsource: Record<string, string> = { category: 'test' }): CompiledRuleSet {
  return ruleSet(stringify({ title: 'Under test', logsource, detection }));
}

/** Whether a single-rule set matches an event with these fields. */
export function matches(set: CompiledRuleSet, fields: EventFields): boolean {
  return correlateEvents(set, [{ time: 0, fields, ref: 'event' }]).detections.length === 1;
}

/** The problems of a rule text, formatted as the CLI prints them. */
export function problemsOf(text: string, file = 'test.yaml'): string[] {
  return validateRuleTexts([{ text, file }]).problems.map(formatProblem);
}

export const MINUTE = 60_000;
export const T0 = Date.parse('2026-03-01T10:00:00Z');

/** An event at `T0 + offsetMs`, with `ref` as its name. */
export function at(offsetMs: number, ref: string, fields: EventFields): FlatEvent<string> {
  return { time: T0 + offsetMs, fields, ref };
}
