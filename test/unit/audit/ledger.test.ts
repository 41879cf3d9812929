import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_FORMAT,
  createRedactor,
  GENESIS_HASH,
  columnsHash,
  recordHash,
  verifyLedger,
  type Checkpoint,
} from '../../../src/audit/index.js';
import { hashCanonical } from '../../../src/core/canonical-json.js';
import { temporaryHome } from '../../helpers/cli.js';
import { entry, openTestLedger, tamper, type TestLedger } from '../../helpers/ledger.js';

let home: ReturnType<typeof temporaryHome>;
let test: TestLedger;
beforeEach(() => {
  home = temporaryHome();
  test = openTestLedger(home.home);
});
afterEach(() => {
  test.close();
  home.cleanup();
});

function fill(count: number): void {
  for (let index = 1; index <= count; index += 1) test.ledger.append(entry(index));
}

function rehashFrom(seq: number): string {
  // An attacker who knows the format recomputes every hash from `seq` on.
  const rows = test.store.sqlite.prepare('SELECT * FROM audit_ledger WHERE seq >= ? ORDER BY seq').all(seq) as Array<Record<string, unknown>>;
  let previous = (test.store.sqlite.prepare('SELECT hash FROM audit_ledger WHERE seq = ?').pluck().get(seq - 1) as string | undefined) ?? GENESIS_HASH;
  const statements: string[] = [];
  for (const row of rows) {
    const hash = columnsHash([
      row.seq as number, row.time as string, row.actor as string, row.action as string, row.target as string | null,
      row.scope as string | null, row.outcome as string, row.details as string, row.args_hash as string | null, previous,
    ]);
    statements.push(`UPDATE audit_ledger SET prev_hash = '${previous}', hash = '${hash}' WHERE seq = ${row.seq as number};`);
    previous = hash;
  }
  return statements.join('\n');
}

/**
 * What a hand-made INSERT looks like: rows from `at` on move up by `count`, and copies of the row
 * before (under another actor, the hashes copied too) fill the room.
 */
function insertCopies(at: number, count: number): void {
  const copies = Array.from(
    { length: count },
    (_, index) => `INSERT INTO audit_ledger SELECT ${at + index}, time, 'cli:mallory', action, target, scope, outcome, details, args_hash, hash, hash FROM audit_ledger WHERE seq = ${at + index - 1};`,
  );
  tamper(test.store.sqlite, `UPDATE audit_ledger SET seq = seq + 100 WHERE seq >= ${at}; UPDATE audit_ledger SET seq = seq - ${100 - count} WHERE seq >= ${at + 100};\n${copies.join('\n')}`);
}

describe('AuditLedger append', () => {
  it('chains records from the genesis hash', () => {
    const first = test.ledger.append(entry(1));
    const second = test.ledger.append(entry(2));
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(recordHash(second)).toBe(second.hash);
    expect(test.ledger.head()).toEqual({ seq: 2, hash: second.hash });
    expect(test.ledger.count()).toBe(2);
  });

  it('stores canonical redacted details and the SHA-256 of the canonical arguments', () => {
    const record = test.ledger.append(entry(7, { args: { b: 2, a: 1 } }));
    expect(record.argsHash).toBe(hashCanonical({ a: 1, b: 2 }));
    expect(record.details).toBe('{"args":{"a":1,"b":2},"index":7,"note":"record 7"}');
  });

  it('appendMany writes one chained batch', () => {
    const records = test.ledger.appendMany([entry(1), entry(2), entry(3)]);
    expect(records.map((record) => record.seq)).toEqual([1, 2, 3]);
    expect(records[2]!.prevHash).toBe(records[1]!.hash);
    expect(verifyLedger(test.store.sqlite).ok).toBe(true);
  });

  it('filters records by actor, tool, outcome and time, newest N last', () => {
    fill(10);
    test.ledger.append(entry(11, { outcome: 'denied', actor: 'slack:U0ABCDEF' }));
    expect(test.ledger.query({ last: 3 }).map((record) => record.seq)).toEqual([9, 10, 11]);
    expect(test.ledger.query({ actor: 'slack:U0ABCDEF' }).map((record) => record.seq)).toEqual([11]);
    expect(test.ledger.query({ target: 'secure_endpoint.isolate_host', last: 2 }).map((record) => record.seq)).toEqual([9, 11]);
    expect(test.ledger.query({ outcome: 'denied' })).toHaveLength(1);
    expect(test.ledger.query({ since: '2026-11-23T10:00:08.000Z' }).map((record) => record.seq)).toEqual([9, 10, 11]);
  });
});

