import { DefenseClawError } from '../../core/errors/index.js';

/** A condition or template path that does not parse. `column` is 1-based inside the expression text. */
export class ExpressionSyntaxError extends DefenseClawError {
  /** 1-based column inside the expression where the problem starts. */
  readonly column: number;
  constructor(reason: string, column: number) {
    super(reason, { code: 'expression_syntax', exitCode: 2 });
    this.column = column;
  }
}
