/**
 * Audit ledger benchmark. Prints one JSON line:
 *  - appends/s with one record per IMMEDIATE transaction, hash chain and guards on, and the
 *    p50/p99 latency of one append;
 *  - the raw better-sqlite3 single-row insert rate (same pragmas, same columns, autocommit, no
 *    chain, no triggers) in the same run, and our share of it;
 *  - verify rows/s over a 1,000,000-row ledger.
 * Targets (issue 2): >= 20,000 appends/s, >= 50% of raw, p99 < 1 ms, verify >= 300,000 rows/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditLedger, createRedactor, verifyLedger, type AuditEntry } from '../src/audit/index.js';
import { systemClock } from '../src/core/clock.js';
import { openStore } from '../src/store/index.js';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 50_000);
const RAW_INSERTS = Number(process.env.BENCH_RAW_INSERTS ?? 50_000);
const VERIFY_ROWS = Number(process.env.BENCH_VERIFY_ROWS ?? 1_000_000);

function sampleEntry(index: number): AuditEntry {
  return {
    actor: `slack:U0${(index % 7) + 1}ANALYST`,
    action: 'tool.call',
    target: index % 3 === 0 ? 'secure_endpoint.isolate_host' : 'cisco_xdr.search_incidents',
    scope: index % 3 === 0 ? 'execute' : 'read',
    outcome: 'succeeded',
    details: { duration_ms: index % 250, result_summary: `${index % 40} incidents`, run: 'inv-2026-001234' },
    args: { query: 'status:New', limit: 50, offset: index % 10 },
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

export async function run(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'defenseclaw-bench-'));
  try {
    // 1. Chained appends, one per transaction.
    const store = openStore({ file: join(directory, 'ledger.db') });
    const ledger = new AuditLedger({ sqlite: store.sqlite, clock: systemClock, redactor: createRedactor({ secretValues: () => ['not-present-secret-value'] }) });
    const entries = Array.from({ length: 1000 }, (_, index) => sampleEntry(index));
    for (let index = 0; index < 2000; index += 1) ledger.append(entries[index % 1000]!); // warm-up
    const latencies = new Float64Array(APPENDS);
    const appendStart = process.hrtime.bigint();
    for (let index = 0; index < APPENDS; index += 1) {
      const start = process.hrtime.bigint();
      ledger.append(entries[index % 1000]!);
      latencies[index] = Number(process.hrtime.bigint() - start) / 1e6;
    }
    const appendSeconds = Number(process.hrtime.bigint() - appendStart) / 1e9;
    latencies.sort();
    store.close();

    // 2. Raw better-sqlite3 single-row inserts with the same pragmas and columns.
    const raw = new Database(join(directory, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('busy_timeout = 10000');
    raw.exec(`CREATE TABLE t (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT, scope TEXT,
      outcome TEXT NOT NULL, details TEXT NOT NULL, args_hash TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL); CREATE INDEX t_time ON t (time);`);
    const insert = raw.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const hash = 'a'.repeat(64);
    const details = JSON.stringify(sampleEntry(1).details);
    for (let index = 1; index <= 2000; index += 1) insert.run(index, new Date().toISOString(), 'slack:U01ANALYST', 'tool.call', 'x', 'read', 'succeeded', details, hash, hash, hash);
    const rawStart = process.hrtime.bigint();
    for (let index = 2001; index <= 2000 + RAW_INSERTS; index += 1) {
      insert.run(index, new Date().toISOString(), 'slack:U01ANALYST', 'tool.call', 'cisco_xdr.search_incidents', 'read', 'succeeded', details, hash, hash, hash);
    }
    const rawSeconds = Number(process.hrtime.bigint() - rawStart) / 1e9;
    raw.close();

    // 3. Verify over a large ledger (filled in batches; verify reads every row).
    const big = openStore({ file: join(directory, 'big.db') });
    const bigLedger = new AuditLedger({ sqlite: big.sqlite, clock: systemClock, redactor: createRedactor() });
    const batch = Array.from({ length: 10_000 }, (_, index) => sampleEntry(index));
    for (let filled = 0; filled < VERIFY_ROWS; filled += batch.length) bigLedger.appendMany(batch.slice(0, Math.min(batch.length, VERIFY_ROWS - filled)));
    const verifyStart = process.hrtime.bigint();
    const result = verifyLedger(big.sqlite);
    const verifySeconds = Number(process.hrtime.bigint() - verifyStart) / 1e9;
    big.close();
    if (!result.ok) throw new Error(`verify failed on an untouched ledger: ${JSON.stringify(result.problems[0])}`);

    const appendsPerSecond = APPENDS / appendSeconds;
    const rawPerSecond = RAW_INSERTS / rawSeconds;
    const verifyPerSecond = result.rows / verifySeconds;
    const figures = {
      bench: 'audit',
      appends: APPENDS,
      appends_per_sec: Math.round(appendsPerSecond),
      append_p50_ms: Number(percentile(latencies, 0.5).toFixed(4)),
      append_p99_ms: Number(percentile(latencies, 0.99).toFixed(4)),
      append_max_ms: Number(latencies[latencies.length - 1]!.toFixed(3)),
      raw_inserts_per_sec: Math.round(rawPerSecond),
      share_of_raw: Number((appendsPerSecond / rawPerSecond).toFixed(3)),
      verify_rows: result.rows,
      verify_rows_per_sec: Math.round(verifyPerSecond),
      verify_seconds: Number(verifySeconds.toFixed(3)),
      rss_mb: Math.round(process.memoryUsage().rss / 1048576),
      targets_met: {
        appends_per_sec: appendsPerSecond >= 20_000,
        share_of_raw: appendsPerSecond / rawPerSecond >= 0.5,
        append_p99_ms: percentile(latencies, 0.99) < 1,
        verify_rows_per_sec: verifyPerSecond >= 300_000,
      },
      node: process.version,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