describe('SQL guards', () => {
  beforeEach(() => fill(3));

  it('refuse UPDATE', () => {
    expect(() => test.store.sqlite.exec(`UPDATE audit_ledger SET actor = 'mallory' WHERE seq = 2`)).toThrow(/append-only: UPDATE refused/);
  });

  it('refuse DELETE', () => {
    expect(() => test.store.sqlite.exec('DELETE FROM audit_ledger WHERE seq = 3')).toThrow(/append-only: DELETE refused/);
  });

  it('refuse an INSERT that does not extend the chain', () => {
    const head = test.ledger.head()!;
    const insert = test.store.sqlite.prepare(
      `INSERT INTO audit_ledger (seq, time, actor, action, outcome, details, prev_hash, hash) VALUES (?, 't', 'a', 'b', 'succeeded', '{}', ?, 'x')`,
    );
    expect(() => insert.run(head.seq + 2, head.hash)).toThrow(/must extend the chain/);
    expect(() => insert.run(head.seq + 1, GENESIS_HASH)).toThrow(/must extend the chain/);
    expect(() => test.store.sqlite.exec(`INSERT OR REPLACE INTO audit_ledger (seq, time, actor, action, outcome, details, prev_hash, hash) VALUES (2, 't', 'a', 'b', 'succeeded', '{}', 'p', 'x')`)).toThrow();
    expect(test.ledger.count()).toBe(3);
  });

  it('are reported by verify when removed', () => {
    test.store.sqlite.exec('DROP TRIGGER audit_ledger_refuse_delete');
    const result = verifyLedger(test.store.sqlite);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'guards_missing', message: expect.stringContaining('audit_ledger_refuse_delete') })]);
  });
});

