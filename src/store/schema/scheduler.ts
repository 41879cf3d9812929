import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Persisted scheduled jobs (inventory sweep, digest, policy runs). */
export const scheduledJobs = sqliteTable('scheduled_jobs', {
  id: text('id').primaryKey(),
  /** Unique, human-chosen: `policy:endpoint-hardening`, `inventory-sweep`, `digest`. */
  name: text('name').notNull().unique(),
  /** inventory_sweep | digest | policy */
  kind: text('kind').notNull(),
  /** Five-field cron, or `@every <duration>`. */
  schedule: text('schedule').notNull(),
  /** Job parameters (JSON). */
  params: text('params').notNull(),
  /** `#C0123…` / channel id, or an e-mail address; null: nobody is told. */
  notify: text('notify'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  createdAt: text('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  /** The last slot (scheduled time, ISO) that was claimed. */
  lastSlot: text('last_slot'),
});

/**
 * One row per scheduled slot that ran: the primary key makes a slot run once however many
 * processes try (insert-or-ignore claims it).
 */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => scheduledJobs.id),
    slot: text('slot').notNull(),
    owner: text('owner').notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    /** running | succeeded | failed */
    status: text('status').notNull(),
    error: text('error'),
    /** What the run produced (JSON summary). */
    output: text('output'),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.slot] })],
);

export type ScheduledJobRow = typeof scheduledJobs.$inferSelect;
export type JobRunRow = typeof jobRuns.$inferSelect;
