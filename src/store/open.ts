import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { applyMigrations } from './migrate.js';
import * as schema from './schema/index.js';

export type StoreDatabase = BetterSQLite3Database<typeof schema>;

/** An open SQLite database: the raw driver for hot paths, drizzle for everything else. */
export interface Store {
  readonly file: string;
  readonly sqlite: Database.Database;
  readonly db: StoreDatabase;
  close(): void;
}

export interface OpenStoreOptions {
  /** Database file, or `:memory:`. */
  file: string;
  /**
   * `normal`: WAL + synchronous=NORMAL — a committed transaction survives a process crash.
   * `full`: synchronous=FULL — it also survives power loss, at the cost of an fsync per commit.
   */
  durability?: 'normal' | 'full';
  /** How long a writer waits for another process's lock before failing. */
  busyTimeoutMs?: number;
  migrationsFolder?: string;
  readonly?: boolean;
}

export const DEFAULT_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Opens (creating if needed) and migrates the database: WAL, busy timeout, foreign keys on. */
export function openStore(options: OpenStoreOptions): Store {
  const inMemory = options.file === ':memory:';
  const created = !inMemory && !existsSync(options.file);
  if (!inMemory) mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
  const sqlite = new Database(options.file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
    if (created) chmodSync(options.file, 0o600);
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
    if (!options.readonly) {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    }
    sqlite.pragma('foreign_keys = ON');
    if (!options.readonly) applyMigrations(sqlite, options.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = drizzle({ client: sqlite, schema });
  return {
    file: options.file,
    sqlite,
    db,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
