import { ApprovalRefusedError } from './approval-refused-error.js';

/** The approval expired before this decision (expiry means denied). */
export class ApprovalExpiredError extends ApprovalRefusedError {
  /** ISO time it expired. */
  readonly expiresAt: string;

  constructor(options: { approvalId: string; approver: string; expiresAt: string }) {
    super(`approval ${options.approvalId} expired at ${options.expiresAt}; the call is denied`, { code: 'approval_expired', ...options });
    this.expiresAt = options.expiresAt;
  }
}
