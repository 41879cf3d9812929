export type { ConditionNode } from './condition-ast.js';
export { ConditionSyntaxError } from './condition-syntax-error.js';
export { countBounds, countHolds, decidedAtWindowClose, describeCondition, type CountBounds } from './count-condition.js';
export { SUPPORTED_MODIFIERS, UNSUPPORTED_MODIFIERS, parseCidr } from './field-modifiers.js';
export { CONDITION_KEYWORDS, parseCondition } from './parse-condition.js';
export { parseRuleCollection, parseRuleTexts, validateRuleTexts, type RuleText, type RuleValidation } from './parse-rule-collection.js';
export { ruleLabel } from './resolve-references.js';
export {
  CORRELATION_TYPES,
  RULE_LEVELS,
  type CorrelationRule,
  type CorrelationType,
  type CountCondition,
  type DetectionRule,
  type DetectionValue,
  type FieldCondition,
  type FieldSelection,
  type KeywordSelection,
  type MatchKind,
  type RuleCollection,
  type RuleIdentity,
  type RuleLevel,
  type RuleLocation,
  type RuleLogsource,
  type SearchIdentifier,
  type SigmaRule,
} from './rule-types.js';
export { TIMESPAN_PATTERN, parseTimespan } from './timespan.js';
