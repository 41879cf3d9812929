import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One investigation of an alert: its outcome, usage and the whole result (JSON) for reports. */
export const investigations = sqliteTable(
  'investigations',
  {
    id: text('id').primaryKey(),
    alertId: text('alert_id').notNull(),
    /** llm | deterministic */
    mode: text('mode').notNull(),
    /** running | complete | partial | failed */
    status: text('status').notNull(),
    requester: text('requester').notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    model: text('model'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cacheCreationTokens: integer('cache_creation_tokens').notNull().default(0),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    costUsd: real('cost_usd').notNull().default(0),
    /** The InvestigationResult (JSON), once finished. */
    result: text('result'),
  },
  (table) => [index('investigations_started').on(table.startedAt), index('investigations_alert').on(table.alertId)],
);

/**
 * Every model turn and tool result of an investigation, in order, so `investigate replay` can
 * re-run it against the recorded model responses and compare what the tools return now.
 */
export const investigationSteps = sqliteTable(
  'investigation_steps',
  {
    investigationId: text('investigation_id')
      .notNull()
      .references(() => investigations.id),
    seq: integer('seq').notNull(),
    kind: text('kind', { enum: ['model_turn', 'tool_call'] }).notNull(),
    /** Tool id for tool_call, model for model_turn. */
    name: text('name').notNull(),
    /** SHA-256 of the canonical request (model turn) or of the tool id + canonical arguments (tool call). */
    requestHash: text('request_hash').notNull(),
    /** SHA-256 of the canonical response (model turn) or outcome + output (tool call). */
    responseHash: text('response_hash').notNull(),
    /** The response (model turn) or { input, result } (tool call), JSON, secrets redacted. */
    payload: text('payload').notNull(),
    time: text('time').notNull(),
  },
  (table) => [primaryKey({ columns: [table.investigationId, table.seq] })],
);

export type InvestigationRow = typeof investigations.$inferSelect;
export type InvestigationStepRow = typeof investigationSteps.$inferSelect;
