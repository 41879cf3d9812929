import type { RunOutcome, RunStatus } from '../agents/runner/agent-runner.js';
import type { RunEventRecord } from '../agents/runner/run-store.js';
import type { Runtime } from '../app/runtime.js';
import type { CliIo } from './io.js';
import { printLine } from './output.js';

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

/**
 * Prints a run's step events once each, whether this process produced them (`print`, from
 * `runtime.onRunEvent`) or another process did (`catchUp`, from the database).
 */
export class RunProgress {
  readonly #printed = new Map<string, number>();

  constructor(
    private readonly io: CliIo,
    private readonly quiet: boolean,
  ) {}

  print(event: RunEventRecord): void {
    if (event.id <= (this.#printed.get(event.runId) ?? 0)) return;
    this.#printed.set(event.runId, event.id);
    if (!this.quiet) printLine(this.io, formatRunEvent(event));
  }

  /** Prints the run's stored events not printed yet (steps another process ran). */
  catchUp(runtime: Runtime, runId: string): void {
    for (const event of runtime.runs().events(runId, this.#printed.get(runId) ?? 0)) this.print(event);
  }

  /** Prints this process's run events until the returned function is called. */
  follow(runtime: Runtime): () => void {
    return runtime.onRunEvent((event) => this.print(event));
  }
}

/** How often a foreground run checks its approval, or a run another process is executing. */
const POLL_MS = 1000;

/**
 * Drives a run in the foreground to its end: while it waits for an approval, checks the approval
 * every second and resumes the run once it is decided (whoever decided it, wherever). When another
 * process took the run over (an approver's process resumes parked runs), follows it from the
 * database, printing its steps, until it finishes or waits again. Resolves with the final outcome,
 * or with the waiting one when `detach` is set.
 */
export async function driveRun(runtime: Runtime, io: CliIo, first: RunOutcome, options: { detach: boolean; quiet: boolean; progress?: RunProgress }): Promise<RunOutcome> {
  let outcome = first;
  for (;;) {
    options.progress?.catchUp(runtime, outcome.runId);
    if (outcome.heldElsewhere === true || (outcome.status === 'waiting_approval' && outcome.approvalId === undefined)) {
      outcome = await followElsewhere(runtime, outcome.runId, options.progress);
      continue;
    }
    if (outcome.status !== 'waiting_approval' || outcome.approvalId === undefined) return outcome;
    if (!options.quiet) io.stderr.write(`waiting for approval ${outcome.approvalId}: an approver runs \`defenseclaw approvals approve ${outcome.approvalId}\` (or clicks Approve in Slack)\n`);
    if (options.detach) return outcome;
    const approvalId = outcome.approvalId;
    for (;;) {
      const approval = runtime.approvals().get(approvalId);
      if (approval === undefined || approval.state !== 'pending') break;
      // Someone else may resume the run (the approver's process does when no process holds it).
      if (runtime.runs().getRun(outcome.runId)?.status !== 'waiting_approval') break;
      await sleep(POLL_MS);
    }
    outcome = await runtime.runner().execute(outcome.runId);
  }
}

/**
 * Waits while another process holds the run, printing its stored events; returns once the run has
 * stopped there (finished, or parked on an approval), or what this process makes of it once the
 * other's lease ran out (it died).
 */
async function followElsewhere(runtime: Runtime, runId: string, progress: RunProgress | undefined): Promise<RunOutcome> {
  for (;;) {
    progress?.catchUp(runtime, runId);
    const run = runtime.runs().getRun(runId);
    if (run === undefined) return { runId, status: 'failed', error: `no run ${runId}` };
    const held = run.leaseOwner !== null && run.leaseUntil !== null && Date.parse(run.leaseUntil) > runtime.clock.now().getTime();
    if (!held) {
      if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') {
        return { runId, status: run.status as RunStatus, ...(run.error === null ? {} : { error: run.error }) };
      }
      const waitingOn = run.status === 'waiting_approval' ? runtime.runs().stepResults(runId).find((step) => step.stepIndex === run.nextStep && step.status === 'awaiting_approval')?.approvalId : undefined;
      if (waitingOn != null) return { runId, status: 'waiting_approval', approvalId: waitingOn };
      // Free and not parked (its process died mid-step, or released a moment ago): run it here.
      return runtime.runner().execute(runId);
    }
    await sleep(POLL_MS);
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Resumes every run waiting on this approval whose lease is free (its process is gone). */
export async function resumeRunsWaitingOn(runtime: Runtime, approvalId: string): Promise<RunOutcome[]> {
  const waiting = runtime.runs().runsWaitingOn(approvalId);
  const outcomes: RunOutcome[] = [];
  for (const run of waiting) outcomes.push(await runtime.runner().execute(run.id));
  return outcomes;
}
