/** Exit codes shared by every command: 0 success, 1 the job failed, 2 bad input or usage. */
export type ExitCode = 0 | 1 | 2;

export interface DefenseClawErrorOptions {
  /** Stable machine-readable code, e.g. `config_invalid`. */
  code: string;
  /** Process exit code a CLI should use when this error ends a command. */
  exitCode?: ExitCode;
  cause?: unknown;
}

/**
 * Base class of every error DefenseClaw raises on purpose. Carries a stable string `code`
 * so callers branch on codes, never on message text.
 */
export class DefenseClawError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(message: string, options: DefenseClawErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.exitCode = options.exitCode ?? 1;
  }

  /** One line per problem, as printed on stderr. */
  lines(): string[] {
    return [this.message];
  }
}

export function isDefenseClawError(error: unknown): error is DefenseClawError {
  return error instanceof DefenseClawError;
}
