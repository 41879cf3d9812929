import { hash } from 'node:crypto';
import type { AuditRecord } from './audit-entry.js';

/** prev_hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Domain separator, so a ledger hash can never be confused with another SHA-256 we compute. */
export const HASH_FORMAT = 'defenseclaw-audit-v1';

/** The fields a record hash covers. */
export type HashedFields = Omit<AuditRecord, 'hash'>;

/**
 * The stored columns in ledger order: seq, time, actor, action, target, scope, outcome,
 * details, args_hash, prev_hash (hash excluded).
 */
export type HashedColumns = readonly [
  number,
  string,
  string,
  string,
  string | null,
  string | null,
  string,
  string,
  string | null,
  string,
  ...unknown[],
];

/**
 * SHA-256 over the canonical encoding of a record and its prev_hash: a JSON array of the
 * fields in fixed order (JSON string escaping makes the encoding unambiguous). `seqOverride`
 * lets verify ask "was this record written under another seq?" to tell reordering from edits.
 */
export function columnsHash(columns: HashedColumns, seqOverride?: number): string {
  // crypto.hash (Node >= 20.12) is the one-shot form: about twice as fast as createHash per row.
  return hash(
    'sha256',
    JSON.stringify([
        HASH_FORMAT,
        seqOverride ?? columns[0],
        columns[1],
        columns[2],
        columns[3],
        columns[4],
        columns[5],
        columns[6],
        columns[7],
        columns[8],
      columns[9],
    ]),
    'hex',
  );
}

export function recordHash(record: HashedFields): string {
  return columnsHash([
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
  ]);
}

/**
 * The same encoding computed by SQLite (json_array escapes strings as JSON.stringify does), so
 * verify can read one string per row instead of ten. It is only a fast path: a row whose SQLite
 * encoding does not match is re-checked from its columns with columnsHash, which is the definition.
 */
export const SQL_HASH_INPUT = `json_array('${HASH_FORMAT}', seq, time, actor, action, target, scope, outcome, details, args_hash, prev_hash)`;

/** SHA-256 (hex) of an already-encoded hash input. */
export function encodedHash(encoded: string): string {
  return hash('sha256', encoded, 'hex');
}
