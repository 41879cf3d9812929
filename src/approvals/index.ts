export {
  APPROVAL_RISKS,
  APPROVAL_STATES,
  approvalBinding,
  type Approval,
  type ApprovalBinding,
  type ApprovalDecision,
  type ApprovalRequest,
  type ApprovalRisk,
  type ApprovalState,
  type ApprovalVote,
} from './approval.js';
export type { ApprovalSettings, GroupMemberResolver } from './approval-settings.js';
export { checkApprover, isUserGroupId, type ApproverCheck } from './approver-check.js';
export {
  ApprovalService,
  samePrincipal,
  newApprovalId,
  type ApprovalListener,
  type ApprovalListOptions,
  type ApprovalServiceOptions,
  type DecideOptions,
} from './approval-service.js';
export * from './errors/index.js';
