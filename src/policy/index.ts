export {
  CHECK_ID_PATTERN,
  CIS_CONTROL_PATTERN,
  POLICY_NAME_PATTERN,
  POLICY_SEVERITIES,
  POLICY_VERSION_PATTERN,
  policyDefinitionSchema,
  type PolicyCheck,
  type PolicyDefinition,
  type PolicyLiveRead,
  type PolicyRemediation,
  type PolicySeverity,
} from './policy-schema.js';
export { POLICY_FILE_EXTENSIONS, isPolicyFileName, loadPolicyFile, validatePolicyFile, validatePolicyText, type PolicyValidation } from './validate-policy.js';
export { BUILT_IN_POLICIES_DIRECTORY, PolicyLibrary, type PolicyEntry, type PolicyLibraryOptions } from './policy-library.js';
export { ASSET_FIELDS, DERIVED_ROOTS, assetScope, daysSince, knownRoots } from './asset-scope.js';
export { compileCheck, evaluateCheck, type CheckContext, type CheckOutcome, type CompiledCheck, type LiveReadResult } from './evaluate-check.js';
export { PolicyService, newPolicyRunId, type PolicyCheckInput, type PolicyEnforceInput, type PolicyGateway, type PolicyProgress, type PolicyServiceOptions } from './policy-service.js';
export type { PolicyInventory, PolicySnapshot } from './policy-inventory.js';
export type { PolicyResultRecord, PolicyRunRecord, PolicyRunStore } from './policy-run-store.js';
export type {
  CheckEvidence,
  CheckStatus,
  DriftEntry,
  PolicyAssetResult,
  PolicyCheckSummary,
  PolicyDrift,
  PolicyRunMode,
  PolicyRunResult,
  PolicyRunStatus,
  PolicyTotals,
  RemediationOutcome,
} from './policy-run.js';
export { computeDrift, type DriftInput, type EarlierResult } from './policy-drift.js';
export { evidenceText, policyDriftReport, policyRunHeadline, policyRunSummary } from './policy-summary.js';
export {
  CIS_CONTROL_TITLES,
  COMPLIANCE_FRAMEWORKS,
  buildComplianceReport,
  compareControlIds,
  type ComplianceControl,
  type ComplianceFramework,
  type ComplianceReport,
  type ControlAsset,
  type ControlCheck,
  type ControlStatus,
} from './compliance.js';
export { AssetNotFoundError } from './asset-not-found-error.js';
