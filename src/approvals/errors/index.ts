export { ApprovalRefusedError } from './approval-refused-error.js';
export { ApprovalNotAllowedError } from './approval-not-allowed-error.js';
export { ApprovalSelfDecisionError } from './approval-self-decision-error.js';
export { ApprovalExpiredError } from './approval-expired-error.js';
export { ApprovalNotPendingError } from './approval-not-pending-error.js';
export { ApprovalDuplicateApproverError } from './approval-duplicate-approver-error.js';
export { ApprovalNotFoundError } from './approval-not-found-error.js';
