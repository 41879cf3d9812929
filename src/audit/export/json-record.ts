import type { AuditRecord } from '../audit-entry.js';

/** A record as a plain JSON object with snake_case columns and parsed details (JSONL export, --json). */
export function toJsonRecord(record: AuditRecord): Record<string, unknown> {
  return {
    seq: record.seq,
    time: record.time,
    actor: record.actor,
    action: record.action,
    target: record.target,
    scope: record.scope,
    outcome: record.outcome,
    details: JSON.parse(record.details) as unknown,
    args_hash: record.argsHash,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}
