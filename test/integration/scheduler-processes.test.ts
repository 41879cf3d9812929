/**
 * Issue 7, "two processes → one run per slot": separate processes tick the same database at the
 * same instants; every slot runs in exactly one of them.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { JobNotifier, Scheduler, createSmtpEmailSender } from '../../src/scheduler/index.js';
import { SchedulerRepository, openStore } from '../../src/store/index.js';
import { temporaryHome } from '../helpers/cli.js';
import { finished, spawnTypeScript } from '../helpers/spawn.js';

const CREATED = '2026-03-01T00:00:30.000Z';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome('defenseclaw-scheduler-processes-');
});
afterEach(() => home.cleanup());

/** Creates the database with one policy job on `schedule`, as `policy schedule` would. */
function createJob(database: string, schedule: string): void {
  const store = openStore({ file: database });
  try {
    new Scheduler({
      store: new SchedulerRepository(store.db),
      clock: fixedClock(CREATED),
      logger: pino({ level: 'silent' }),
      notifier: new JobNotifier({ email: createSmtpEmailSender({ port: 25, secure: false }) }),
    }).add({ name: 'policy:race', kind: 'policy', schedule, params: { policy: 'endpoint-hardening' }, createdBy: 'cli:test' });
  } finally {
    store.close();
  }
}

/** Starts workers behind one barrier, releases them together, and returns their exits. */
async function runWorkers(count: number, args: (log: string) => string[]): Promise<{ log: string; exits: Array<{ code: number | null; stdout: string; stderr: string }> }> {
  const goFile = join(home.home, 'go');
  const log = join(home.home, 'executions.log');
  writeFileSync(log, '');
  const children = Array.from({ length: count }, () => spawnTypeScript('test/integration/scheduler-tick-worker.ts', [join(home.home, 'shared.db'), goFile, log, ...args(log), String(count)]));
  const done = Promise.all(children.map((child) => finished(child)));
  const deadline = Date.now() + 60_000;
  while (readdirSync(home.home).filter((name) => name.startsWith('go.ready.')).length < count) {
    if (Date.now() > deadline) throw new Error('workers did not get ready');
    if (children.some((child) => child.exitCode !== null)) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  writeFileSync(goFile, '');
  return { log, exits: await done };
}

function rows(database: string): Array<{ slot: string; owner: string; status: string }> {
  const sqlite = new Database(database, { readonly: true });
  try {
    return sqlite.prepare('SELECT slot, owner, status FROM job_runs ORDER BY slot').all() as never;
  } finally {
    sqlite.close();
  }
}

describe('scheduler across processes', () => {
  it('two processes ticking the same instant run the slot once: one job_runs row, one handler execution', async () => {
    const database = join(home.home, 'shared.db');
    createJob(database, '0 6 * * *');
    // Both tick at 2026-03-04 12:00 UTC-ish local noon: the due slot is 2026-03-04 06:00 local.
    const now = new Date(2026, 2, 4, 12, 0, 0).toISOString();
    const { log, exits } = await runWorkers(2, () => [now, '1', '0']);
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    const counts = exits.map((exit) => JSON.parse(exit.stdout) as { ran: number; taken: number; busy: number });
    expect(counts.reduce((sum, count) => sum + count.ran, 0)).toBe(1);
    // The other one lost the claim (taken, busy) or, ticking after it, found nothing due.
    expect(counts.reduce((sum, count) => sum + count.taken + count.busy, 0)).toBeLessThanOrEqual(1);
    const slot = new Date(2026, 2, 4, 6, 0, 0).toISOString();
    expect(rows(database)).toEqual([{ slot, owner: expect.any(String), status: 'succeeded' }]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`${slot} ${JSON.parse(exits.find((exit) => JSON.parse(exit.stdout).ran === 1)!.stdout).pid}`]);
  });

  it('three processes ticking 40 successive slots in lockstep execute each slot exactly once', async () => {
    const database = join(home.home, 'shared.db');
    createJob(database, '@every 1m');
    // Ticks 1 s after each minute, from 00:01:01 on; every process ticks each instant before any
    // moves on, so all three contest every slot.
    const { log, exits } = await runWorkers(3, () => ['2026-03-01T00:01:01.000Z', '40', '60000']);
    for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
    const slots = Array.from({ length: 40 }, (_, index) => new Date(Date.parse('2026-03-01T00:01:00.000Z') + index * 60_000).toISOString());
    const executions = readFileSync(log, 'utf8').trim().split('\n').map((line) => line.split(' ')[0]!);
    expect(executions.sort()).toEqual(slots);
    const claimed = rows(database);
    expect(claimed.map((row) => row.slot)).toEqual(slots);
    expect(claimed.every((row) => row.status === 'succeeded')).toBe(true);
    const counts = exits.map((exit) => JSON.parse(exit.stdout) as { ran: number; taken: number; busy: number });
    expect(counts.reduce((sum, count) => sum + count.ran, 0)).toBe(40);
    // The others lost the claim (taken) or, reading the job after it, found nothing due.
    expect(counts.reduce((sum, count) => sum + count.taken + count.busy, 0)).toBeLessThanOrEqual(80);
  });
});
