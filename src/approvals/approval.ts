import { hashCanonical } from '../core/canonical-json.js';

/** Where an approval is in its life: it starts `pending` and ends in exactly one of the others. */
export const APPROVAL_STATES = ['pending', 'approved', 'denied', 'expired'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const APPROVAL_RISKS = ['low', 'medium', 'high', 'critical'] as const;
export type ApprovalRisk = (typeof APPROVAL_RISKS)[number];

export type ApprovalDecision = 'approve' | 'deny';

/** One approver's vote. At most one per approver and approval (the votes table's primary key). */
export interface ApprovalVote {
  /** Slack user id of the approver (U…/W…). */
  approver: string;
  decision: ApprovalDecision;
  reason: string | null;
  /** ISO time the vote committed. */
  at: string;
}

/** An approval request as stored, with its votes. */
export interface Approval {
  /** `apr_` + 16 hex characters. */
  id: string;
  /** Tool id, e.g. `secure_endpoint.isolate_host`. */
  tool: string;
  /** SHA-256 of the canonical JSON of the exact (unredacted) arguments. */
  argsHash: string;
  /** The redacted arguments, for the approver to read. */
  argsSummary: unknown;
  /** The principal who asked; cannot decide their own request unless configured. */
  requester: string;
  /** The audit actor that made the call (agent:…, llm:…, cli:…). */
  actor: string;
  runId: string | null;
  /** Why the call is wanted: agent step, workflow action or LLM rationale. */
  reason: string | null;
  risk: ApprovalRisk;
  /** Critical approvals need two distinct approvers. */
  critical: boolean;
  requiredApprovals: number;
  state: ApprovalState;
  /** Oldest first. */
  votes: ApprovalVote[];
  createdAt: string;
  /** A pending approval past this time is expired, which means denied. */
  expiresAt: string;
  decidedAt: string | null;
  /** The approver whose vote ended the request (or `system` for expiry). */
  decidedBy: string | null;
  decisionReason: string | null;
  /** When the approved call ran; set once, so an approval runs one call. */
  executedAt: string | null;
  /** Slack channel and message timestamp of the approval message, once posted. */
  channel: string | null;
  messageTs: string | null;
}

/** What an approval is bound to: changed arguments (or another requester or run) need a new approval. */
export interface ApprovalBinding {
  tool: string;
  argsHash: string;
  requester: string;
  /** `null` or absent: a call outside any agent run. */
  runId?: string | null;
}

/** What the gateway hands over when a call needs approval. */
export interface ApprovalRequest {
  tool: string;
  /** The exact arguments; only their hash is stored. */
  args: unknown;
  /** The arguments with secrets already redacted, shown to approvers. */
  argsSummary: unknown;
  requester: string;
  actor: string;
  runId?: string;
  reason?: string;
  /** Default: `critical` when the request is critical, `high` otherwise. */
  risk?: ApprovalRisk;
  /** Forces two approvers (so do a tool in `criticalTools` and `risk: 'critical'`). */
  critical?: boolean;
}

/** The binding of a call: tool, SHA-256 of its canonical arguments, requester and run. */
export function approvalBinding(input: { tool: string; args: unknown; requester: string; runId?: string | null }): ApprovalBinding {
  return { tool: input.tool, argsHash: hashCanonical(input.args), requester: input.requester, runId: input.runId ?? null };
}
