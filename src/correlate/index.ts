export {
  CorrelateService,
  type CorrelateReport,
  type CorrelateRequest,
  type CorrelateServiceOptions,
  type PivotReport,
  type PivotRequest,
  type PushdownExplanation,
  type ReportedCorrelation,
  type ReportedDetection,
  type ReportedEvent,
  type ReportedRule,
  type RuleTestReport,
  type RunAs,
} from './correlate-service.js';
export { BUILT_IN_RULES_DIRECTORY, RULE_FILE_NAME, RuleLibrary, type LoadedRules, type RuleFile, type RuleStore, type StoredRuleFile } from './rule-library.js';
export { EVENT_SOURCES, EVENT_TOOLS, SIEM_SOURCES, parseSources, type EventSourceName } from './events/event-sources.js';
export type { SourceReport } from './events/read-sources.js';
export { IOC_TYPES, parseIndicator, type Indicator, type IocType } from './pivot/index.js';
export type { PushdownQuery } from './pushdown/index.js';
