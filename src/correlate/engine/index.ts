export type { EventFields, FieldScalar, FieldValue, FlatEvent } from './event.js';
export { compileDetection, type CompiledDetection, type Witness } from './compile-detection.js';
export { compileRuleSet, type CompiledRuleSet, type Route } from './compile-rule-set.js';
export { correlateEvents, type CorrelateResult } from './correlate-events.js';
export { CorrelationEngine, type CorrelationEngineOptions, type CorrelationEngineStats } from './correlation-engine.js';
export type { Correlation, DetectionMatch, RuleSummary } from './correlation-output.js';
export { DetectionIndex } from './detection-index.js';
export { MAX_GROUP_COMBINATIONS } from './group-keys.js';
