import type Database from 'better-sqlite3';
import type { Checkpoint } from './checkpoint.js';
import { GENESIS_HASH, SQL_HASH_INPUT, columnsHash, encodedHash, type HashedColumns } from './hash-chain.js';

export type VerifyProblemKind =
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'broken_link'
  | 'rewritten'
  | 'truncated'
  | 'guards_missing';

export interface VerifyProblem {
  /** The first seq where the ledger is wrong. */
  seq: number;
  kind: VerifyProblemKind;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  head: { seq: number; hash: string } | null;
  /** The first problems found, in ledger order (at most `maxProblems`). */
  problems: VerifyProblem[];
  /** All problems found, including those not listed. */
  problemCount: number;
  checkpointsChecked: number;
}

export interface VerifyOptions {
  checkpoints?: readonly Checkpoint[];
  maxProblems?: number;
  /** Called every `progressEvery` rows (default 100,000) with the rows checked so far. */
  onProgress?: (rows: number) => void;
  progressEvery?: number;
}

export const LEDGER_GUARDS = ['audit_ledger_refuse_update', 'audit_ledger_refuse_delete', 'audit_ledger_extend_chain'] as const;

/** How far from its position verify looks for the seq a record was written under. */
const REORDER_WINDOW = 3;

type Row = [number, string, string, string, string | null, string | null, string, string, string | null, string, string];
/** seq, SQLite-encoded hash input, prev_hash, hash. */
type FastRow = [number, string, string, string];

/**
 * Walks the whole chain once, in seq order, in constant memory: recomputes each record's hash,
 * checks each link and each seq, and compares the chain with any checkpoints. Each problem is
 * classified: edited (content no longer matches its hash), deleted (seq gap), inserted (a record
 * sits after its written position), reordered (records swapped), broken link (a record
 * replaced with a re-hashed one), rewritten / truncated (disagrees with a checkpoint).
 */
