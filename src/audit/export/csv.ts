import { stringify } from 'csv-stringify/sync';
import type { AuditRecord } from '../audit-entry.js';

export const CSV_COLUMNS = ['seq', 'time', 'actor', 'action', 'target', 'scope', 'outcome', 'args_hash', 'prev_hash', 'hash', 'details'] as const;

/** RFC 4180 CSV rows (CRLF line ends, quoted as needed); details stay one canonical-JSON cell. */
export function toCsvRows(records: readonly AuditRecord[], withHeader: boolean): string {
  return stringify(
    records.map((record) => [
      record.seq,
      record.time,
      record.actor,
      record.action,
      record.target ?? '',
      record.scope ?? '',
      record.outcome,
      record.argsHash ?? '',
      record.prevHash,
      record.hash,
      record.details,
    ]),
    { header: withHeader, columns: [...CSV_COLUMNS], record_delimiter: 'windows', eof: true },
  );
}
