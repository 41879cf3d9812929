import { InputError } from '../../core/errors/index.js';
import type { JobHandler } from '../job-handler.js';

/** What a policy job needs of a policy check's result (PolicyRunResult, structurally). */
export interface PolicyJobResult {
  id: string;
  status: string;
  totals: { pass: number; fail: number; error: number };
}

export interface PolicyJobHandlerOptions<Result extends PolicyJobResult> {
  /** `runtime.policies().check(…)`. */
  check(input: { policy: string; requester: string }): Promise<Result>;
  /** `policyRunSummary`: the plain text told to `notify`. */
  summary(result: Result): string;
}

/**
 * `policy`: checks `params.policy` (a policy name or `all`) as `scheduler:<job name>`; the run is
 * stored by the policy service, its summary goes to the job's notify target.
 */
export function policyJobHandler<Result extends PolicyJobResult>(options: PolicyJobHandlerOptions<Result>): JobHandler {
  return async ({ job, requester }) => {
    const policy = job.params.policy;
    if (typeof policy !== 'string' || policy === '') throw new InputError({ path: `${job.name}.params.policy`, message: 'the policy job names no policy' });
    const result = await options.check({ policy, requester });
    return { summary: options.summary(result), output: { policy_run: result.id, status: result.status, totals: result.totals } };
  };
}
