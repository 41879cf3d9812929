import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { createContext } from '../../src/cli/context.js';
import { processIo } from '../../src/cli/io.js';
import { VERSION } from '../../src/app/version.js';
import { runCli, temporaryHome } from '../helpers/cli.js';
import { openTestLedger, entry, tamper } from '../helpers/ledger.js';
import { startFakeHec } from '../helpers/fake-hec.js';

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { home: home.home, env });

/** Every command path in the tree, e.g. [['config'], ['config', 'set'], …]. */
function commandPaths(): string[][] {
  const program = buildProgram(processIo(), createContext(processIo(), () => ({})).context);
  const out: string[][] = [];
  const visit = (command: Command, path: string[]) => {
    for (const child of command.commands) {
      if (child.name() === 'help') continue;
      out.push([...path, child.name()]);
      visit(child, [...path, child.name()]);
    }
  };
  visit(program, []);
  return out;
}

describe('command tree', () => {
  it('has --help on every command and sub-command, exit 0', async () => {
    const paths = commandPaths();
    expect(paths.map((path) => path.join(' '))).toEqual(
      expect.arrayContaining(['config', 'config init', 'config set', 'config show', 'audit', 'audit verify', 'audit export', 'audit checkpoint', 'audit show', 'status']),
    );
    for (const path of [[], ...paths]) {
      const result = await cli([...path, '--help']);
      expect(result.code, path.join(' ')).toBe(0);
      expect(result.stdout).toContain(`Usage: defenseclaw${path.length === 0 ? '' : ` ${path.join(' ')}`}`);
    }
  });

  it('has `help <command> [sub-command]` and `<group> help [sub-command]` too', async () => {
    for (const args of [['help', 'audit', 'verify'], ['audit', 'help', 'verify'], ['help', 'config', 'set']]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toContain(`Usage: defenseclaw ${args.filter((name) => name !== 'help').join(' ')} [options]`);
    }
    expect((await cli(['audit', 'help'])).stdout).toContain('Usage: defenseclaw audit [options] [command]');
    const unknown = await cli(['help', 'audit', 'verfy']);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: "defenseclaw: unknown command 'audit verfy' (did you mean 'audit verify'?)\n" });
  });

  it('prints the version with --version', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('offers --json on every command that prints data', () => {
    const program = buildProgram(processIo(), createContext(processIo(), () => ({})).context);
    const find = (path: string[]) => path.reduce<Command>((command, name) => command.commands.find((child) => child.name() === name)!, program);
    for (const path of [['status'], ['config', 'show'], ['config', 'get'], ['config', 'set'], ['config', 'init'], ['config', 'validate'], ['audit', 'show'], ['audit', 'verify'], ['audit', 'checkpoint'], ['audit', 'export']]) {
      expect(find(path).options.map((option) => option.long), path.join(' ')).toContain('--json');
    }
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['audit', 'verfy'], /unknown command 'audit verfy' \(did you mean 'audit verify'\?\)/],
    [['config', 'bogus'], /unknown command 'config bogus'/],
    [['audit', 'show', '--lst', '3'], /unknown option '--lst'.*--last/],
    [['audit', 'export'], /required option '--format <format>' not specified/],
    [['audit', 'export', '--format', 'xml'], /argument 'xml' is invalid/],
    [['config', 'set', 'cisco.region'], /missing required argument 'value'/],
    [['audit', 'show', '--last', 'many'], /--last: "many" is not a positive whole number/],
    [['audit', 'show', '--since', 'yesterday'], /--since: "yesterday" is neither a duration/],
    [['audit', 'export', '--format', 'jsonl', '--destination', 'http://127.0.0.1:1'], /--destination needs --format splunk-hec/],
    [['audit', 'export', '--format', 'splunk-hec', '--destination', 'splunk:8088'], /--destination: "splunk:8088" must be an http\(s\) URL/],
    [['audit', 'export', '--format', 'csv', '--output', 'a.csv', '--destination', 'http://127.0.0.1:1'], /--output and --destination cannot be used together/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('exits 2 with help when a command group or nothing is given', async () => {
    expect((await cli([])).code).toBe(2);
    const result = await cli(['audit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: defenseclaw audit');
  });
});

describe('config commands', () => {
  it('init writes config.yaml with mode 0600, refuses to overwrite, and --force keeps a backup', async () => {
    const first = await cli(['config', 'init', '--json']);
    expect(first.code).toBe(0);
    const file = join(home.home, 'config.yaml');
    expect(JSON.parse(first.stdout)).toMatchObject({ file, overwritten: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# my edit\n`);
    const again = await cli(['config', 'init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; use --force/);
    expect(readFileSync(file, 'utf8')).toContain('# my edit');
    const forced = await cli(['config', 'init', '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('# my edit');
    expect(readFileSync(`${file}.bak`, 'utf8')).toContain('# my edit');
    expect(statSync(`${file}.bak`).mode & 0o777).toBe(0o600);
  });

  it('set and show round-trip, with secrets masked in every output and in the ledger', async () => {
    await cli(['config', 'init']);
    const env = { SPLUNK_TOKEN: 'splunk-token-0123456789', SLACK_SIGNING_SECRET: 'slack-signing-secret-abcdef' };
    expect((await cli(['config', 'set', 'splunk.url', 'https://splunk.example.com:8089'], env)).code).toBe(0);
    const secretSet = await cli(['config', 'set', 'crowdstrike.client_secret', 'falcon-secret-987654'], env);
    expect(secretSet.code).toBe(0);
    expect(secretSet.stdout).not.toContain('falcon-secret-987654');
    const shown = await cli(['config', 'show', '--json'], env);
    expect(shown.code).toBe(0);
    const config = JSON.parse(shown.stdout);
    expect(config.integrations.splunk.url).toBe('https://splunk.example.com:8089');
    expect(config.integrations.splunk.token).toBe('********');
    expect(config.integrations.crowdstrike.client_secret).toBe('********');
    expect(config.slack.signing_secret).toBe('********');
    const yamlShown = await cli(['config', 'show'], env);
    const got = await cli(['config', 'get', 'splunk.token', '--json'], env);
    expect(JSON.parse(got.stdout)).toEqual({ key: 'integrations.splunk.token', value: '********', secret: true });
    const section = await cli(['config', 'get', 'splunk', '--json'], env);
    expect(JSON.parse(section.stdout).value).toMatchObject({ url: 'https://splunk.example.com:8089', token: '********' });
    expect((await cli(['config', 'get', 'crowdstrike'], env)).stdout).toContain('client_secret: "********"');
    const audit = await cli(['audit', 'show', '--json'], env);
    const records = JSON.parse(audit.stdout) as Array<{ action: string; target: string }>;
    expect(records.map((record) => `${record.action} ${record.target}`)).toEqual([
      `config.init ${join(home.home, 'config.yaml')}`,
      'config.set integrations.splunk.url',
      'config.set integrations.crowdstrike.client_secret',
    ]);
    const everything = [shown.stdout, yamlShown.stdout, got.stdout, section.stdout, audit.stdout, secretSet.stderr, readFileSync(join(home.home, 'defenseclaw.db')).toString('latin1')].join('\n');
    for (const secret of Object.values(env).concat('falcon-secret-987654')) expect(everything).not.toContain(secret);
  });

  it('set without a config file writes the config init template with the value (0600) and audits it', async () => {
    const result = await cli(['config', 'set', 'splunk.url', 'https://splunk.example.com:8089', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ key: 'integrations.splunk.url', created: true });
    const file = join(home.home, 'config.yaml');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('    url: https://splunk.example.com:8089 ');
    const [record] = JSON.parse((await cli(['audit', 'show', '--json'])).stdout);
    expect(record).toMatchObject({ action: 'config.set', target: 'integrations.splunk.url', details: { created: true, value: 'https://splunk.example.com:8089' } });
  });

  it('refuses bad values with exit 2 and the location, changing nothing', async () => {
    await cli(['config', 'init']);
    const file = join(home.home, 'config.yaml');
    const before = readFileSync(file, 'utf8');
    const result = await cli(['config', 'set', 'cisco.region', 'mars']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`defenseclaw: ${file}:10:11: cisco.region: expected one of us|eu|apjc, got "mars"\n`);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const records = JSON.parse((await cli(['audit', 'show', '--json'])).stdout) as unknown[];
    expect(records).toHaveLength(1);
  });

  it('validate exits 0 for a good file and 2 with one line per problem for a bad one', async () => {
    await cli(['config', 'init']);
    const good = await cli(['config', 'validate', '--json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ valid: true, exists: true, notes: [] });
    // The seed's audit_all_actions: false is valid, but said plainly not to turn auditing down.
    expect((await cli(['config', 'set', 'audit_all_actions', 'false'])).code).toBe(0);
    const noted = await cli(['config', 'validate', '--json']);
    expect(JSON.parse(noted.stdout)).toMatchObject({ valid: true, notes: [expect.stringMatching(/^audit_all_actions: false is not honoured: every tool call/)] });
    const file = join(home.home, 'config.yaml');
    writeFileSync(file, 'cisco:\n  region: mars\n  colour: blue\nmax_concurrent: -1\n');
    const bad = await cli(['config', 'validate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      `defenseclaw: ${file}:2:11: cisco.region: expected one of us|eu|apjc, got "mars"`,
      `defenseclaw: ${file}:3:3: cisco.colour: unknown key`,
      expect.stringMatching(new RegExp(`^defenseclaw: ${file}:4:17: max_concurrent: `)),
    ]);
    const json = await cli(['config', 'validate', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ file, valid: false, problems: [{ line: 2, column: 11, path: 'cisco.region' }, { line: 3, column: 3, path: 'cisco.colour' }, { line: 4, path: 'max_concurrent' }] });
    expect(json.stderr.trim().split('\n')).toHaveLength(3);
    writeFileSync(file, 'cisco: [unclosed\n');
    const syntax = await cli(['config', 'show']);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(new RegExp(`^defenseclaw: ${file}:\\d+:\\d+: YAML syntax error`));
  });

  it('an unset variable fails only the command that uses its key', async () => {
    await cli(['config', 'init']);
    expect((await cli(['status'])).code).toBe(0);
    const exported = await cli(['audit', 'export', '--format', 'splunk-hec', '--destination', 'http://127.0.0.1:9/']);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(/config\.yaml:\d+:\d+: integrations\.splunk\.hec_token: environment variable SPLUNK_HEC_TOKEN is not set/);
  });
});

describe('status', () => {
  it('reports version, home, database, ledger head and integrations as JSON', async () => {
    await cli(['config', 'init']);
    const result = await cli(['status', '--json'], { SPLUNK_URL: 'https://splunk:8089', SPLUNK_TOKEN: 'tok-abcdef-123' });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status).toMatchObject({
      version: VERSION,
      home: home.home,
      config: { valid: true, exists: true },
      database: { path: join(home.home, 'defenseclaw.db'), exists: true },
      ledger: { rows: 1, head_seq: 1 },
    });
    expect(status.database.size_bytes).toBeGreaterThan(0);
    expect(status.ledger.head_hash).toMatch(/^[0-9a-f]{64}$/);
    const byName = Object.fromEntries(status.integrations.map((integration: { name: string }) => [integration.name, integration]));
    expect(byName.splunk).toMatchObject({ configured: true, missing: [] });
    expect(byName.crowdstrike.configured).toBe(false);
    expect(byName.crowdstrike.missing[0]).toContain('CROWDSTRIKE_CLIENT_ID');
    expect(result.stdout).not.toContain('tok-abcdef-123');
  });

  it('still reports on a broken config.yaml, but exits 2 with each problem at its file:line:col', async () => {
    const file = join(home.home, 'config.yaml');
    writeFileSync(file, 'cisco:\n  region: mars\nbogus: 1\n');
    const result = await cli(['status', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ version: VERSION, config: { valid: false, problems: [expect.stringContaining(`${file}:2:11: cisco.region`), expect.stringContaining(`${file}:3:1: bogus: unknown key`)] } });
    expect(result.stderr.trim().split('\n')).toEqual([
      `defenseclaw: ${file}:2:11: cisco.region: expected one of us|eu|apjc, got "mars"`,
      `defenseclaw: ${file}:3:1: bogus: unknown key`,
    ]);
  });

  it('works on an empty home without creating a database', async () => {
    const result = await cli(['status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('not created yet');
    expect(existsSync(join(home.home, 'defenseclaw.db'))).toBe(false);
  });
});

describe('audit commands', () => {
  function seed(count: number, secretValues: string[] = []): void {
    const test = openTestLedger(home.home, { name: 'defenseclaw.db', secretValues });
    test.ledger.appendMany(Array.from({ length: count }, (_, index) => entry(index + 1)));
    test.close();
  }

  it('verify: exit 0 with rows and head, exit 1 naming the first broken seq', async () => {
    seed(30);
    const ok = await cli(['audit', 'verify', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, rows: 30, head: { seq: 30 }, first_broken_seq: null });
    const text = await cli(['audit', 'verify']);
    expect(text.stdout).toMatch(/^ok: 30 rows verified, head seq 30 hash [0-9a-f]{64}\n$/);
    const test = openTestLedger(home.home, { name: 'defenseclaw.db' });
    tamper(test.store.sqlite, `UPDATE audit_ledger SET actor = 'cli:mallory' WHERE seq = 12`);
    test.close();
    const broken = await cli(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^audit ledger BROKEN at seq 12 \(edited\)/);
    const json = JSON.parse((await cli(['audit', 'verify', '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, first_broken_seq: 12, problems: [{ seq: 12, kind: 'edited' }] });
  });

  it('checkpoint then verify --from-checkpoint catches a truncated ledger', async () => {
    seed(10);
    const checkpointFile = join(home.home, 'checkpoint.json');
    const made = await cli(['audit', 'checkpoint', '--output', checkpointFile, '--json']);
    expect(made.code).toBe(0);
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8'));
    expect(checkpoint).toMatchObject({ format: 'defenseclaw-audit-checkpoint-v1', seq: 10 });
    expect(JSON.parse(made.stdout)).toEqual(checkpoint);
    expect((await cli(['audit', 'verify', '--from-checkpoint', checkpointFile])).code).toBe(0);
    const test = openTestLedger(home.home, { name: 'defenseclaw.db' });
    tamper(test.store.sqlite, 'DELETE FROM audit_ledger WHERE seq > 8');
    test.close();
    expect((await cli(['audit', 'verify'])).code).toBe(0);
    const caught = await cli(['audit', 'verify', '--from-checkpoint', checkpointFile, '--json']);
    expect(caught.code).toBe(1);
    expect(JSON.parse(caught.stdout).problems).toEqual([expect.objectContaining({ seq: 9, kind: 'truncated' })]);
  });

  it('names the database file when it is not a SQLite database (exit 1, not an internal error)', async () => {
    const database = join(home.home, 'defenseclaw.db');
    writeFileSync(database, 'this is not a database '.repeat(20));
    const result = await cli(['audit', 'verify']);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `defenseclaw: ${database}: cannot open the database: file is not a database\n` });
  });

  it('rejects a bad checkpoint file with exit 2 and its location', async () => {
    seed(2);
    const file = join(home.home, 'bad.json');
    writeFileSync(file, '{"format":"defenseclaw-audit-checkpoint-v1","seq":2,"hash":"nothex","time":"t"}\n');
    const result = await cli(['audit', 'verify', '--from-checkpoint', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file}:1: hash: not a checkpoint`));
    expect((await cli(['audit', 'verify', '--from-checkpoint', join(home.home, 'missing.json')])).code).toBe(2);
  });

  it('show filters by actor and tool and prints a table or JSON', async () => {
    seed(12);
    const json = JSON.parse((await cli(['audit', 'show', '--actor', 'cli:analyst-1', '--tool', 'secure_endpoint.isolate_host', '--json'])).stdout);
    expect(json.map((record: { seq: number }) => record.seq)).toEqual([1, 7]);
    expect(json[0]).toMatchObject({ actor: 'cli:analyst-1', target: 'secure_endpoint.isolate_host', details: { index: 1 } });
    const table = await cli(['audit', 'show', '--last', '2']);
    expect(table.stdout.split('\n')[0]).toMatch(/^SEQ\s+TIME\s+ACTOR\s+ACTION\s+TARGET\s+SCOPE\s+OUTCOME$/);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('exports JSON lines, RFC 4180 CSV, OCSF API Activity and HEC envelopes to files', async () => {
    seed(1200);
    const out = (name: string) => join(home.home, name);
    for (const [index, format] of ['jsonl', 'csv', 'ocsf', 'splunk-hec'].entries()) {
      const result = await cli(['audit', 'export', '--format', format, '--output', out(format), '--json']);
      expect(result.code, result.stderr).toBe(0);
      // Each export is itself audited, so the next one carries one more record.
      expect(JSON.parse(result.stdout)).toMatchObject({ format, records: 1200 + index });
      expect(statSync(out(format)).mode & 0o777).toBe(0o600);
    }
    const lines = readFileSync(out('jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1200);
    expect(lines[0]).toMatchObject({ seq: 1, actor: 'cli:analyst-1', details: { index: 1 } });
    const rows = parseCsv(readFileSync(out('csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1201);
    expect(JSON.parse(rows[41]!.details!)).toMatchObject({ index: 42, note: 'record 42' });
    expect(rows[0]!.hash).toBe(lines[0].hash);
    const ocsf = readFileSync(out('ocsf'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(ocsf[0]).toMatchObject({
      class_uid: 6003,
      category_uid: 6,
      type_uid: 600303,
      activity_id: 3,
      status_id: 1,
      actor: { user: { name: 'cli:analyst-1' } },
      api: { operation: 'tool.call', service: { name: 'secure_endpoint.isolate_host' } },
      resources: [{ name: 'secure_endpoint.isolate_host', type: 'execute' }],
      metadata: { version: '1.3.0', uid: '1', product: { name: 'DefenseClaw' } },
      unmapped: { seq: 1, hash: lines[0].hash },
    });
    // A read tool is an OCSF Read activity.
    expect(ocsf[1]).toMatchObject({ activity_id: 2, type_uid: 600302, api: { service: { name: 'cisco_xdr.search_incidents' } } });
    expect(ocsf[0].time).toBe(Date.parse(lines[0].time));
    expect(ocsf[0].src_endpoint.hostname).toBeTruthy();
    const hec = readFileSync(out('splunk-hec'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(hec[0]).toMatchObject({ source: 'defenseclaw', sourcetype: 'defenseclaw:audit', index: 'security', event: { seq: 1 } });
    expect(hec[0].time).toBe(Date.parse(lines[0].time) / 1000);
  });

  it('writes export files with mode 0600 even over an existing file, and refuses an unwritable --output with exit 2', async () => {
    seed(3);
    const file = join(home.home, 'audit.jsonl');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    expect((await cli(['audit', 'export', '--format', 'jsonl', '--output', file])).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    for (const args of [['audit', 'export', '--format', 'csv'], ['audit', 'checkpoint']]) {
      const result = await cli([...args, '--output', join(home.home, 'audit.jsonl', 'inside-a-file')]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^defenseclaw: --output: cannot write .*inside-a-file: E[A-Z]+\n$/);
    }
  });

  it('exports only records newer than --since and from --from-seq', async () => {
    seed(10);
    const since = await cli(['audit', 'export', '--format', 'jsonl', '--since', '2026-11-23T10:00:07.000Z']);
    expect(since.stdout.trim().split('\n').map((line) => JSON.parse(line).seq)).toEqual([8, 9, 10]);
    const from = await cli(['audit', 'export', '--format', 'jsonl', '--from-seq', '9']);
    expect(from.stdout.trim().split('\n').map((line) => JSON.parse(line).seq)).toEqual([9, 10, 11]);
  });

  it('sends batched envelopes to a Splunk HEC with the Splunk token, retrying a busy collector', async () => {
    const token = 'hec-token-5f2b7c1e-0000-4000-8000-000000000001';
    const hec = await startFakeHec(token, (_request, index) => (index === 0 ? { status: 503, body: { text: 'Server is busy', code: 9 }, headers: { 'retry-after': '0' } } : undefined));
    try {
      seed(1100);
      writeFileSync(join(home.home, 'config.yaml'), 'integrations:\n  splunk:\n    hec_token: ${SPLUNK_HEC_TOKEN}\n    index: soc_audit\n');
      const result = await cli(['audit', 'export', '--format', 'splunk-hec', '--destination', hec.url, '--json'], { SPLUNK_HEC_TOKEN: token });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ records: 1100, batches: 3 });
      // First batch refused once (busy) and re-sent: 4 requests, 3 accepted.
      expect(hec.requests.map((request) => request.events.length)).toEqual([500, 500, 500, 100]);
      expect(hec.requests.every((request) => request.url === '/services/collector/event')).toBe(true);
      // One channel for the whole export (needed by collectors with indexer acknowledgement on).
      expect(new Set(hec.requests.map((request) => request.headers['x-splunk-request-channel'])).size).toBe(1);
      expect(hec.requests[0]!.headers['x-splunk-request-channel']).toMatch(/^[0-9a-f-]{36}$/);
      const accepted = hec.requests.slice(1).flatMap((request) => request.events);
      expect(accepted.map((event) => (event.event as { seq: number }).seq)).toEqual(Array.from({ length: 1100 }, (_, index) => index + 1));
      expect(accepted[0]).toMatchObject({ index: 'soc_audit', sourcetype: 'defenseclaw:audit' });
      const last = JSON.parse((await cli(['audit', 'show', '--last', '1', '--json'])).stdout)[0];
      expect(last).toMatchObject({ action: 'audit.export', outcome: 'succeeded', details: { format: 'splunk-hec', records: 1100 } });
      expect(JSON.stringify(last)).not.toContain(token);
    } finally {
      await hec.close();
    }
  });

  it('stops with exit 1 when HEC refuses, never printing or storing the token', async () => {
    const token = 'hec-token-refused-0000-4000-8000-000000000002';
    const hec = await startFakeHec(token, () => ({ status: 403, body: { text: 'Token disabled', code: 1 } }));
    try {
      seed(5);
      writeFileSync(join(home.home, 'config.yaml'), 'integrations:\n  splunk:\n    hec_token: ${SPLUNK_HEC_TOKEN}\n');
      const result = await cli(['audit', 'export', '--format', 'splunk-hec', '--destination', `${hec.url}/services/collector/event`], { SPLUNK_HEC_TOKEN: token });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Splunk HEC refused a batch of 5 events: HTTP 403 "Token disabled" \(code 1\); 0 events were accepted before it/);
      expect(hec.requests).toHaveLength(1);
      const last = JSON.parse((await cli(['audit', 'show', '--last', '1', '--json'])).stdout)[0];
      expect(last).toMatchObject({ action: 'audit.export', outcome: 'failed' });
      const log = readFileSync(join(home.home, 'logs', 'defenseclaw.log'), 'utf8');
      expect(log).toContain('command failed');
      for (const text of [result.stdout, result.stderr, log, readFileSync(join(home.home, 'defenseclaw.db')).toString('latin1')]) {
        expect(text).not.toContain(token);
      }
    } finally {
      await hec.close();
    }
  });
});
