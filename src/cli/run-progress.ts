import type { RunOutcome } from '../agents/runner/agent-runner.js';
import type { RunEventRecord } from '../agents/runner/run-store.js';
import type { Runtime } from '../app/runtime.js';
import type { CliIo } from './io.js';

const MARKS: Record<string, string> = {
  run_started: '▶',
  step_started: '…',
  step_succeeded: '✓',
  step_skipped: '-',
  step_failed: '✗',
  awaiting_approval: '⏸',
  approval_decided: '✓',
  run_finished: '■',
};

export function formatRunEvent(event: RunEventRecord): string {
  return `${event.time} ${MARKS[event.type] ?? '·'} ${event.message}`;
}

/** How often a foreground run checks whether its approval was decided (in another process). */
const APPROVAL_POLL_MS = 1000;

/**
 * Drives a run in the foreground: while it waits for an approval, checks the approval every
 * second and resumes the run once it is decided (whoever decided it, wherever). Resolves with
 * the final outcome, or with the waiting one when `detach` is set.
 */
export async function driveRun(runtime: Runtime, io: CliIo, first: RunOutcome, options: { detach: boolean; quiet: boolean }): Promise<RunOutcome> {
  let outcome = first;
  while (outcome.status === 'waiting_approval' && outcome.approvalId !== undefined) {
    if (!options.quiet) io.stderr.write(`waiting for approval ${outcome.approvalId}: an approver runs \`defenseclaw approvals approve ${outcome.approvalId}\` (or clicks Approve in Slack)\n`);
    if (options.detach) return outcome;
    const approvalId = outcome.approvalId;
    for (;;) {
      const approval = runtime.approvals().get(approvalId);
      if (approval === undefined || approval.state !== 'pending') break;
      await new Promise((resolve) => setTimeout(resolve, APPROVAL_POLL_MS));
    }
    outcome = await runtime.runner().execute(outcome.runId);
    const run = runtime.runs().getRun(outcome.runId);
    // Someone else (the deciding process) may have resumed it: follow it to its end.
    while (run !== undefined && outcome.status === 'waiting_approval' && runtime.runs().getRun(outcome.runId)?.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, APPROVAL_POLL_MS));
      const current = runtime.runs().getRun(outcome.runId)!;
      outcome = { runId: current.id, status: current.status as RunOutcome['status'] };
    }
  }
  return outcome;
}

/** Resumes every run waiting on this approval whose lease is free (its process is gone). */
export async function resumeRunsWaitingOn(runtime: Runtime, approvalId: string): Promise<RunOutcome[]> {
  const waiting = runtime.runs().runsWaitingOn(approvalId);
  const outcomes: RunOutcome[] = [];
  for (const run of waiting) outcomes.push(await runtime.runner().execute(run.id));
  return outcomes;
}
