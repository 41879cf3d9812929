import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryHome } from '../helpers/cli.js';
import { openTestLedger, entry, tamper } from '../helpers/ledger.js';
import { REPO_ROOT, finished } from '../helpers/spawn.js';

const BIN = fileURLToPath(new URL('../../bin/defenseclaw.js', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let home: ReturnType<typeof temporaryHome>;
beforeEach(() => {
  home = temporaryHome();
});
afterEach(() => home.cleanup());

function defenseclaw(args: string[], env: NodeJS.ProcessEnv = {}) {
  return finished(spawn(process.execPath, [BIN, ...args], { cwd: home.home, env: { ...process.env, DEFENSECLAW_HOME: home.home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('the defenseclaw binary', () => {
  it('prints its version and exits 0', async () => {
    expect(await defenseclaw(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('exits 2 on usage errors, bad config values and an existing config, 1 when the job fails', async () => {
    expect((await defenseclaw(['nonsense'])).code).toBe(2);
    expect((await defenseclaw(['config', 'init'])).code).toBe(0);
    const bad = await defenseclaw(['config', 'set', 'cisco.region', 'mars']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`defenseclaw: ${join(home.home, 'config.yaml')}:10:11: cisco.region: expected one of us|eu|apjc, got "mars"\n`);
    // An existing config without --force is a usage error too, and changes nothing.
    expect((await defenseclaw(['config', 'init'])).code).toBe(2);
    // The job failing: a ledger that disagrees with a checkpoint does not verify.
    const checkpoint = join(home.home, 'checkpoint.json');
    expect((await defenseclaw(['audit', 'checkpoint', '--output', checkpoint])).code).toBe(0);
    writeFileSync(checkpoint, readFileSync(checkpoint, 'utf8').replace(/"hash":"[0-9a-f]{64}"/, `"hash":"${'0'.repeat(64)}"`));
    const verify = await defenseclaw(['audit', 'verify', '--from-checkpoint', checkpoint]);
    expect(verify.code).toBe(1);
  });

  it('verify exits 1 on a tampered ledger and --json output parses', async () => {
    const test = openTestLedger(home.home, { name: 'defenseclaw.db' });
    test.ledger.appendMany([entry(1), entry(2), entry(3)]);
    tamper(test.store.sqlite, `UPDATE audit_ledger SET outcome = 'approved' WHERE seq = 2`);
    test.close();
    const result = await defenseclaw(['audit', 'verify', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, first_broken_seq: 2 });
  });

  it('logs each command as a JSON line in DEFENSECLAW_HOME/logs at the configured level', async () => {
    await defenseclaw(['config', 'init']);
    await defenseclaw(['status', '--json']);
    const log = readFileSync(join(home.home, 'logs', 'defenseclaw.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(log.map((line) => line.command)).toEqual(['config init', 'status']);
    expect(log[1]).toMatchObject({ level: 30, msg: 'command finished', exitCode: 0 });
    await defenseclaw(['config', 'set', 'log_level', 'warn']);
    const before = readFileSync(join(home.home, 'logs', 'defenseclaw.log'), 'utf8');
    await defenseclaw(['status']);
    expect(readFileSync(join(home.home, 'logs', 'defenseclaw.log'), 'utf8')).toBe(before);
  });

  it('runs as `npx defenseclaw` from the repository', async () => {
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    const result = await finished(spawn(npx, ['--no-install', 'defenseclaw', '--version'], { cwd: REPO_ROOT, env: { ...process.env, DEFENSECLAW_HOME: home.home }, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });
});