export function verifyLedger(sqlite: Database.Database, options: VerifyOptions = {}): VerifyResult {
  const maxProblems = options.maxProblems ?? 100;
  const progressEvery = options.progressEvery ?? 100_000;
  const problems: VerifyProblem[] = [];
  let problemCount = 0;
  const report = (problem: VerifyProblem): void => {
    problemCount += 1;
    if (problems.length < maxProblems) problems.push(problem);
  };

  const installed = new Set(
    (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_ledger'`).pluck().all() as string[]),
  );
  const missingGuards = LEDGER_GUARDS.filter((name) => !installed.has(name));

  const checkpoints = new Map<number, Checkpoint[]>();
  for (const checkpoint of options.checkpoints ?? []) {
    checkpoints.set(checkpoint.seq, [...(checkpoints.get(checkpoint.seq) ?? []), checkpoint]);
  }

  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let rows = 0;
  let head: { seq: number; hash: string } | null = null;
  /** Hashes of the last few rows, to recognise links into a stretch already reported. */
  const recentHashes: string[] = [];
  let lastProblemSeq = Number.NEGATIVE_INFINITY;
  /** writtenAs - seq of the previous row, while a run of shifted (renumbered) rows continues. */
  let shift = 0;
  /**
   * A row holding a later record (rows before it missing, the rest renumbered): reported as
   * deleted, unless a missing record turns up further on, which makes it a reordering.
   */
  let moved: { problem: VerifyProblem; missingFrom: number; missingTo: number } | undefined;
  const flag = (problem: VerifyProblem): VerifyProblem => {
    lastProblemSeq = problem.seq;
    report(problem);
    return problem;
  };
  /** Drops problems in [from, to] that were only symptoms of a cause found later. */
  const retract = (from: number, to: number, kinds: readonly VerifyProblemKind[]): void => {
    for (let index = problems.length - 1; index >= 0 && problems[index]!.seq >= from; index -= 1) {
      const problem = problems[index]!;
      if (problem.seq <= to && kinds.includes(problem.kind)) {
        problems.splice(index, 1);
        problemCount -= 1;
      }
    }
  };

  const statement = sqlite.prepare(`SELECT seq, ${SQL_HASH_INPUT}, prev_hash, hash FROM audit_ledger ORDER BY seq`).raw();
  const fullRow = sqlite
    .prepare('SELECT seq, time, actor, action, target, scope, outcome, details, args_hash, prev_hash, hash FROM audit_ledger WHERE seq = ?')
    .raw();
  for (const [seq, encoded, prevHash, storedHash] of statement.iterate() as IterableIterator<FastRow>) {
    rows += 1;
    const gap = seq !== expectedSeq;
    if (gap) {
      flag({
        seq: expectedSeq,
        kind: 'deleted',
        message:
          seq - expectedSeq === 1
            ? `row ${expectedSeq} is missing (deleted): seq jumps from ${expectedSeq - 1} to ${seq}`
            : `rows ${expectedSeq}..${seq - 1} are missing (deleted): seq jumps from ${expectedSeq - 1} to ${seq}`,
      });
    }
    const row = encodedHash(encoded) === storedHash ? undefined : (fullRow.get(seq) as Row);
    if (row !== undefined && columnsHash(row as unknown as HashedColumns) !== storedHash) {
      const writtenAs = writtenUnder(row);
      if (writtenAs === undefined) {
        // A forged row appended by hand looks the same: its content does not match its hash either.
        flag({ seq, kind: 'edited', message: `row ${seq} was edited (or forged and inserted): its content no longer matches its hash` });
        shift = 0;
      } else if (moved !== undefined && writtenAs >= moved.missingFrom && writtenAs <= moved.missingTo) {
        // A record reported missing is here after all: the rows were reordered, not deleted.
        const first = moved.problem;
        first.kind = 'reordered';
        first.message =
          seq === first.seq + 1 && writtenAs === first.seq
            ? `rows ${first.seq} and ${seq} were swapped (reordered)`
            : `rows were reordered: row ${first.seq} holds the record written as seq ${moved.missingTo + 1}, row ${seq} the one written as seq ${writtenAs}`;
        retract(first.seq + 1, seq, ['broken_link']);
        lastProblemSeq = seq;
        moved = undefined;
        shift = 0;
      } else if (writtenAs - seq === shift) {
        // The same renumbering as the row before: one cause, already reported.
      } else if (writtenAs > seq) {
        const problem = flag({
          seq,
          kind: 'deleted',
          message:
            writtenAs - seq === 1
              ? `row ${seq} is missing (deleted) and the rows after it were renumbered: row ${seq} holds the record written as seq ${writtenAs}`
              : `rows ${seq}..${writtenAs - 1} are missing (deleted) and the rows after them were renumbered: row ${seq} holds the record written as seq ${writtenAs}`,
        });
        moved = { problem, missingFrom: seq, missingTo: writtenAs - 1 };
        shift = writtenAs - seq;
      } else {
        // The record written as `writtenAs` sits at `seq`: the rows before it, from `writtenAs` on, were put in.
        retract(writtenAs, seq - 1, ['edited', 'broken_link']);
        flag({
          seq: writtenAs,
          kind: 'inserted',
          message:
            seq - writtenAs === 1
              ? `row ${writtenAs} was inserted: the record written as seq ${writtenAs} now sits at seq ${seq}`
              : `rows ${writtenAs}..${seq - 1} were inserted: the record written as seq ${writtenAs} now sits at seq ${seq}`,
        });
        lastProblemSeq = seq;
        shift = writtenAs - seq;
      }
    } else {
      shift = 0;
      const explained = seq - lastProblemSeq <= REORDER_WINDOW + 1 && recentHashes.includes(prevHash);
      if (prevHash !== previousHash && !gap && !explained) {
        flag({
          seq,
          kind: 'broken_link',
          message: `row ${seq} does not link to row ${seq - 1} (prev_hash differs): row ${seq - 1} was replaced or a row was inserted before ${seq}`,
        });
      }
    }
    const matching = checkpoints.get(seq);
    if (matching !== undefined) {
      for (const checkpoint of matching) {
        if (checkpoint.hash !== storedHash) {
          flag({
            seq,
            kind: 'rewritten',
            message: `row ${seq} differs from the checkpoint taken ${checkpoint.time}: the chain up to seq ${seq} was rewritten`,
          });
        }
      }
    }
    recentHashes.push(storedHash);
    if (recentHashes.length > REORDER_WINDOW + 1) recentHashes.shift();
    previousHash = storedHash;
    expectedSeq = seq + 1;
    head = { seq, hash: storedHash };
    if (options.onProgress !== undefined && rows % progressEvery === 0) options.onProgress(rows);
  }

  const headSeq = head?.seq ?? 0;
  for (const checkpoint of options.checkpoints ?? []) {
    if (checkpoint.seq > headSeq) {
      report({
        seq: headSeq + 1,
        kind: 'truncated',
        message: `the checkpoint taken ${checkpoint.time} saw seq ${checkpoint.seq} but the ledger ends at seq ${headSeq}: rows were deleted from the end`,
      });
    } else if (checkpoint.seq === 0 && checkpoint.hash !== GENESIS_HASH) {
      report({ seq: 0, kind: 'rewritten', message: 'checkpoint at seq 0 must carry the genesis hash' });
    }
  }
  if (missingGuards.length > 0) {
    report({
      seq: headSeq,
      kind: 'guards_missing',
      message: `append-only guards removed from the database: ${missingGuards.join(', ')}`,
    });
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { ok: problemCount === 0, rows, head, problems, problemCount, checkpointsChecked: options.checkpoints?.length ?? 0 };
}

/** The seq a record was hashed under, if it is a nearby seq other than its own. */
function writtenUnder(row: Row): number | undefined {
  for (let distance = 1; distance <= REORDER_WINDOW; distance += 1) {
    for (const candidate of [row[0] + distance, row[0] - distance]) {
      if (candidate >= 1 && columnsHash(row as unknown as HashedColumns, candidate) === row[10]) return candidate;
    }
  }
  return undefined;
}
