import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The last `doctor` result per integration (shown by `status`). */
export const integrationHealth = sqliteTable('integration_health', {
  integration: text('integration').primaryKey(),
  /** pass | warn | fail | not_configured */
  status: text('status').notNull(),
  reason: text('reason').notNull(),
  /** ISO-8601 UTC. */
  checkedAt: text('checked_at').notNull(),
  /** The checks as JSON (secret-free). */
  checks: text('checks').notNull(),
});

export type IntegrationHealthRow = typeof integrationHealth.$inferSelect;
