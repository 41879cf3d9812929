export { gatherIncidentEvents, runSourcePlan, type SourcePlanResult, type GatherOptions, type GatheredIncident, type SourceReport, type ToolCaller } from './gather-incident-events.js';
export { IncidentFetchError } from './incident-fetch-error.js';
export { verdictMap, type HostRecord, type IncidentEnrichment, type ObservableVerdict } from './incident-enrichment.js';
export { incidentObservables, type IncidentObservables } from './incident-observables.js';
export { planSourceCalls, DEFAULT_PLAN_LIMITS, type PlanLimits, type PlannedCall } from './source-plan.js';
