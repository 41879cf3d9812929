import { DefenseClawError } from '../../core/errors/index.js';

/** A `{{ … }}` template that does not parse: unterminated `{{`, or a bad path inside. */
export class TemplateSyntaxError extends DefenseClawError {
  /** 1-based column inside the string where the problem starts. */
  readonly column: number;
  constructor(reason: string, column: number, options: { cause?: unknown } = {}) {
    super(reason, { code: 'template_syntax', exitCode: 2, cause: options.cause });
    this.column = column;
  }
}
