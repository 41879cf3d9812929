import { DefenseClawError } from '../../core/errors/index.js';

/** This process cannot run a job of this kind (e.g. the digest needs the Slack bot). */
export class NoJobHandlerError extends DefenseClawError {
  readonly jobName: string;
  readonly kind: string;

  constructor(jobName: string, kind: string) {
    super(`${jobName}: jobs of kind ${kind} cannot run in this process${kind === 'digest' ? ' (the digest is run by the Slack bot: defenseclaw slack serve)' : ''}`, { code: 'no_job_handler' });
    this.jobName = jobName;
    this.kind = kind;
  }
}
