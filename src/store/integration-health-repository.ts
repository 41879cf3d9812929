import { desc } from 'drizzle-orm';
import type { StoreDatabase } from './open.js';
import { integrationHealth, type IntegrationHealthRow } from './schema/index.js';

/** Saves and reads the last doctor result per integration. */
export class IntegrationHealthRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Replaces the rows of these integrations in one transaction. */
  save(rows: readonly IntegrationHealthRow[]): void {
    this.db.transaction((transaction) => {
      for (const row of rows) {
        transaction
          .insert(integrationHealth)
          .values(row)
          .onConflictDoUpdate({ target: integrationHealth.integration, set: { status: row.status, reason: row.reason, checkedAt: row.checkedAt, checks: row.checks } })
          .run();
      }
    });
  }

  list(): IntegrationHealthRow[] {
    return this.db.select().from(integrationHealth).orderBy(desc(integrationHealth.checkedAt)).all();
  }
}
