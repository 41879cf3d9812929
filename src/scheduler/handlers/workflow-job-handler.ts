import { InputError } from '../../core/errors/index.js';
import type { JobHandler } from '../job-handler.js';

/** What one trigger round of a workflow started (WorkflowService.runTriggered's result, structurally). */
export interface WorkflowTriggerRound {
  /** False when the workflow is no longer registered or active: nothing ran. */
  active: boolean;
  runs: ReadonlyArray<{ key: string; runId: string; status: string; approvalId?: string }>;
}

/**
 * `workflow`: one trigger round of the workflow `params.workflow` as `scheduler:<job name>` — an
 * event workflow polls its source and runs each new match once, a schedule workflow runs once.
 */
export function workflowJobHandler(runTriggered: (input: { workflow: string; requester: string }) => Promise<WorkflowTriggerRound>): JobHandler {
  return async ({ job, requester }) => {
    const workflow = job.params.workflow;
    if (typeof workflow !== 'string' || workflow === '') throw new InputError({ path: `${job.name}.params.workflow`, message: 'the workflow job names no workflow' });
    const round = await runTriggered({ workflow, requester });
    const lines = round.active
      ? [
          `Workflow ${workflow}: ${round.runs.length} new run(s).`,
          ...round.runs.map((run) => `• ${run.key}: run ${run.runId} ${run.status}${run.approvalId === undefined ? '' : ` (approval ${run.approvalId})`}`),
        ]
      : [`Workflow ${workflow} is not active: nothing ran.`];
    return {
      summary: lines.join('\n'),
      output: { workflow, active: round.active, runs: round.runs.map((run) => ({ trigger: run.key, run_id: run.runId, status: run.status, approval_id: run.approvalId ?? null })) },
    };
  };
}
