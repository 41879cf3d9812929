import { join } from 'node:path';
import { agentRunnable, listAgentFiles, loadAgent } from '../../agents/agent-library.js';
import type { RunOutcome } from '../../agents/runner/agent-runner.js';
import type { RunEventRecord } from '../../agents/runner/run-store.js';
import { outcomeMessage, rootMessage, type JobState } from '../blocks/job-message-blocks.js';
import { timelineLine, timelineMessages } from '../blocks/timeline-blocks.js';
import type { ThreadRef } from '../thread/thread-poster.js';
import { slackPrincipal, type JobContext, type JobOrigin } from './job-context.js';
import { runEventEntry, stepFindings } from './run-findings.js';

export interface AgentJobInput extends JobOrigin {
  agent: string;
  params: Record<string, string>;
  dryRun: boolean;
  /** Root message title, e.g. "Investigation of XDR-2026-001234". */
  title: string;
  /** Plain statements for the root message (what ran, what was not used). */
  notes?: readonly string[];
}

export interface AgentJobResult {
  thread: ThreadRef;
  outcome: RunOutcome;
}

/** Whether an agent of this name exists in the library (built-in or the user's). */
export function agentExists(context: Pick<JobContext, 'runtime'>, name: string): boolean {
  return listAgentFiles(join(context.runtime.paths.home, 'agents')).some((entry) => entry.name === name);
}

/**
 * Runs an agent for a Slack user and tells the story in a thread: the root message in the
 * channel, one progress message updated as steps go, then the timeline, the findings and the
 * outcome; a JSON file when the outputs are too big for messages. A run that waits for an
 * approval stays parked in the database (the approval message and its resume are not this job's).
 */
export async function runAgentJob(context: JobContext, input: AgentJobInput): Promise<AgentJobResult> {
  const { runtime, poster } = context;
  const entry = listAgentFiles(join(runtime.paths.home, 'agents')).find((candidate) => candidate.name === input.agent);
  if (entry === undefined) throw new Error(`no agent named ${input.agent}`);
  const definition = loadAgent(entry.file, runtime.tools());
  const root = { title: input.title, requester: input.user, ...(input.notes === undefined ? {} : { notes: input.notes }) };
  const thread = await poster.postRoot(input.channel, rootMessage({ ...root, state: 'running' }));
  const progress = poster.progress(thread);

  // runner.start() creates the run and emits its run_started synchronously, before its first
  // await: the first event seen while `capturing` is ours, whatever other jobs are doing.
  let runId: string | undefined;
  let capturing = false;
  const stop = runtime.onRunEvent((event: RunEventRecord) => {
    if (runId === undefined && capturing) runId = event.runId;
    if (event.runId === runId) progress.push(timelineLine(runEventEntry(event)));
  });
  let outcome: RunOutcome;
  try {
    capturing = true;
    // The run records its thread (as its trigger), so an approval decided later replies there.
    const started = runtime.runner().start(agentRunnable(definition), {
      params: input.params,
      requester: slackPrincipal(input.user),
      dryRun: input.dryRun,
      trigger: { slack: { channel: thread.channel, thread_ts: thread.ts } },
    });
    capturing = false;
    outcome = await started;
  } catch (error) {
    capturing = false;
    stop();
    await progress.finish();
    await poster.reply(thread, outcomeMessage({ state: 'failed', headline: `${input.agent} could not run: ${(error as Error).message}`, findings: [] }));
    await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state: 'failed' }));
    throw error;
  }
  stop();
  await progress.finish();

  const runs = runtime.runs();
  const events = runs.events(outcome.runId);
  const steps = runs.stepResults(outcome.runId);
  const outputs = steps.map((step) => ({ step: step.name, status: step.status, approval_id: step.approvalId, output: step.output === null ? null : (JSON.parse(step.output) as unknown) }));
  const outputChars = outputs.reduce((sum, step) => sum + (step.output === null ? 0 : JSON.stringify(step.output).length), 0);
  const attach = outputChars > (context.reportThresholdChars ?? 3000);

  for (const message of timelineMessages(events.map(runEventEntry), { title: `Timeline of ${input.agent}`, ...(attach ? { overflowHint: 'the attached JSON report' } : {}) })) {
    await poster.reply(thread, message);
  }
  const state: JobState = outcome.status === 'running' ? 'running' : outcome.status;
  const notes = [
    `run ${outcome.runId}${input.dryRun ? ' (dry run: no write or execute call was made)' : ''}`,
    ...(outcome.status === 'waiting_approval' && outcome.approvalId !== undefined
      ? [`waiting for approval ${outcome.approvalId}: an approver decides in Slack or with \`defenseclaw approvals approve ${outcome.approvalId}\`; the run stays parked until then`]
      : []),
    ...(outcome.error === undefined ? [] : [`error: ${outcome.error}`]),
    ...(attach ? ['full step outputs: the JSON report attached below'] : []),
  ];
  await poster.reply(thread, outcomeMessage({ state, headline: `${input.agent}: ${headline(outcome)}`, findings: stepFindings(steps), notes }));
  if (attach) {
    await poster.uploadJson(thread, {
      filename: `${outcome.runId}.json`,
      title: `${input.agent} run ${outcome.runId}`,
      comment: `Step outputs of ${input.agent} (${outcome.status})`,
      data: runtime.redactor.redact({ run_id: outcome.runId, agent: input.agent, status: outcome.status, dry_run: input.dryRun, requester: slackPrincipal(input.user), steps: outputs, events }),
    });
  }
  await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state, runId: outcome.runId }));
  return { thread, outcome };
}

function headline(outcome: RunOutcome): string {
  switch (outcome.status) {
    case 'succeeded':
      return 'every step finished';
    case 'waiting_approval':
      return 'waiting for an approval';
    case 'failed':
      return 'the run failed';
    default:
      return outcome.status;
  }
}
