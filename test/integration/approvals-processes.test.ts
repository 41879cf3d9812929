import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalService } from '../../src/approvals/index.js';
import { AuditLedger, createRedactor, verifyLedger } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/index.js';
import { temporaryHome } from '../helpers/cli.js';
import { finished, spawnTypeScript } from '../helpers/spawn.js';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

/** Resolves once the child printed `ready` (its store is open and migrated). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      if (buffer.split('\n').includes('ready')) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

interface WorkerLine {
  id: string;
  result: string;
  consumed: boolean;
}

describe('approvals across processes', () => {
  it('two processes approving the same approvals at the same moment apply exactly one decision each, and consume runs once', async () => {
    const database = join(home.home, 'shared.db');
    const goFile = join(home.home, 'go');
    const count = 100;
    const store = openStore({ file: database });
    const approvals = new ApprovalService({
      db: store.db,
      clock: systemClock,
      audit: new AuditLedger({ sqlite: store.sqlite, clock: systemClock, redactor: createRedactor() }),
      settings: { approvers: ['U0ALICE', 'U0BOB'], expiryMs: 3_600_000, allowSelfApproval: false, criticalTools: [] },
    });
    const ids = Array.from({ length: count }, (_, index) =>
      approvals.request({
        tool: 'secure_endpoint.isolate_host',
        args: { host: `workstation-${index}` },
        argsSummary: { host: `workstation-${index}` },
        requester: 'U0REQUESTER',
        actor: 'agent:phishing-triage',
        runId: `run_${index}`,
      }).id,
    );
    store.close();

    const alice = spawnTypeScript('test/helpers/approval-decide-worker.ts', [database, 'U0ALICE', goFile, ...ids]);
    const bob = spawnTypeScript('test/helpers/approval-decide-worker.ts', [database, 'U0BOB', goFile, ...ids]);
    const done = Promise.all([finished(alice), finished(bob)]);
    await Promise.all([ready(alice), ready(bob)]);
    writeFileSync(goFile, 'go');
    const [aliceRun, bobRun] = await done;
    expect(aliceRun.code, aliceRun.stderr).toBe(0);
    expect(bobRun.code, bobRun.stderr).toBe(0);

    const parse = (stdout: string): Map<string, WorkerLine> =>
      new Map(
        stdout
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as WorkerLine)
          .map((line) => [line.id, line]),
      );
    const aliceLines = parse(aliceRun.stdout);
    const bobLines = parse(bobRun.stdout);
    const sqlite = new Database(database, { readonly: true });
    try {
      for (const id of ids) {
        const results = [aliceLines.get(id)!.result, bobLines.get(id)!.result].sort();
        // Exactly one decision: one approved, the loser told it is no longer pending.
        expect(results, id).toEqual(['approval_not_pending', 'approved']);
        // Exactly one of the two consume attempts won.
        expect([aliceLines.get(id)!.consumed, bobLines.get(id)!.consumed].filter(Boolean), id).toHaveLength(1);
        const winner = aliceLines.get(id)!.result === 'approved' ? 'U0ALICE' : 'U0BOB';
        // Two vote attempts, one committed: the loser's vote was rolled back with its transaction.
        expect(sqlite.prepare('SELECT approver, decision FROM approval_votes WHERE approval_id = ?').all(id), id).toEqual([{ approver: winner, decision: 'approve' }]);
        expect(sqlite.prepare('SELECT state, decided_by AS decidedBy FROM approvals WHERE id = ?').get(id)).toEqual({ state: 'approved', decidedBy: winner });
        expect(sqlite.prepare('SELECT executed_at FROM approvals WHERE id = ?').pluck().get(id)).not.toBeNull();
      }
      // Both workers' records (decisions and refusals) are in one valid chain.
      expect(verifyLedger(sqlite).ok).toBe(true);
      const outcomes = sqlite.prepare("SELECT outcome, COUNT(*) AS n FROM audit_ledger WHERE action = 'approval.decide' GROUP BY outcome ORDER BY outcome").all();
      expect(outcomes).toEqual([
        { outcome: 'approved', n: count },
        { outcome: 'denied', n: count },
      ]);
    } finally {
      sqlite.close();
    }
  });
});
