import { integer, primaryKey, sqliteTable, text, index } from 'drizzle-orm/sqlite-core';

/**
 * Approval requests. Bound to (tool, SHA-256 of canonical args, requester, run): changed
 * arguments mean a new approval. State changes are compare-and-set UPDATEs on `state`.
 */
export const approvals = sqliteTable(
  'approvals',
  {
    id: text('id').primaryKey(),
    tool: text('tool').notNull(),
    argsHash: text('args_hash').notNull(),
    /** Redacted arguments as canonical JSON, for the approver to read. */
    argsSummary: text('args_summary').notNull(),
    /** Who asked (the principal; the requester cannot approve their own request unless configured). */
    requester: text('requester').notNull(),
    /** The audit actor that made the call (agent:…, llm:…, cli:…). */
    actor: text('actor').notNull(),
    runId: text('run_id'),
    /** Why: agent step, workflow action or LLM rationale. */
    reason: text('reason'),
    risk: text('risk').notNull(),
    critical: integer('critical', { mode: 'boolean' }).notNull(),
    requiredApprovals: integer('required_approvals').notNull(),
    /** pending | approved | denied | expired */
    state: text('state').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    decidedAt: text('decided_at'),
    decidedBy: text('decided_by'),
    decisionReason: text('decision_reason'),
    /** Set once, by compare-and-set, when the approved call runs: an approval executes one call. */
    executedAt: text('executed_at'),
    /** Where the approval message lives in Slack, when posted. */
    channel: text('channel'),
    messageTs: text('message_ts'),
  },
  (table) => [index('approvals_state').on(table.state), index('approvals_binding').on(table.tool, table.argsHash, table.requester)],
);

/** One row per approver and approval: the primary key makes a second vote by the same person impossible. */
export const approvalVotes = sqliteTable(
  'approval_votes',
  {
    approvalId: text('approval_id')
      .notNull()
      .references(() => approvals.id),
    approver: text('approver').notNull(),
    /** approve | deny */
    decision: text('decision').notNull(),
    reason: text('reason'),
    at: text('at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.approvalId, table.approver] })],
);

export type ApprovalRow = typeof approvals.$inferSelect;
export type ApprovalVoteRow = typeof approvalVotes.$inferSelect;
