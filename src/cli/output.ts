import type { CliIo } from './io.js';

/** Writes one JSON document (pretty, newline-terminated) to stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(io: CliIo, line = ''): void {
  io.stdout.write(`${line}\n`);
}

/** A note for humans on stderr (never mixed into --json output). */
export function printNote(io: CliIo, line: string): void {
  io.stderr.write(`${line}\n`);
}

/** A plain aligned table; long cells are cut to `maxWidth` with an ellipsis. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>, maxWidth = 60): string {
  const cells = rows.map((row) => row.map((cell) => clip(cell === null || cell === undefined ? '' : String(cell), maxWidth)));
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((row) => row[column]?.length ?? 0)));
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(headers.map((header) => header.toUpperCase())), ...cells.map(format)].join('\n') + '\n';
}

function clip(text: string, maxWidth: number): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > maxWidth ? `${single.slice(0, maxWidth - 1)}…` : single;
}

/** Human-readable byte size. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