describe('verifyLedger', () => {
  it('accepts an intact chain and reports rows and head', () => {
    fill(50);
    const result = verifyLedger(test.store.sqlite);
    expect(result).toMatchObject({ ok: true, rows: 50, problems: [], problemCount: 0 });
    expect(result.head).toEqual(test.ledger.head());
  });

  it('accepts an empty ledger', () => {
    expect(verifyLedger(test.store.sqlite)).toMatchObject({ ok: true, rows: 0, head: null });
  });

  it('catches an edited row', () => {
    fill(10);
    tamper(test.store.sqlite, `UPDATE audit_ledger SET outcome = 'denied' WHERE seq = 4`);
    const result = verifyLedger(test.store.sqlite);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 4, kind: 'edited' })]);
  });

  it('catches an edited row whose hash was recomputed (the link to the next row breaks)', () => {
    fill(10);
    tamper(test.store.sqlite, `UPDATE audit_ledger SET actor = 'cli:mallory' WHERE seq = 4;`);
    const row = test.store.sqlite.prepare('SELECT * FROM audit_ledger WHERE seq = 4').get() as Record<string, string | number | null>;
    const hash = columnsHash([4, row.time as string, 'cli:mallory', row.action as string, row.target as string, row.scope as string, row.outcome as string, row.details as string, row.args_hash as string, row.prev_hash as string]);
    tamper(test.store.sqlite, `UPDATE audit_ledger SET hash = '${hash}' WHERE seq = 4`);
    const result = verifyLedger(test.store.sqlite);
    expect(result.problems[0]).toMatchObject({ seq: 5, kind: 'broken_link' });
    expect(result.problems[0]!.message).toContain('row 4 was replaced');
  });

  it('catches a deleted row', () => {
    fill(10);
    tamper(test.store.sqlite, 'DELETE FROM audit_ledger WHERE seq = 6');
    const result = verifyLedger(test.store.sqlite);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 6, kind: 'deleted', message: expect.stringContaining('seq jumps from 5 to 7') })]);
    expect(result.problemCount).toBe(1);
  });

  it('catches a deleted row when the later rows were renumbered to close the gap', () => {
    fill(10);
    tamper(test.store.sqlite, 'DELETE FROM audit_ledger WHERE seq = 6; UPDATE audit_ledger SET seq = seq - 1 WHERE seq > 6;');
    const result = verifyLedger(test.store.sqlite);
    expect(result.problems).toEqual([
      { seq: 6, kind: 'deleted', message: 'row 6 is missing (deleted) and the rows after it were renumbered: row 6 holds the record written as seq 7' },
    ]);
  });

  it('catches an inserted row (later rows renumbered, forged row correctly hashed)', () => {
    fill(10);
    // Make room at seq 5 by shifting 5..10 up, then forge a row at 5 chained to row 4.
    tamper(test.store.sqlite, `UPDATE audit_ledger SET seq = seq + 100 WHERE seq >= 5; UPDATE audit_ledger SET seq = seq - 99 WHERE seq >= 105;`);
    const head4 = test.store.sqlite.prepare('SELECT hash FROM audit_ledger WHERE seq = 4').pluck().get() as string;
    const forged = [5, '2026-11-23T10:00:04.500Z', 'cli:mallory', 'tool.call', 'secure_endpoint.release_host', 'execute', 'succeeded', '{}', null, head4] as const;
    const hash = columnsHash(forged);
    tamper(
      test.store.sqlite,
      `INSERT INTO audit_ledger (seq, time, actor, action, target, scope, outcome, details, args_hash, prev_hash, hash) VALUES (5, '${forged[1]}', 'cli:mallory', 'tool.call', 'secure_endpoint.release_host', 'execute', 'succeeded', '{}', NULL, '${head4}', '${hash}')`,
    );
    const result = verifyLedger(test.store.sqlite);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ seq: 5, kind: 'inserted', message: 'row 5 was inserted: the record written as seq 5 now sits at seq 6' }]);
    expect(result.problemCount).toBe(1);
  });

  it('catches an inserted row that does not match its hash as inserted, not edited', () => {
    fill(10);
    insertCopies(4, 1);
    const result = verifyLedger(test.store.sqlite);
    expect(result.problems).toEqual([{ seq: 4, kind: 'inserted', message: 'row 4 was inserted: the record written as seq 4 now sits at seq 5' }]);
    expect(result.problemCount).toBe(1);
  });

  it('catches two inserted rows, and a deleted block that was renumbered', () => {
    fill(12);
    insertCopies(6, 2);
    expect(verifyLedger(test.store.sqlite).problems).toEqual([
      { seq: 6, kind: 'inserted', message: 'rows 6..7 were inserted: the record written as seq 6 now sits at seq 8' },
    ]);
    test.close();
    test = openTestLedger(home.home, { name: 'renumbered.db' });
    fill(12);
    tamper(test.store.sqlite, 'DELETE FROM audit_ledger WHERE seq IN (4, 5); UPDATE audit_ledger SET seq = seq - 2 WHERE seq > 5;');
    expect(verifyLedger(test.store.sqlite).problems).toEqual([
      { seq: 4, kind: 'deleted', message: 'rows 4..5 are missing (deleted) and the rows after them were renumbered: row 4 holds the record written as seq 6' },
    ]);
  });

  it('catches rows moved further than a swap as reordered', () => {
    fill(10);
    tamper(test.store.sqlite, 'UPDATE audit_ledger SET seq = 1000 WHERE seq = 3; UPDATE audit_ledger SET seq = 3 WHERE seq = 6; UPDATE audit_ledger SET seq = 6 WHERE seq = 1000;');
    const result = verifyLedger(test.store.sqlite);
    expect(result.problems[0]).toEqual({ seq: 3, kind: 'reordered', message: 'rows were reordered: row 3 holds the record written as seq 6, row 6 the one written as seq 3' });
    expect(result.problems.map((problem) => problem.kind)).not.toContain('deleted');
  });

  it('catches swapped rows', () => {
    fill(10);
    tamper(test.store.sqlite, 'UPDATE audit_ledger SET seq = 1000 WHERE seq = 3; UPDATE audit_ledger SET seq = 3 WHERE seq = 4; UPDATE audit_ledger SET seq = 4 WHERE seq = 1000;');
    const result = verifyLedger(test.store.sqlite);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 3, kind: 'reordered', message: 'rows 3 and 4 were swapped (reordered)' })]);
    expect(result.problemCount).toBe(1);
  });

  it('catches a chain rewritten wholesale after a checkpoint', () => {
    fill(20);
    const head = test.ledger.head()!;
    const checkpoint: Checkpoint = { format: CHECKPOINT_FORMAT, seq: head.seq, hash: head.hash, time: '2026-11-23T10:00:20.000Z' };
    fill(5);
    tamper(test.store.sqlite, `UPDATE audit_ledger SET outcome = 'denied' WHERE seq = 7`);
    expect(verifyLedger(test.store.sqlite).ok).toBe(false);
    tamper(test.store.sqlite, rehashFrom(7));
    // Internally consistent: without the checkpoint, nothing looks wrong.
    expect(verifyLedger(test.store.sqlite).ok).toBe(true);
    const result = verifyLedger(test.store.sqlite, { checkpoints: [checkpoint] });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 20, kind: 'rewritten' })]);
  });

  it('catches rows deleted from the end against a checkpoint', () => {
    fill(10);
    const head = test.ledger.head()!;
    tamper(test.store.sqlite, 'DELETE FROM audit_ledger WHERE seq > 7');
    expect(verifyLedger(test.store.sqlite).ok).toBe(true);
    const result = verifyLedger(test.store.sqlite, { checkpoints: [{ format: CHECKPOINT_FORMAT, seq: head.seq, hash: head.hash, time: 't0' }] });
    expect(result.problems).toEqual([expect.objectContaining({ seq: 8, kind: 'truncated' })]);
  });

  it('reports progress while walking', () => {
    fill(25);
    const seen: number[] = [];
    verifyLedger(test.store.sqlite, { onProgress: (rows) => seen.push(rows), progressEvery: 10 });
    expect(seen).toEqual([10, 20]);
  });
});

