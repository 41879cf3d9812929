import type { InputProblem } from '../core/errors/index.js';

/** A located problem as `--json` prints it (every field present, null when unknown). */
export function problemJson(problem: InputProblem): { file: string | null; line: number | null; column: number | null; path: string | null; message: string } {
  return { file: problem.file ?? null, line: problem.line ?? null, column: problem.column ?? null, path: problem.path ?? null, message: problem.message };
}
