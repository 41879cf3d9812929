import { DefenseClawError } from './defenseclaw-error.js';

/** Where a bad input was found: a file position, a config key path, or both. */
export interface InputProblem {
  message: string;
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Dotted key path inside the document, e.g. `integrations.splunk.url`. */
  path?: string;
}

/** Formats a problem as `file:line:col: key.path: message`, leaving out the parts it lacks. */
export function formatProblem(problem: InputProblem): string {
  let location = '';
  if (problem.file !== undefined) {
    location = problem.file;
    if (problem.line !== undefined) {
      location += `:${problem.line}`;
      if (problem.column !== undefined) location += `:${problem.column}`;
    }
  }
  const parts = [location, problem.path ?? '', problem.message].filter((part) => part !== '');
  return parts.join(': ');
}

/**
 * Bad input (a file, a key, an argument): exit code 2, one line per problem, nothing changed.
 */
export class InputError extends DefenseClawError {
  readonly problems: readonly InputProblem[];

  constructor(problems: InputProblem[] | InputProblem, options: { code?: string; cause?: unknown } = {}) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'), { code: options.code ?? 'invalid_input', exitCode: 2, cause: options.cause });
    this.problems = list;
  }

  override lines(): string[] {
    return this.problems.map(formatProblem);
  }
}
