import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_FOLDER, applyMigrations, openStore } from '../../../src/store/index.js';
import * as schema from '../../../src/store/schema/index.js';
import { temporaryHome } from '../../helpers/cli.js';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

const journal = JSON.parse(readFileSync(join(DEFAULT_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };

describe('openStore', () => {
  it('creates the file with mode 0600 and turns on WAL, the busy timeout and foreign keys', () => {
    const store = openStore({ file: join(home.home, 'defenseclaw.db') });
    try {
      expect(statSync(store.file).mode & 0o777).toBe(0o600);
      expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(10_000);
      expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(() =>
        store.sqlite.prepare(`INSERT INTO job_runs (job_id, slot, owner, started_at, status) VALUES ('no-such-job', 's', 'o', 't', 'running')`).run(),
      ).toThrow(/FOREIGN KEY constraint failed/);
    } finally {
      store.close();
    }
    const full = openStore({ file: join(home.home, 'full.db'), durability: 'full' });
    expect(full.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    full.close();
  });

  it('applies every migration once, on open, and nothing on the next open', () => {
    const file = join(home.home, 'defenseclaw.db');
    const store = openStore({ file });
    try {
      expect(store.sqlite.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
      const tables = store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['audit_ledger', 'approvals', 'investigations', 'inventory_assets', 'scheduled_jobs']));
      const triggers = store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all();
      expect(triggers).toEqual(expect.arrayContaining(['audit_ledger_refuse_update', 'audit_ledger_refuse_delete', 'audit_ledger_extend_chain']));
      expect(applyMigrations(store.sqlite, DEFAULT_MIGRATIONS_FOLDER)).toBe(0);
    } finally {
      store.close();
    }
    const again = openStore({ file });
    expect(again.sqlite.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
    again.close();
  });
});

describe('migrations/', () => {
  const lastSnapshot = () => {
    const last = journal.entries.at(-1)!;
    return JSON.parse(readFileSync(join(DEFAULT_MIGRATIONS_FOLDER, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8'));
  };

  it('match the drizzle schema in src/store/schema (what `drizzle-kit generate` would write is nothing)', async () => {
    const current = await generateSQLiteDrizzleJson(schema);
    expect(await generateSQLiteMigration(lastSnapshot(), current)).toEqual([]);
  });

  it('would need a migration for a schema change (the check above can fail)', async () => {
    const extra = sqliteTable('not_migrated_yet', { id: text('id').primaryKey() });
    const statements = await generateSQLiteMigration(lastSnapshot(), await generateSQLiteDrizzleJson({ ...schema, extra }));
    expect(statements.join('\n')).toContain('CREATE TABLE `not_migrated_yet`');
  });
});
