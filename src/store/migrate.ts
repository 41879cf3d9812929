import type Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';

/** The table drizzle-kit's migrator uses, so `drizzle-kit` tooling sees the same history. */
const MIGRATIONS_TABLE = '__drizzle_migrations';

/**
 * Applies pending drizzle-kit migrations. Unlike drizzle's own migrator, the check and the
 * apply happen under one IMMEDIATE transaction, so two processes opening a fresh database at
 * the same moment (the bot and a CLI) apply each migration exactly once.
 */
export function applyMigrations(sqlite: Database.Database, migrationsFolder: string): number {
  const migrations = readMigrationFiles({ migrationsFolder });
  const newest = migrations.at(-1)?.folderMillis ?? 0;
  const lastApplied = (): number => {
    const row = sqlite.prepare(`SELECT created_at AS createdAt FROM ${MIGRATIONS_TABLE} ORDER BY created_at DESC LIMIT 1`).get() as
      | { createdAt: number | string }
      | undefined;
    return row === undefined ? 0 : Number(row.createdAt);
  };
  const tableExists = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE) !== undefined;
  if (tableExists && lastApplied() >= newest) return 0;

  let applied = 0;
  sqlite
    .transaction(() => {
      sqlite.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
      const since = lastApplied();
      const record = sqlite.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (hash, created_at) VALUES (?, ?)`);
      for (const migration of migrations) {
        if (migration.folderMillis <= since) continue;
        for (const statement of migration.sql) {
          if (statement.trim() !== '') sqlite.exec(statement);
        }
        record.run(migration.hash, migration.folderMillis);
        applied += 1;
      }
    })
    .immediate();
  return applied;
}
