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
    const busyTimeoutMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000));
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!options.readonly) {
      enableWal(sqlite, busyTimeoutMs);
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

/**
 * Switches the database to WAL. SQLite answers SQLITE_BUSY to `journal_mode = WAL` without calling the busy
 * handler while another connection holds the file (two processes creating the database at once), so the
 * busy timeout is honoured here by hand: retry with a short synchronous back-off until it runs out.
 */
function enableWal(sqlite: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (sqlite.pragma('journal_mode', { simple: true }) === 'wal') return;
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(BACKOFF, 0, 0, Math.min(5 * 2 ** Math.min(attempt, 4), 50));
    }
  }
}

const BACKOFF = new Int32Array(new SharedArrayBuffer(4));
