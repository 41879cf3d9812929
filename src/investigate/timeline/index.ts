export type { EvidenceReference, TimelineEntry } from './timeline-entry.js';
export { buildTimeline, type BuildTimelineOptions } from './build-timeline.js';
export { collapseBursts, type CollapseBurstsOptions, type TimelineBurst, type TimelineViewItem } from './collapse-bursts.js';
export { scopeToIncident, type IncidentSeed, type ScopeOptions, type ScopeReason, type ScopedEvents, type Verdict } from './scope-to-incident.js';
export { findings, type Finding, type FindingEvidence, type FindingKind, type FindingsOptions, type TimelineEnrichment } from './findings.js';
export { isInternalIp, userKey } from './entity-keys.js';
