import { ApprovalRefusedError } from './approval-refused-error.js';

/** The requester tried to decide their own request and `allow_self_approval` is off. */
export class ApprovalSelfDecisionError extends ApprovalRefusedError {
  constructor(options: { approvalId: string; approver: string }) {
    super(`${options.approver} requested approval ${options.approvalId} and cannot decide it (approvals.allow_self_approval is off)`, {
      code: 'approval_self',
      ...options,
    });
  }
}
