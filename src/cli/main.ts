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
  let commandName: string | undefined;
  program.hook('preAction', (_root, actionCommand) => {
    commandName = fullName(actionCommand);
  });
  const started = performance.now();
  let exitCode: ExitCode;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      exitCode = 2;
    } else exitCode = state.exitCode;
  } catch (error) {
    exitCode = reportError(io, error, state);
  }
  logCompletion(state, commandName, exitCode, performance.now() - started);
  state.close();
  return exitCode;
}

function fullName(command: { name(): string; parent: unknown }): string {
  const names: string[] = [];
  let current: { name(): string; parent: unknown } | null = command;
  while (current !== null && current.parent !== null) {
    names.unshift(current.name());
    current = current.parent as { name(): string; parent: unknown } | null;
  }
  return names.join(' ');
}

/** One log line per command that did real work (not --help or usage errors). */
function logCompletion(state: ReturnType<typeof createContext>, command: string | undefined, exitCode: ExitCode, durationMs: number): void {
  const runtime = state.existingRuntime();
  if (runtime === undefined || command === undefined) return;
  try {
    runtime.logger().info({ command, exitCode, durationMs: Math.round(durationMs) }, 'command finished');
  } catch {
    // A home that cannot hold a log file must not fail the command.
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
