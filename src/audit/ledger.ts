import type Database from 'better-sqlite3';
import { canonicalJson, hashCanonical } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import type { AuditEntry, AuditRecord, AuditSink } from './audit-entry.js';
import { GENESIS_HASH, recordHash } from './hash-chain.js';
import type { Redactor } from './redactor.js';
import { verifyLedger, type VerifyOptions, type VerifyResult } from './verify.js';

export interface AuditLedgerOptions {
  sqlite: Database.Database;
  clock: Clock;
  redactor: Redactor;
}

export interface AuditQuery {
  /** Only the newest N matching records (returned oldest first). */
  last?: number;
  actor?: string;
  /** Tool id or resource. */
  target?: string;
  outcome?: string;
  action?: string;
  /** ISO time: records at or after it. */
  since?: string;
}

export interface LedgerHead {
  seq: number;
  hash: string;
}

type Row = [number, string, string, string, string | null, string | null, string, string, string | null, string, string];

const COLUMNS = 'seq, time, actor, action, target, scope, outcome, details, args_hash, prev_hash, hash';

function toRecord(row: Row): AuditRecord {
  return {
    seq: row[0],
    time: row[1],
    actor: row[2],
    action: row[3],
    target: row[4],
    scope: row[5],
    outcome: row[6],
    details: row[7],
    argsHash: row[8],
    prevHash: row[9],
    hash: row[10],
  };
}

/**
 * The append-only, hash-chained audit ledger.
 *
 * Each append is one IMMEDIATE transaction: it takes SQLite's write lock before reading the
 * head, so appenders in any number of processes extend one chain without forks. Redaction and
 * encoding happen before the lock, so the lock is held only for one indexed read and one insert.
 */
export class AuditLedger implements AuditSink {
  readonly #sqlite: Database.Database;
  readonly #clock: Clock;
  readonly #redactor: Redactor;
  readonly #head: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #appendOne: (prepared: PreparedEntry) => AuditRecord;
  readonly #appendBatch: (prepared: PreparedEntry[]) => AuditRecord[];

  constructor(options: AuditLedgerOptions) {
    this.#sqlite = options.sqlite;
    this.#clock = options.clock;
    this.#redactor = options.redactor;
    this.#head = this.#sqlite.prepare('SELECT seq, hash FROM audit_ledger ORDER BY seq DESC LIMIT 1').raw();
    this.#insert = this.#sqlite.prepare(`INSERT INTO audit_ledger (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const appendLocked = (prepared: PreparedEntry, head: { seq: number; hash: string }): AuditRecord => {
      const unhashed = {
        seq: head.seq + 1,
        time: this.#clock.now().toISOString(),
        ...prepared,
        prevHash: head.hash,
      };
      const record: AuditRecord = { ...unhashed, hash: recordHash(unhashed) };
      this.#insert.run(
        record.seq,
        record.time,
        record.actor,
        record.action,
        record.target,
        record.scope,
        record.outcome,
        record.details,
        record.argsHash,
        record.prevHash,
        record.hash,
      );
      return record;
    };
    const readHead = (): { seq: number; hash: string } => {
      const row = this.#head.get() as [number, string] | undefined;
      return row === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: row[0], hash: row[1] };
    };
    const one = this.#sqlite.transaction((prepared: PreparedEntry) => appendLocked(prepared, readHead()));
    const many = this.#sqlite.transaction((entries: PreparedEntry[]) => {
      let head = readHead();
      return entries.map((prepared) => {
        const record = appendLocked(prepared, head);
        head = record;
        return record;
      });
    });
    this.#appendOne = (prepared) => one.immediate(prepared);
    this.#appendBatch = (entries) => many.immediate(entries);
  }

  /** Appends one record in its own transaction; when this returns, the record is committed. */
  append(entry: AuditEntry): AuditRecord {
    return this.#appendOne(this.#prepare(entry));
  }

  /** Appends several records in one transaction (all or none). */
  appendMany(entries: readonly AuditEntry[]): AuditRecord[] {
    return this.#appendBatch(entries.map((entry) => this.#prepare(entry)));
  }

  /** The newest record's seq and hash, or undefined for an empty ledger. */
  head(): LedgerHead | undefined {
    const row = this.#head.get() as [number, string] | undefined;
    return row === undefined ? undefined : { seq: row[0], hash: row[1] };
  }

  /** Recomputes the whole chain (see verifyLedger). */
  verify(options: VerifyOptions = {}): VerifyResult {
    return verifyLedger(this.#sqlite, options);
  }

  count(): number {
    return (this.#sqlite.prepare('SELECT COUNT(*) FROM audit_ledger').pluck().get() as number) ?? 0;
  }

  get(seq: number): AuditRecord | undefined {
    const row = this.#sqlite.prepare(`SELECT ${COLUMNS} FROM audit_ledger WHERE seq = ?`).raw().get(seq) as Row | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** Records matching the filters, oldest first. */
  query(filter: AuditQuery = {}): AuditRecord[] {
    const { where, parameters } = buildWhere(filter);
    if (filter.last !== undefined) {
      const rows = this.#sqlite
        .prepare(`SELECT ${COLUMNS} FROM audit_ledger ${where} ORDER BY seq DESC LIMIT ?`)
        .raw()
        .all(...parameters, filter.last) as Row[];
      return rows.reverse().map(toRecord);
    }
    return (this.#sqlite.prepare(`SELECT ${COLUMNS} FROM audit_ledger ${where} ORDER BY seq`).raw().all(...parameters) as Row[]).map(toRecord);
  }

  /** Streams matching records oldest first without loading them all. */
  *iterate(filter: Omit<AuditQuery, 'last'> = {}): IterableIterator<AuditRecord> {
    const { where, parameters } = buildWhere(filter);
    const statement = this.#sqlite.prepare(`SELECT ${COLUMNS} FROM audit_ledger ${where} ORDER BY seq`).raw();
    for (const row of statement.iterate(...parameters) as IterableIterator<Row>) yield toRecord(row);
  }

  #prepare(entry: AuditEntry): PreparedEntry {
    const details: Record<string, unknown> = { ...(entry.details ?? {}) };
    if (entry.args !== undefined) details.args = entry.args;
    // Text columns are hashed as JS strings but stored as UTF-8: a lone surrogate would be
    // replaced on the way in and the record would never verify, so make them well-formed first.
    return {
      actor: this.#redactor.redactText(entry.actor).toWellFormed(),
      action: entry.action.toWellFormed(),
      target: entry.target === undefined ? null : this.#redactor.redactText(entry.target).toWellFormed(),
      scope: entry.scope ?? null,
      outcome: entry.outcome,
      details: canonicalJson(this.#redactor.redact(details)),
      argsHash: entry.args === undefined ? null : hashCanonical(entry.args),
    };
  }
}

interface PreparedEntry {
  actor: string;
  action: string;
  target: string | null;
  scope: string | null;
  outcome: string;
  details: string;
  argsHash: string | null;
}

function buildWhere(filter: Omit<AuditQuery, 'last'>): { where: string; parameters: unknown[] } {
  const clauses: string[] = [];
  const parameters: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    clauses.push(clause);
    parameters.push(value);
  };
  if (filter.actor !== undefined) add('actor = ?', filter.actor);
  if (filter.target !== undefined) add('target = ?', filter.target);
  if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.since !== undefined) add('time >= ?', filter.since);
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, parameters };
}
