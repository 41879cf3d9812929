import type { ApprovalState } from '../approval.js';
import { ApprovalRefusedError } from './approval-refused-error.js';

/** The approval was already decided (possibly a moment ago, by another process). */
export class ApprovalNotPendingError extends ApprovalRefusedError {
  /** The state it is in now. */
  readonly state: ApprovalState;

  constructor(options: { approvalId: string; approver: string; state: ApprovalState }) {
    super(`approval ${options.approvalId} is already ${options.state}`, { code: 'approval_not_pending', ...options });
    this.state = options.state;
  }
}
