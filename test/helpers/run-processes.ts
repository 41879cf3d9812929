import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finished, REPO_ROOT, type Finished } from './spawn.js';

export const BIN = fileURLToPath(new URL('../../bin/defenseclaw.js', import.meta.url));
const BARRIER = fileURLToPath(new URL('./run-barrier.ts', import.meta.url));

/** Starts the real `defenseclaw` binary (dist/, built by global-setup) on a home. */
export function spawnBinary(args: string[], home: string, options: { goFile?: string } = {}): ChildProcess {
  const preload = options.goFile === undefined ? [] : ['--import', 'tsx', '--import', BARRIER];
  return spawn(process.execPath, [...preload, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DEFENSECLAW_HOME: home, ...(options.goFile === undefined ? {} : { DEFENSECLAW_TEST_GO_FILE: options.goFile }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Polls `check` every `intervalMs` until it returns a value, failing after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/**
 * Starts every command as its own `defenseclaw` process behind one barrier, releases them together
 * once all are loaded, and resolves with each one's exit, in order.
 */
export async function runTogether(commands: string[][], home: string, goFile: string): Promise<Finished[]> {
  const children = commands.map((args) => spawnBinary(args, home, { goFile }));
  const done = Promise.all(children.map((child) => finished(child)));
  const readyPrefix = `${basename(goFile)}.ready.`;
  try {
    await waitFor(
      'every process at the barrier',
      () => {
        const early = children.find((child) => child.exitCode !== null || child.signalCode !== null);
        if (early !== undefined) throw new Error(`a process exited before the barrier (${early.exitCode ?? early.signalCode})`);
        return readdirSync(dirname(goFile)).filter((name) => name.startsWith(readyPrefix)).length >= children.length ? true : undefined;
      },
      { timeoutMs: 45_000 },
    );
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    await done;
    throw error;
  }
  if (!existsSync(goFile)) writeFileSync(goFile, 'go');
  return done;
}
