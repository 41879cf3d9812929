import { ApprovalRefusedError } from './approval-refused-error.js';

/** The approver already voted on this approval; a critical one needs a second, different approver. */
export class ApprovalDuplicateApproverError extends ApprovalRefusedError {
  constructor(options: { approvalId: string; approver: string }) {
    super(`${options.approver} already voted on approval ${options.approvalId}; it needs a different approver`, {
      code: 'approval_duplicate_approver',
      ...options,
    });
  }
}
