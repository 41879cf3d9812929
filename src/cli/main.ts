import { CommanderError } from 'commander';
import { isDefenseClawError, type ExitCode } from '../core/errors/index.js';
import type { Clock } from '../core/clock.js';
import { createContext } from './context.js';
import { processIo, type CliIo } from './io.js';
import { MissingSubcommand, buildProgram } from './program.js';

export interface MainOptions {
  clock?: Clock;
}

/**
 * Runs one `defenseclaw` invocation and returns its exit code: 0 success, 1 the job failed,
 * 2 bad input or usage. Never calls process.exit, so tests run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), options: MainOptions = {}): Promise<ExitCode> {
  let program: ReturnType<typeof buildProgram> | undefined;
  const state = createContext(io, () => (program?.opts() ?? {}) as { home?: string }, options.clock);
  program = buildProgram(io, state.context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return 2;
    }
    return state.exitCode;
  } catch (error) {
    return reportError(io, error, state);
  } finally {
    state.close();
  }
}

function reportError(io: CliIo, error: unknown, state: ReturnType<typeof createContext>): ExitCode {
  if (error instanceof CommanderError) {
    // --help and --version end through here with exit code 0; everything else is usage.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof MissingSubcommand) return 2;
  if (isDefenseClawError(error)) {
    for (const line of error.lines()) io.stderr.write(`defenseclaw: ${line}\n`);
    logFailure(state, error);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`defenseclaw: internal error: ${message.split('\n')[0]}\n`);
  logFailure(state, error);
  return 1;
}

function logFailure(state: ReturnType<typeof createContext>, error: unknown): void {
  try {
    state.context.runtime().logger().error({ err: error }, 'command failed');
  } catch {
    // Logging must never turn one error into two.
  }
}
