import { Runtime } from '../app/runtime.js';
import { resolveHome } from '../config/index.js';
import type { Clock } from '../core/clock.js';
import type { ExitCode } from '../core/errors/index.js';
import type { CliIo } from './io.js';

/** What every command action receives. */
export interface CommandContext {
  io: CliIo;
  /** The runtime for the chosen home (built on first use). */
  runtime(): Runtime;
  /** Ends the command with this exit code once the action returns (1: the job failed). */
  fail(code?: ExitCode): void;
}

export interface ContextState {
  context: CommandContext;
  exitCode: ExitCode;
  /** The runtime, if any command asked for one. */
  existingRuntime(): Runtime | undefined;
  close(): void;
}

export function createContext(io: CliIo, globalOptions: () => { home?: string }, clock?: Clock): ContextState {
  let runtime: Runtime | undefined;
  const state: ContextState = {
    exitCode: 0,
    context: {
      io,
      runtime() {
        if (runtime === undefined) {
          const explicitHome = globalOptions().home;
          runtime = new Runtime({
            home: resolveHome({ env: io.env, cwd: io.cwd, ...(explicitHome === undefined ? {} : { explicitHome }) }),
            env: io.env,
            ...(clock === undefined ? {} : { clock }),
            console: { stream: io.stderr, isTTY: io.stderrIsTTY },
          });
        }
        return runtime;
      },
      fail(code = 1) {
        state.exitCode = code;
      },
    },
    existingRuntime: () => runtime,
    close() {
      runtime?.close();
    },
  };
  return state;
}
