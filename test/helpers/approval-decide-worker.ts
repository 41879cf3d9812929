/**
 * Decides approvals from a separate process, for the "two processes decide at once" test.
 * Usage: approval-decide-worker.ts <database> <approver> <go-file> <approval-id>...
 * Opens the store, prints `ready`, spins until <go-file> exists (so both workers start within
 * microseconds of each other), then for each id tries to approve it and then to consume it,
 * printing one JSON line per id: { id, result: 'approved' | <error code>, consumed }.
 */
import { existsSync, writeSync } from 'node:fs';
import { ApprovalService, isUserGroupId } from '../../src/approvals/index.js';
import { AuditLedger, createRedactor } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/clock.js';
import { isDefenseClawError } from '../../src/core/errors/index.js';
import { openStore } from '../../src/store/index.js';

const [database, approver, goFile, ...ids] = process.argv.slice(2);
if (database === undefined || approver === undefined || goFile === undefined || ids.length === 0 || isUserGroupId(approver)) {
  process.stderr.write('usage: approval-decide-worker.ts <database> <approver> <go-file> <approval-id>...\n');
  process.exit(2);
}
const store = openStore({ file: database });
const ledger = new AuditLedger({ sqlite: store.sqlite, clock: systemClock, redactor: createRedactor() });
const approvals = new ApprovalService({
  db: store.db,
  clock: systemClock,
  audit: ledger,
  settings: { approvers: ['U0ALICE', 'U0BOB'], expiryMs: 3_600_000, allowSelfApproval: false, criticalTools: [] },
});
writeLine('ready');
while (!existsSync(goFile)) {
  // Spin: a timer would add milliseconds of skew between the two workers.
}
for (const id of ids) {
  let result: string;
  try {
    result = (await approvals.decide(id, approver, 'approve')).state;
  } catch (error) {
    result = isDefenseClawError(error) ? error.code : `unexpected: ${String(error)}`;
  }
  writeLine(JSON.stringify({ id, result, consumed: approvals.consume(id) }));
}
store.close();

function writeLine(text: string): void {
  const buffer = Buffer.from(`${text}\n`);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(1, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
