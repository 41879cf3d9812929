import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/index.js';
import { temporaryHome } from '../helpers/cli.js';
import { waitFor } from '../helpers/run-processes.js';
import { REPO_ROOT, finished, spawnTypeScript } from '../helpers/spawn.js';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

describe('audit ledger across processes', () => {
  it('two processes appending 2,000 rows each at once leave one valid chain of 4,000', async () => {
    // A fresh database: both processes also race to create and migrate it. Then both wait at a
    // barrier, so their 2,000 appends each really run at the same time (process start-up alone
    // differs by more than the appends take), and meet again halfway, so that each has rows on
    // both sides of the other's first half however the OS schedules them.
    const database = join(home.home, 'shared.db');
    const go = join(home.home, 'go');
    const worker = (actor: string) => finished(spawnTypeScript('test/helpers/append-worker.ts', [database, '2000', actor, go, '2']));
    const done = Promise.all([worker('worker:a'), worker('worker:b')]);
    await waitFor('both workers at the barrier', () => (readdirSync(home.home).filter((name) => name.startsWith('go.ready.')).length === 2 ? true : undefined), { timeoutMs: 45_000, intervalMs: 10 });
    writeFileSync(go, '');
    const [first, second] = await done;
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const sqlite = new Database(database);
    try {
      const result = verifyLedger(sqlite);
      expect(result).toMatchObject({ ok: true, rows: 4000, problemCount: 0 });
      expect(result.head?.seq).toBe(4000);
      const perActor = sqlite.prepare('SELECT actor, COUNT(*) AS n FROM audit_ledger GROUP BY actor ORDER BY actor').all();
      expect(perActor).toEqual([
        { actor: 'worker:a', n: 2000 },
        { actor: 'worker:b', n: 2000 },
      ]);
      // Each worker got its own seqs, and the two really interleaved in the one chain.
      const seqsA = first.stdout.trim().split('\n').map(Number);
      const seqsB = second.stdout.trim().split('\n').map(Number);
      expect(new Set([...seqsA, ...seqsB]).size).toBe(4000);
      const actors = sqlite.prepare('SELECT actor FROM audit_ledger ORDER BY seq').pluck().all() as string[];
      const switches = actors.filter((actor, index) => index > 0 && actor !== actors[index - 1]).length;
      expect(switches).toBeGreaterThanOrEqual(2);
      // Each migration applied exactly once although both processes raced to create the database.
      const journalEntries = (JSON.parse(readFileSync(join(REPO_ROOT, 'migrations', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
      expect(sqlite.prepare('SELECT COUNT(*) FROM __drizzle_migrations').pluck().get()).toBe(journalEntries);
    } finally {
      sqlite.close();
    }
  });

  it('a process killed with SIGKILL mid-append loses no committed row and leaves a verifiable chain', async () => {
    const database = join(home.home, 'crash.db');
    const child = spawnTypeScript('test/helpers/append-worker.ts', [database, 'forever', 'worker:crash']);
    const acknowledged: number[] = [];
    let buffer = '';
    const done = finished(child);
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) acknowledged.push(Number(line));
        if (acknowledged.length >= 1500 && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    const exit = await done;
    expect(exit.signal).toBe('SIGKILL');
    const sqlite = new Database(database);
    try {
      const result = verifyLedger(sqlite);
      expect(result.ok, JSON.stringify(result.problems)).toBe(true);
      const stored = new Set(sqlite.prepare('SELECT seq FROM audit_ledger').pluck().all() as number[]);
      const lost = acknowledged.filter((seq) => !stored.has(seq));
      expect(lost).toEqual([]);
      expect(result.rows).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      sqlite.close();
    }
  });
});

