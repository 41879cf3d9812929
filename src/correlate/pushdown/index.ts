export { compileDetectionFilter, literalEquals, type CompiledFilter } from './compile-filter.js';
export { KQL, SPL, kqlQuote, splQuote, type Dialect } from './dialect.js';
export { planPushdown, pruningThreshold, type AggregateUnit, type CountPruning, type DetectionUse, type PushdownPlan } from './pushdown-plan.js';
export { explainPushdown, runPushdown, type PushdownCandidates, type PushdownQuery, type PushdownResult, type RunPushdownOptions } from './run-pushdown.js';
export { parseGlob, type Approximation, type GlobSegment, type QueryExpression } from './query-expression.js';
export { SENTINEL_TABLES } from './sentinel-tables.js';
export { SPLUNK_TABLE } from './splunk-table.js';
export type { ColumnMapping, FieldResolution, SiemTable } from './siem-table.js';
