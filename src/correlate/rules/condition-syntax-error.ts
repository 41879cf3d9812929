import { DefenseClawError } from '../../core/errors/index.js';

/** A Sigma `condition` that does not parse or names an unknown identifier. */
export class ConditionSyntaxError extends DefenseClawError {
  /** 0-based offset inside the condition text where the problem starts. */
  readonly offset: number;

  constructor(reason: string, offset: number) {
    super(reason, { code: 'sigma_condition_syntax', exitCode: 2 });
    this.offset = offset;
  }
}
