import { DefenseClawError } from '../../core/errors/index.js';

/** No approval has this id: bad input, exit code 2. */
export class ApprovalNotFoundError extends DefenseClawError {
  readonly approvalId: string;

  constructor(approvalId: string) {
    super(`no approval with id ${approvalId}`, { code: 'approval_not_found', exitCode: 2 });
    this.approvalId = approvalId;
  }
}
