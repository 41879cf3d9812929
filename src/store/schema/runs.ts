import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Agent and workflow runs. A run waiting for an approval is resumed from here, also after a restart. */
export const agentRuns = sqliteTable(
  'agent_runs',
  {
    id: text('id').primaryKey(),
    /** agent | workflow */
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    /** The definition as run (JSON), so a resumed run follows the same steps. */
    definition: text('definition').notNull(),
    params: text('params').notNull(),
    /** The principal the run acts for (audit actor of its calls is agent:<name>). */
    requester: text('requester').notNull(),
    dryRun: integer('dry_run', { mode: 'boolean' }).notNull(),
    /** queued | running | waiting_approval | succeeded | failed | cancelled */
    status: text('status').notNull(),
    /** Index of the next step to run. */
    nextStep: integer('next_step').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    finishedAt: text('finished_at'),
    error: text('error'),
    /** Which process is running it, until when (compare-and-set lease: one runner per run). */
    leaseOwner: text('lease_owner'),
    leaseUntil: text('lease_until'),
  },
  (table) => [index('agent_runs_status').on(table.status)],
);

/** Output of each finished step (templates of later steps read them; resumed runs reload them). */
export const agentStepResults = sqliteTable(
  'agent_step_results',
  {
    runId: text('run_id')
      .notNull()
      .references(() => agentRuns.id),
    stepIndex: integer('step_index').notNull(),
    name: text('name').notNull(),
    /** succeeded | skipped | failed | dry_run | denied | rejected | expired */
    status: text('status').notNull(),
    output: text('output'),
    approvalId: text('approval_id'),
    auditSeq: integer('audit_seq'),
    finishedAt: text('finished_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.stepIndex] })],
);

/** The event stream of a run (`agent logs --follow`). */
export const agentRunEvents = sqliteTable(
  'agent_run_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: text('run_id')
      .notNull()
      .references(() => agentRuns.id),
    time: text('time').notNull(),
    /** run_started | step_started | step_skipped | step_succeeded | step_failed | awaiting_approval | approval_decided | run_finished */
    type: text('type').notNull(),
    step: text('step'),
    message: text('message').notNull(),
    data: text('data'),
  },
  (table) => [index('agent_run_events_run').on(table.runId, table.id)],
);

/** Registered workflows. */
export const workflows = sqliteTable('workflows', {
  name: text('name').primaryKey(),
  version: text('version').notNull(),
  definition: text('definition').notNull(),
  sourceFile: text('source_file'),
  active: integer('active', { mode: 'boolean' }).notNull(),
  registeredAt: text('registered_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** What an event trigger already fired on: each match runs once. */
export const workflowFired = sqliteTable(
  'workflow_fired',
  {
    workflow: text('workflow').notNull(),
    /** The matched item's key, e.g. the XDR incident id. */
    key: text('key').notNull(),
    firedAt: text('fired_at').notNull(),
    runId: text('run_id'),
  },
  (table) => [primaryKey({ columns: [table.workflow, table.key] })],
);

export type AgentRunRow = typeof agentRuns.$inferSelect;
export type AgentStepResultRow = typeof agentStepResults.$inferSelect;
export type AgentRunEventRow = typeof agentRunEvents.$inferSelect;
export type WorkflowRow = typeof workflows.$inferSelect;
