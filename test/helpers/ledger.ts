import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AuditLedger, createRedactor, type AuditEntry } from '../../src/audit/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { openStore, type Store } from '../../src/store/index.js';

export interface TestLedger {
  store: Store;
  ledger: AuditLedger;
  close(): void;
}

/** A ledger in a temporary file database (WAL), with a clock that moves 1 s per record. */
export function openTestLedger(directory: string, options: { secretValues?: string[]; name?: string } = {}): TestLedger {
  const store = openStore({ file: join(directory, options.name ?? 'ledger.db') });
  const clock = fixedClock('2026-11-23T10:00:00.000Z');
  const ticking = { now: () => {
    const now = clock.now();
    clock.advance(1000);
    return now;
  } };
  const ledger = new AuditLedger({ sqlite: store.sqlite, clock: ticking, redactor: createRedactor({ secretValues: () => options.secretValues ?? [] }) });
  return { store, ledger, close: () => store.close() };
}

export function entry(index: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: `cli:analyst-${index % 3}`,
    action: 'tool.call',
    target: index % 2 === 0 ? 'cisco_xdr.search_incidents' : 'secure_endpoint.isolate_host',
    scope: index % 2 === 0 ? 'read' : 'execute',
    outcome: 'succeeded',
    details: { index, note: `record ${index}` },
    args: { host: `workstation-${index}` },
    ...overrides,
  };
}

/**
 * Runs SQL as an attacker with file access would: drops the append-only triggers, changes the
 * rows, then puts the triggers back so only the data change is left to find.
 */
export function tamper(sqlite: Database.Database, statements: string): void {
  const triggers = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_ledger'`).all() as Array<{ name: string; sql: string }>;
  for (const trigger of triggers) sqlite.exec(`DROP TRIGGER ${trigger.name}`);
  sqlite.exec(statements);
  for (const trigger of triggers) sqlite.exec(trigger.sql);
}
