import { DefenseClawError } from '../../core/errors/index.js';

/** A run of the job is in progress (here or in another process), so another one was not started. */
export class JobAlreadyRunningError extends DefenseClawError {
  readonly jobName: string;

  constructor(jobName: string) {
    super(`${jobName} is already running; try again when its run has finished (see \`defenseclaw schedule show ${jobName}\`)`, { code: 'job_already_running' });
    this.jobName = jobName;
  }
}
