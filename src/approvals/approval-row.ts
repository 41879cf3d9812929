import type { ApprovalRow, ApprovalVoteRow } from '../store/schema/approvals.js';
import type { Approval, ApprovalDecision, ApprovalRisk, ApprovalState, ApprovalVote } from './approval.js';

/** A stored row and its votes as an `Approval`. */
export function toApproval(row: ApprovalRow, votes: readonly ApprovalVoteRow[]): Approval {
  return {
    id: row.id,
    tool: row.tool,
    argsHash: row.argsHash,
    argsSummary: parseSummary(row.argsSummary),
    requester: row.requester,
    actor: row.actor,
    runId: row.runId,
    reason: row.reason,
    risk: row.risk as ApprovalRisk,
    critical: row.critical,
    requiredApprovals: row.requiredApprovals,
    state: row.state as ApprovalState,
    votes: votes.map(toVote),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    decidedAt: row.decidedAt,
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    executedAt: row.executedAt,
    channel: row.channel,
    messageTs: row.messageTs,
  };
}

function toVote(row: ApprovalVoteRow): ApprovalVote {
  return { approver: row.approver, decision: row.decision as ApprovalDecision, reason: row.reason, at: row.at };
}

function parseSummary(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Written by this module as canonical JSON; a hand-edited row still shows as text.
    return text;
  }
}
