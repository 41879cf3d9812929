import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One policy check or enforcement run. */
export const policyRuns = sqliteTable(
  'policy_runs',
  {
    id: text('id').primaryKey(),
    /** Policy name, or `all`. */
    policy: text('policy').notNull(),
    /** check | enforce */
    mode: text('mode').notNull(),
    dryRun: integer('dry_run', { mode: 'boolean' }).notNull(),
    requester: text('requester').notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    /** running | complete | partial | failed */
    status: text('status').notNull(),
    /** Counts and notes (JSON). */
    summary: text('summary'),
  },
  (table) => [index('policy_runs_started').on(table.startedAt)],
);

/** The result of one check on one asset in a run. */
export const policyResults = sqliteTable(
  'policy_results',
  {
    runId: text('run_id')
      .notNull()
      .references(() => policyRuns.id),
    policy: text('policy').notNull(),
    checkId: text('check_id').notNull(),
    assetKey: text('asset_key').notNull(),
    /** pass | fail | error | skipped */
    status: text('status').notNull(),
    severity: text('severity').notNull(),
    /** What the check saw (JSON). */
    evidence: text('evidence').notNull(),
    /** The remediation proposed or run and its gateway outcome (JSON), if any. */
    remediation: text('remediation'),
  },
  (table) => [primaryKey({ columns: [table.runId, table.policy, table.checkId, table.assetKey] })],
);

export type PolicyRunRow = typeof policyRuns.$inferSelect;
export type PolicyResultRow = typeof policyResults.$inferSelect;
