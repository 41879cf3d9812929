/**
 * Appends audit records from a separate process, for the multi-process and crash tests.
 * Usage: append-worker.ts <database> <count|forever> <actor> [go-file [workers]]
 * With `forever`, prints each seq on its own line right after its transaction committed.
 * With a go-file, it opens the database, creates `<go-file>.ready.<pid>` and spins until
 * `<go-file>` exists before appending, so several workers append at the same moment.
 * With `workers` too, each worker stops halfway, creates `<go-file>.half.<pid>` and spins until
 * all `workers` got there: every worker then has rows on both sides of the others' first halves,
 * so their appends interleave in the chain whatever the scheduler does.
 */
import { existsSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { AuditLedger, createRedactor } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/index.js';

const [database, countText, actor, goFile, workersText] = process.argv.slice(2);
if (database === undefined || countText === undefined || actor === undefined) {
  process.stderr.write('usage: append-worker.ts <database> <count|forever> <actor>\n');
  process.exit(2);
}
const forever = countText === 'forever';
const count = forever ? Number.POSITIVE_INFINITY : Number(countText);
const store = openStore({ file: database });
const ledger = new AuditLedger({ sqlite: store.sqlite, clock: systemClock, redactor: createRedactor() });
const committed: number[] = [];
if (goFile !== undefined) {
  writeFileSync(`${goFile}.ready.${process.pid}`, '');
  spinUntil(() => existsSync(goFile), 'a go signal');
}
const workers = goFile === undefined || workersText === undefined ? 0 : Number(workersText);
for (let index = 1; index <= count; index += 1) {
  if (workers > 0 && index === Math.floor(count / 2) + 1) {
    writeFileSync(`${goFile}.half.${process.pid}`, '');
    const prefix = `${basename(goFile!)}.half.`;
    spinUntil(() => readdirSync(dirname(goFile!)).filter((name) => name.startsWith(prefix)).length >= workers, 'the other workers halfway');
  }
  const record = ledger.append({
    actor,
    action: 'tool.call',
    target: 'cisco_xdr.search_incidents',
    scope: 'read',
    outcome: 'succeeded',
    details: { index },
    args: { index },
  });
  // Synchronous write: when the parent reads a seq, its commit has already happened.
  if (forever) writeAll(`${record.seq}\n`);
  else committed.push(record.seq);
}
writeAll(`${committed.join('\n')}\n`);
store.close();

/** Spins (a timer would add milliseconds of skew between the workers), for at most 60 s. */
function spinUntil(ready: () => boolean, what: string): void {
  const deadline = Date.now() + 60_000;
  while (!ready()) if (Date.now() > deadline) throw new Error(`append-worker: no sign of ${what} within 60 s`);
}

function writeAll(text: string): void {
  const buffer = Buffer.from(text);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(1, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
