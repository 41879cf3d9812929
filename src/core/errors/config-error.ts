import { InputError, type InputProblem } from './input-error.js';

/** The configuration file or a key in it is wrong (syntax, unknown key, type, missing variable). */
export class ConfigError extends InputError {
  constructor(problems: InputProblem[] | InputProblem, options: { cause?: unknown } = {}) {
    super(problems, { code: 'config_invalid', cause: options.cause });
  }
}
