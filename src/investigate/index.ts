export type { InvestigationResult, IncidentSummary, ProposedAction, InvestigationUsage } from './investigation.js';
export { InvestigationService, newInvestigationId, type InvestigateRequest, type InvestigationProgress, type InvestigationServiceOptions, type InvestigationSettings } from './investigation-service.js';
export { investigateAsset, parseAssetId, type AssetInvestigation } from './asset/investigate-asset.js';
export type { InvestigationStore, InvestigationStepRecord, InvestigationRecordRow } from './record/investigation-store.js';
export { replayInvestigation, InvestigationNotFoundError, type ReplayReport, type ReplayDivergence } from './replay/replay-investigation.js';
