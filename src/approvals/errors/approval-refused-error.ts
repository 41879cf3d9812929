import { DefenseClawError } from '../../core/errors/index.js';

/**
 * A decision on an approval was refused (not an approver, own request, expired, already
 * decided, second vote). Exit code 1: the request was well-formed, the job was not done.
 */
export class ApprovalRefusedError extends DefenseClawError {
  /** The approval the decision was about. */
  readonly approvalId: string;
  /** Who tried to decide. */
  readonly approver: string;

  constructor(message: string, options: { code: string; approvalId: string; approver: string; cause?: unknown }) {
    super(message, { code: options.code, exitCode: 1, cause: options.cause });
    this.approvalId = options.approvalId;
    this.approver = options.approver;
  }
}
