import { resolve } from 'node:path';
import { Command } from 'commander';
import type { RunOutcome } from '../../agents/runner/agent-runner.js';
import { validateWorkflowFile } from '../../agents/workflow/validate-workflow.js';
import type { WorkflowDefinition } from '../../agents/workflow/workflow-schema.js';
import { InputError, UsageError } from '../../core/errors/index.js';
import type { CommandContext } from '../context.js';
import { problemJson } from '../problem-json.js';
import { printJson, printLine, renderTable } from '../output.js';
import { driveRun, RunProgress } from '../run-progress.js';

/** `defenseclaw workflow …`: triggered automations (register, activate, run, poll). */
export function workflowCommand(context: CommandContext): Command {
  const command = new Command('workflow').description('register, activate and run triggered workflows');
  command.addCommand(workflowValidateCommand(context));

  command
    .command('register')
    .description('validate a workflow file and register it (inactive until activated)')
    .argument('<file>', 'the workflow definition, e.g. agents/workflows/auto-threat-response.yaml')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: { json?: boolean }) => {
      const definition = context.runtime().workflows().register(resolve(context.io.cwd, file));
      if (options.json === true) printJson(context.io, { name: definition.name, version: definition.version, trigger: definition.trigger, steps: definition.steps.length });
      else printLine(context.io, `registered ${definition.name} v${definition.version} (${definition.trigger.type} trigger${definition.trigger.source === undefined ? '' : ` on ${definition.trigger.source}`}); activate it with \`defenseclaw workflow activate ${definition.name}\``);
    });

  for (const [name, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    command
      .command(name)
      .description(active ? 'start polling the workflow’s trigger' : 'stop the workflow’s trigger')
      .argument('<name>', 'the workflow name')
      .option('--json', 'print the result as JSON')
      .action((workflow: string, options: { json?: boolean }) => {
        context.runtime().workflows().setActive(workflow, active);
        if (options.json === true) printJson(context.io, { name: workflow, active });
        else printLine(context.io, `${workflow} ${active ? 'activated' : 'deactivated'}`);
      });
  }

  command
    .command('list')
    .description('registered workflows')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const rows = context.runtime().databaseExists() ? context.runtime().workflows().list() : [];
      if (options.json === true) {
        printJson(context.io, rows.map((row) => ({ name: row.name, version: row.version, active: row.active, trigger: row.parsed.trigger, steps: row.parsed.steps.length, source_file: row.sourceFile, updated_at: row.updatedAt })));
        return;
      }
      context.io.stdout.write(
        renderTable(
          ['name', 'version', 'active', 'trigger', 'steps'],
          rows.map((row) => [row.name, row.version, row.active ? 'yes' : 'no', `${row.parsed.trigger.type}${row.parsed.trigger.source === undefined ? '' : ` ${row.parsed.trigger.source}`}${row.parsed.trigger.filter === undefined ? '' : ` [${row.parsed.trigger.filter}]`}`, row.parsed.steps.length]),
          80,
        ),
      );
    });

  command
    .command('run')
    .description('run a workflow now (an event workflow runs once for each new matching item of its source); a run that reaches an approval step pauses there and the command returns')
    .argument('<name>', 'the workflow name')
    .option('--dry-run', 'perform reads, make no write/execute call; fires nothing')
    .option('--wait', 'follow each run to its end, waiting for its approvals to be decided')
    .option('--detach', 'return when a run waits for an approval (the default)')
    .option('--json', 'print the outcomes as JSON')
    .action(async (name: string, options: { dryRun?: boolean; wait?: boolean; detach?: boolean; json?: boolean }) => {
      if (options.wait === true && options.detach === true) throw new UsageError('--wait and --detach exclude each other');
      const runtime = context.runtime();
      const quiet = options.json === true;
      const progress = new RunProgress(context.io, quiet);
      const stop = progress.follow(runtime);
      const outcomes: Array<{ key: string; outcome: RunOutcome }> = [];
      try {
        for (const run of await runtime.workflows().run(name, { dryRun: options.dryRun === true, requester: runtime.requester() })) {
          outcomes.push({ key: run.key, outcome: await driveRun(runtime, context.io, run.outcome, { detach: options.wait !== true, quiet, progress }) });
        }
      } finally {
        stop();
      }
      if (options.json === true) printJson(context.io, outcomes.map(({ key, outcome }) => ({ trigger: key, run_id: outcome.runId, status: outcome.status, approval_id: outcome.approvalId ?? null, error: outcome.error ?? null })));
      else if (outcomes.length === 0) printLine(context.io, `${name}: nothing new to run`);
      else for (const { key, outcome } of outcomes) printLine(context.io, `${name} [${key}]: run ${outcome.runId} ${outcome.status}${outcome.approvalId === undefined ? '' : ` (approval ${outcome.approvalId})`}`);
      if (outcomes.some(({ outcome }) => outcome.status === 'failed')) context.fail(1);
    });

  command
    .command('poll')
    .description('one polling round of every active event workflow (the bot does this on a schedule)')
    .option('--json', 'print the outcomes as JSON')
    .action(async (options: { json?: boolean }) => {
      const runtime = context.runtime();
      const rounds = await runtime.workflows().poll({ requester: runtime.requester() });
      if (options.json === true) printJson(context.io, rounds.map((round) => ({ workflow: round.workflow, runs: round.runs.map(({ key, outcome }) => ({ trigger: key, run_id: outcome.runId, status: outcome.status, approval_id: outcome.approvalId ?? null })) })));
      else for (const round of rounds) printLine(context.io, `${round.workflow}: ${round.runs.length} new run(s)${round.runs.map(({ key, outcome }) => `\n  [${key}] ${outcome.runId} ${outcome.status}`).join('')}`);
    });

  return command;
}

/** `workflow validate <file>`: exit 0 with a summary, or 2 with every problem at its file:line:col. Registers nothing. */
function workflowValidateCommand(context: CommandContext): Command {
  return new Command('validate')
    .description('check a workflow file: schema, trigger, tools, permissions, conditions, templates and params (registers nothing)')
    .argument('<file>', 'the workflow definition, e.g. agents/workflows/auto-threat-response.yaml')
    .option('--json', 'print {valid, problems} as JSON (exit 2 still means invalid)')
    .action((file: string, options: { json?: boolean }) => validateWorkflow(context, file, options));
}

/** Validates a workflow file and prints the summary, or fails with exit 2 and every problem. */
export function validateWorkflow(context: CommandContext, file: string, options: { json?: boolean }): void {
  const { definition, problems } = validateWorkflowFile(file, context.runtime().tools(), { cwd: context.io.cwd });
  if (options.json === true) {
    printJson(context.io, {
      file,
      valid: definition !== undefined,
      problems: problems.map(problemJson),
      ...(definition === undefined ? {} : { workflow: { name: definition.name, version: definition.version, trigger: definition.trigger, steps: definition.steps.length } }),
    });
    if (definition === undefined) context.fail(2);
    return;
  }
  if (definition === undefined) throw new InputError(problems, { code: 'workflow_invalid' });
  printLine(context.io, `ok: workflow ${definition.name} v${definition.version} (${triggerLabel(definition)}), ${definition.steps.length} step${definition.steps.length === 1 ? '' : 's'}`);
}


function triggerLabel(definition: WorkflowDefinition): string {
  const { trigger } = definition;
  return `${trigger.type} trigger${trigger.source === undefined ? '' : ` on ${trigger.source}`}${trigger.filter === undefined ? '' : ` where ${trigger.filter}`}${trigger.cron === undefined ? '' : ` at ${trigger.cron}`}`;
}
