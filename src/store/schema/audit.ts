import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The audit ledger: append-only, hash-chained. `seq` is assigned by the appender as head + 1
 * inside an IMMEDIATE transaction; SQL triggers (migrations/) refuse UPDATE and DELETE and any
 * INSERT that does not extend the chain.
 */
export const auditLedger = sqliteTable(
  'audit_ledger',
  {
    seq: integer('seq').primaryKey(),
    /** ISO-8601 UTC with milliseconds. */
    time: text('time').notNull(),
    /** Who: `slack:U0123`, `cli:alice`, `agent:phishing-triage`, `llm:investigation-…`, `system`. */
    actor: text('actor').notNull(),
    /** What: `tool.call`, `config.set`, `approval.decide`, … */
    action: text('action').notNull(),
    /** Tool id or resource the action applied to. */
    target: text('target'),
    /** read | write | execute | admin */
    scope: text('scope'),
    /** succeeded | failed | denied | invalid | awaiting_approval | approved | rejected | expired | dry_run */
    outcome: text('outcome').notNull(),
    /** Canonical JSON of the redacted details (secrets never reach this column). */
    details: text('details').notNull(),
    /** SHA-256 of the canonical arguments (binds approvals to exact arguments). */
    argsHash: text('args_hash'),
    prevHash: text('prev_hash').notNull(),
    /** SHA-256 over the canonical encoding of this row and prev_hash. */
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_ledger_time').on(table.time)],
);

export type AuditLedgerRow = typeof auditLedger.$inferSelect;
