import { DefenseClawError } from '../../core/errors/index.js';
import { closest } from '../../core/suggest.js';

/** No scheduled job has this name (exit 2: the name is bad input). */
export class ScheduledJobNotFoundError extends DefenseClawError {
  readonly jobName: string;
  readonly availableJobs: readonly string[];

  constructor(jobName: string, availableJobs: readonly string[]) {
    const suggestion = closest(jobName, availableJobs);
    super(`no scheduled job named ${JSON.stringify(jobName)}${suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`}`, { code: 'scheduled_job_not_found', exitCode: 2 });
    this.jobName = jobName;
    this.availableJobs = availableJobs;
  }
}
