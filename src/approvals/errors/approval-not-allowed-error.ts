import { ApprovalRefusedError } from './approval-refused-error.js';

/** The decider is not a configured approver, directly or through a user group. */
export class ApprovalNotAllowedError extends ApprovalRefusedError {
  constructor(options: { approvalId: string; approver: string; cause?: unknown }) {
    super(`${options.approver} is not an approver (approvals.approvers); approval ${options.approvalId} is unchanged`, {
      code: 'approval_not_approver',
      ...options,
    });
  }
}