describe('redaction before storage', () => {
  it('never stores configured secret values, secret-named fields or credential shapes', () => {
    test.close();
    test = openTestLedger(home.home, { secretValues: ['hunter2-configured-secret'], name: 'redact.db' });
    test.ledger.append({
      actor: 'cli:alice',
      action: 'tool.call',
      target: 'splunk.search?token=hunter2-configured-secret',
      scope: 'read',
      outcome: 'failed',
      details: {
        error: 'upstream said: bad credentials hunter2-configured-secret',
        headers: { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'X-Auth-Access-Token': 'fmc-token-123' },
        client_secret: 'cs-client-secret-xyz',
        nested: [{ apiKey: 'key-abc-123', password: 'p@ssw0rd!' }],
        slack: 'posted with xoxb-1234567890-abcdefghij',
        usage: { input_tokens: 120, max_tokens: 4096 },
      },
      args: { query: 'index=main hunter2-configured-secret', routing_key: 'R0UT1NGKEY000' },
    });
    const stored = JSON.stringify(test.store.sqlite.prepare('SELECT * FROM audit_ledger').all());
    for (const secret of ['hunter2-configured-secret', 'eyJhbGciOiJIUzI1NiJ9', 'fmc-token-123', 'cs-client-secret-xyz', 'key-abc-123', 'p@ssw0rd!', 'xoxb-1234567890', 'R0UT1NGKEY000']) {
      expect(stored, secret).not.toContain(secret);
    }
    // Non-secrets survive: token counts are not tokens.
    expect(stored).toContain('\\"input_tokens\\":120');
    expect(stored).toContain('\\"max_tokens\\":4096');
    expect(verifyLedger(test.store.sqlite).ok).toBe(true);
  });

  it('also removes other secret-named fields, JWTs and secrets in URL queries', () => {
    const redactor = createRedactor();
    const redacted = redactor.redact({
      secret_key: 'aws-secret-key-value',
      signingKey: 'signing-key-value',
      shared_key: 'azure-shared-key-value',
      pwd: 'pwd-value-123',
      auth: { user: 'svc', pass: 'basic-pass-value' },
      webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
      note: 'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdmMifQ.c2lnbmF0dXJlLXZhbHVl expired',
      url: 'https://splunk.example.com:8089/services/search?output_mode=json&access_token=query-token-value&count=10',
      sort_key: 'not-a-secret',
    });
    const text = JSON.stringify(redacted);
    for (const secret of ['aws-secret-key-value', 'signing-key-value', 'azure-shared-key-value', 'pwd-value-123', 'basic-pass-value', 'XXXXSECRET', 'eyJhbGciOiJSUzI1NiJ9', 'query-token-value']) {
      expect(text, secret).not.toContain(secret);
    }
    expect(redacted.url).toBe('https://splunk.example.com:8089/services/search?output_mode=json&access_token=[REDACTED]&count=10');
    expect(redacted.sort_key).toBe('not-a-secret');
  });
});

describe('text encoding', () => {
  it('verifies records holding control characters, separators, emoji and lone surrogates', () => {
    const odd = 'ctl\u0001\u001f del\u007f sep\u2028\u2029 quote" back\\slash emoji🛡️ lone\ud800 end';
    test.ledger.append({ actor: `cli:${odd}`, action: 'tool.call', target: odd, scope: 'read', outcome: 'succeeded', details: { odd, nested: [odd] }, args: { odd } });
    test.ledger.append(entry(2));
    const result = verifyLedger(test.store.sqlite);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('still classifies an edit when the SQLite fast path and the column encoding disagree', () => {
    test.ledger.append(entry(1, { details: { text: 'line\nbreak\u0002' } }));
    test.ledger.append(entry(2));
    tamper(test.store.sqlite, `UPDATE audit_ledger SET details = '{"text":"other"}' WHERE seq = 1`);
    expect(verifyLedger(test.store.sqlite).problems).toEqual([expect.objectContaining({ seq: 1, kind: 'edited' })]);
  });
});
