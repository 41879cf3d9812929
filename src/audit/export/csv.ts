import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../../core/csv-formula.js';
import type { AuditRecord } from '../audit-entry.js';

export const CSV_COLUMNS = ['seq', 'time', 'actor', 'action', 'target', 'scope', 'outcome', 'args_hash', 'prev_hash', 'hash', 'details'] as const;

/**
 * RFC 4180 CSV rows (CRLF line ends, quoted as needed); details stay one canonical-JSON cell.
 * Actors, actions and targets can come from Slack users and tool output: a cell a spreadsheet
 * would run as a formula is neutralised.
 */
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
    { header: withHeader, columns: [...CSV_COLUMNS], record_delimiter: 'windows', eof: true, cast: { string: neutraliseFormula } },
  );
}
