import { decidedAtWindowClose, type CorrelationRule, type RuleCollection, type SigmaRule } from '../rules/index.js';
import { compileDetection, type CompiledDetection } from './compile-detection.js';
import type { RuleSummary } from './correlation-output.js';

/** Where a rule's matches go: position `position` of correlation rule `correlationIndex`. */
export interface Route {
  correlationIndex: number;
  position: number;
}

/** A rule collection compiled once for matching; shared by any number of engines. */
export interface CompiledRuleSet {
  collection: RuleCollection;
  /** Per rule index. */
  summaries: RuleSummary[];
  detections: CompiledDetection[];
  /** Correlation rules, by rule index. */
  correlations: Array<{ ruleIndex: number; rule: CorrelationRule; closesWindows: boolean }>;
  /** Per rule index, the correlations fed by its matches. */
  routes: Route[][];
  /**
   * Per rule index, whether its matches are reported on their own: rules no correlation
   * references, and rules referenced by a correlation with `generate: true`.
   */
  reported: boolean[];
}

export function compileRuleSet(collection: RuleCollection): CompiledRuleSet {
  const { rules } = collection;
  const routes: Route[][] = rules.map(() => []);
  const referencedBy: CorrelationRule[][] = rules.map(() => []);
  for (const [ruleIndex, rule] of rules.entries()) {
    if (rule.kind !== 'correlation') continue;
    rule.references.forEach((target, position) => {
      routes[target]!.push({ correlationIndex: ruleIndex, position });
      referencedBy[target]!.push(rule);
    });
  }
  const detections: CompiledDetection[] = [];
  const correlations: CompiledRuleSet['correlations'] = [];
  for (const [ruleIndex, rule] of rules.entries()) {
    if (rule.kind === 'detection') detections.push(compileDetection(rule, ruleIndex));
    else correlations.push({ ruleIndex, rule, closesWindows: decidedAtWindowClose(rule.condition) });
  }
  return {
    collection,
    summaries: rules.map(summarise),
    detections,
    correlations,
    routes,
    reported: referencedBy.map((correlations) => correlations.length === 0 || correlations.some((correlation) => correlation.generate)),
  };
}

function summarise(rule: SigmaRule, index: number): RuleSummary {
  return {
    index,
    kind: rule.kind,
    ...(rule.kind === 'correlation' ? { type: rule.type } : {}),
    title: rule.title,
    ...(rule.id === undefined ? {} : { id: rule.id }),
    ...(rule.name === undefined ? {} : { name: rule.name }),
    ...(rule.level === undefined ? {} : { level: rule.level }),
  };
}
