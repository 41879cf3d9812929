import { Command } from 'commander';
import { agentRunnable, listAgentFiles, loadAgent, resolveAgentFile } from '../../agents/agent-library.js';
import type { RunOutcome } from '../../agents/runner/agent-runner.js';
import { UsageError } from '../../core/errors/index.js';
import type { CommandContext } from '../context.js';
import { printJson, printLine, renderTable } from '../output.js';
import { driveRun, formatRunEvent, RunProgress } from '../run-progress.js';
import { join } from 'node:path';

/** `--param k=v` (repeatable) → { k: v }. */
export function collectParam(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const index = value.indexOf('=');
  if (index <= 0) throw new UsageError(`--param: "${value}" is not key=value`);
  return { ...previous, [value.slice(0, index).trim()]: value.slice(index + 1) };
}

export function agentListCommand(context: CommandContext): Command {
  return new Command('list')
    .description('built-in agents and your own (DEFENSECLAW_HOME/agents), with versions')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const runtime = context.runtime();
      const rows = listAgentFiles(join(runtime.paths.home, 'agents')).map((entry) => {
        try {
          const definition = loadAgent(entry.file, runtime.tools());
          return { name: definition.name, version: definition.version, source: entry.source, file: entry.file, valid: true, description: definition.description, steps: definition.steps.length };
        } catch (error) {
          return { name: entry.name, version: null, source: entry.source, file: entry.file, valid: false, description: (error as Error).message.split('\n')[0] ?? 'invalid', steps: 0 };
        }
      });
      if (options.json === true) printJson(context.io, rows);
      else context.io.stdout.write(renderTable(['name', 'version', 'source', 'steps', 'description'], rows.map((row) => [row.name, row.version ?? 'INVALID', row.source, row.steps, row.description]), 70));
    });
}

export function agentRunCommand(context: CommandContext): Command {
  return new Command('run')
    .description('run an agent step by step through the gateway; --dry-run performs reads and shows the writes it would make')
    .argument('<agent>', 'an agent name (see agent list) or a file')
    .option('--dry-run', 'perform reads, make no write/execute call (show them instead)')
    .option('--param <key=value>', 'a run parameter for templates and conditions (repeatable)', collectParam, {})
    .option('--detach', 'return when the run waits for an approval instead of waiting for the decision')
    .option('--json', 'print the outcome as JSON')
    .action(async (reference: string, options: { dryRun?: boolean; param: Record<string, string>; detach?: boolean; json?: boolean }) => {
      const runtime = context.runtime();
      const file = resolveAgentFile(reference, join(runtime.paths.home, 'agents'), context.io.cwd);
      const definition = loadAgent(file, runtime.tools());
      const quiet = options.json === true;
      const progress = new RunProgress(context.io, quiet);
      const stop = progress.follow(runtime);
      let outcome: RunOutcome;
      try {
        const first = await runtime.runner().start(agentRunnable(definition), { params: options.param, requester: runtime.requester(), dryRun: options.dryRun === true });
        outcome = await driveRun(runtime, context.io, first, { detach: options.detach === true, quiet, progress });
      } finally {
        stop();
      }
      if (options.json === true) printJson(context.io, { run_id: outcome.runId, status: outcome.status, approval_id: outcome.approvalId ?? null, error: outcome.error ?? null, steps: stepSummary(context, outcome.runId) });
      else printLine(context.io, `run ${outcome.runId}: ${outcome.status}${outcome.error === undefined ? '' : ` (${outcome.error})`}`);
      if (outcome.status === 'failed') context.fail(1);
    });
}

export function agentResumeCommand(context: CommandContext): Command {
  return new Command('resume')
    .description('continue a run that waited for an approval (after the decision, or after a restart)')
    .argument('<run-id>', 'the run id')
    .option('--detach', 'return when the run waits for another approval')
    .option('--json', 'print the outcome as JSON')
    .action(async (runId: string, options: { detach?: boolean; json?: boolean }) => {
      const runtime = context.runtime();
      if (runtime.runs().getRun(runId) === undefined) throw new UsageError(`no run ${runId}`);
      const quiet = options.json === true;
      const progress = new RunProgress(context.io, quiet);
      const stop = progress.follow(runtime);
      let outcome: RunOutcome;
      try {
        outcome = await driveRun(runtime, context.io, await runtime.runner().execute(runId), { detach: options.detach === true, quiet, progress });
      } finally {
        stop();
      }
      if (options.json === true) printJson(context.io, { run_id: outcome.runId, status: outcome.status, approval_id: outcome.approvalId ?? null, error: outcome.error ?? null, steps: stepSummary(context, outcome.runId) });
      else printLine(context.io, `run ${outcome.runId}: ${outcome.status}${outcome.error === undefined ? '' : ` (${outcome.error})`}`);
      if (outcome.status === 'failed') context.fail(1);
    });
}

export function agentLogsCommand(context: CommandContext): Command {
  return new Command('logs')
    .description("a run's step events, from the database")
    .argument('<run-id>', 'the run id')
    .option('--follow', 'keep printing new events until the run ends')
    .option('--json', 'print the events as JSON lines')
    .action(async (runId: string, options: { follow?: boolean; json?: boolean }) => {
      const runtime = context.runtime();
      const runs = runtime.runs();
      if (runs.getRun(runId) === undefined) throw new UsageError(`no run ${runId}`);
      let after = 0;
      for (;;) {
        for (const event of runs.events(runId, after)) {
          after = event.id;
          if (options.json === true) context.io.stdout.write(`${JSON.stringify({ ...event, data: event.data === null ? null : (JSON.parse(event.data) as unknown) })}\n`);
          else printLine(context.io, formatRunEvent(event));
        }
        const status = runs.getRun(runId)?.status;
        if (options.follow !== true || status === 'succeeded' || status === 'failed' || status === 'cancelled') return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    });
}

function stepSummary(context: CommandContext, runId: string): Array<{ step: string; status: string; approval_id: string | null }> {
  return context
    .runtime()
    .runs()
    .stepResults(runId)
    .map((result) => ({ step: result.name, status: result.status, approval_id: result.approvalId }));
}
