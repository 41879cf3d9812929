import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { Clock } from '../../src/core/clock.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, a given home and environment. */
export async function runCli(args: string[], options: { home: string; env?: NodeJS.ProcessEnv; clock?: Clock }): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(
    args,
    {
      stdout,
      stderr,
      env: { DEFENSECLAW_HOME: options.home, ...(options.env ?? {}) },
      cwd: options.home,
      stdoutIsTTY: false,
      stderrIsTTY: false,
    },
    options.clock === undefined ? {} : { clock: options.clock },
  );
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function temporaryHome(prefix = 'defenseclaw-test-'): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), prefix));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}
