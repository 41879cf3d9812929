import { DefenseClawError } from './defenseclaw-error.js';

/** A command was called the wrong way (bad flag value, missing argument): exit code 2. */
export class UsageError extends DefenseClawError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'usage', exitCode: 2, cause: options.cause });
  }
}
