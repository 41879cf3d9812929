import { Command } from 'commander';
import { bodyText, headerText, type JobRun, type RunReport, type ScheduledJobView } from '../../scheduler/index.js';
import type { CommandContext } from '../context.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';
import { parsePositiveInteger } from '../time-options.js';

/** `defenseclaw schedule …`: the persisted jobs the bot runs (policy runs, inventory sweeps, the digest). */
export function scheduleCommand(context: CommandContext): Command {
  const command = new Command('schedule').description('scheduled jobs: policy runs, inventory sweeps and the digest (the bot runs them; `policy schedule` adds policy runs)');

  command
    .command('list')
    .description('every scheduled job with its next slot and last run')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const runtime = context.runtime();
      const jobs = runtime.databaseExists() ? runtime.scheduler().list() : [];
      if (options.json === true) {
        printJson(context.io, jobs.map(jobJson));
        return;
      }
      if (jobs.length === 0) {
        printNote(context.io, 'no scheduled jobs (add one with `defenseclaw policy schedule`; the bot adds the inventory sweep and digest)');
        return;
      }
      context.io.stdout.write(
        renderTable(
          ['name', 'kind', 'schedule', 'enabled', 'next', 'last run', 'notify'],
          jobs.map((job) => [job.name, job.kind, job.schedule, job.enabled ? 'yes' : 'no', job.enabled ? (job.due ? 'due now' : (job.nextSlot ?? 'never')) : '-', runLabel(job.lastRun), job.notify ?? '-']),
        ),
      );
    });

  command
    .command('show')
    .description('one job: its definition and recent runs')
    .argument('<name>', 'the job name (see `schedule list`)')
    .option('--runs <n>', 'at most N runs, newest first', '10')
    .option('--json', 'print as JSON')
    .action((name: string, options: { runs: string; json?: boolean }) => {
      const details = context.runtime().scheduler().get(name, { runs: parsePositiveInteger(options.runs, '--runs') });
      if (options.json === true) {
        printJson(context.io, { ...jobJson(details), runs: details.runs.map(runJson) });
        return;
      }
      const lines: Array<[string, string]> = [
        ['name', details.name],
        ['kind', details.kind],
        ['schedule', details.schedule],
        ['params', JSON.stringify(details.params)],
        ['notify', details.notify ?? '-'],
        ['enabled', details.enabled ? 'yes' : 'no'],
        ['next slot', details.enabled ? (details.due ? 'due now' : (details.nextSlot ?? 'never')) : '-'],
        ['last slot', details.lastSlot ?? '-'],
        ['created', `${details.createdAt} by ${details.createdBy}`],
      ];
      for (const [label, value] of lines) printLine(context.io, `${`${label}:`.padEnd(11)}${value}`);
      if (details.runs.length === 0) {
        printLine(context.io, 'runs:      none yet');
        return;
      }
      printLine(context.io, 'runs:');
      for (const run of details.runs) {
        printLine(context.io, `  ${run.slot}  ${runLabel(run)}  ${run.finishedAt === undefined ? `started ${run.startedAt}` : `finished ${run.finishedAt}`}  (${run.owner})`);
        if (run.error !== undefined) printLine(context.io, `    error: ${headerText(run.error, 500)}`);
        const summary = summaryOf(run);
        if (summary !== undefined) for (const line of bodyText(summary, 2_000).split('\n')) printLine(context.io, `    ${line}`);
      }
    });

  command
    .command('run')
    .description('run a job now, out of schedule (also when disabled); tells its notify target')
    .argument('<name>', 'the job name')
    .option('--json', 'print the run as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const report = await context.runtime().scheduler().runNow(name);
      printReports(context, [report], options.json === true);
      if (report.status === 'failed') context.fail(1);
    });

  command
    .command('remove')
    .description('delete a job and its run history')
    .argument('<name>', 'the job name')
    .option('--json', 'print the result as JSON')
    .action((name: string, options: { json?: boolean }) => {
      context.runtime().scheduler().remove(name);
      if (options.json === true) printJson(context.io, { name, removed: true });
      else printLine(context.io, `${name} removed`);
    });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    command
      .command(verb)
      .description(enabled ? 'run the job again from its next slot (slots missed while disabled are skipped)' : 'stop running the job (a run in progress finishes)')
      .argument('<name>', 'the job name')
      .option('--json', 'print the result as JSON')
      .action((name: string, options: { json?: boolean }) => {
        const scheduler = context.runtime().scheduler();
        const changed = enabled ? scheduler.enable(name) : scheduler.disable(name);
        if (options.json === true) printJson(context.io, { name, enabled, changed });
        else printLine(context.io, `${name} ${changed ? (enabled ? 'enabled' : 'disabled') : `was already ${enabled ? 'enabled' : 'disabled'}`}`);
      });
  }

  command
    .command('tick')
    .description('run every due slot once now, as the bot does each 30 s (jobs this process cannot run, like the digest, are left to the bot)')
    .option('--json', 'print the runs as JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await context.runtime().scheduler().tick();
      if (options.json === true) {
        printJson(context.io, { now: result.now, runs: result.runs.map(reportJson), skipped: result.skipped });
      } else {
        if (result.runs.length === 0) printLine(context.io, 'nothing was due');
        else printReports(context, result.runs, false);
        for (const skipped of result.skipped) printNote(context.io, `${skipped.job} (slot ${skipped.slot}) not run here: ${skipReason(skipped.reason)}`);
      }
      if (result.runs.some((run) => run.status === 'failed')) context.fail(1);
    });

  return command;
}

function printReports(context: CommandContext, reports: readonly RunReport[], json: boolean): void {
  if (json) {
    printJson(context.io, reports.length === 1 ? reportJson(reports[0]!) : reports.map(reportJson));
    return;
  }
  for (const report of reports) {
    printLine(context.io, `${report.job} [${report.slot}]: ${report.status}${report.notified === undefined ? '' : ` (told ${report.notified})`}`);
    if (report.error !== undefined) printLine(context.io, `  error: ${headerText(report.error, 500)}`);
    if (report.summary !== undefined) for (const line of bodyText(report.summary, 4_000).split('\n')) printLine(context.io, `  ${line}`);
  }
}

function skipReason(reason: 'taken' | 'busy' | 'gone' | 'no_handler'): string {
  switch (reason) {
    case 'taken':
      return 'another process has run it';
    case 'busy':
      return 'a run of the job is still in progress';
    case 'gone':
      return 'removed or disabled meanwhile';
    case 'no_handler':
      return 'this process cannot run this kind of job';
  }
}

function runLabel(run: JobRun | undefined): string {
  if (run === undefined) return '-';
  return `${run.status} ${run.finishedAt ?? run.startedAt}`;
}

function summaryOf(run: JobRun): string | undefined {
  const summary = (run.output as { summary?: unknown } | undefined)?.summary;
  return typeof summary === 'string' ? summary : undefined;
}

function jobJson(job: ScheduledJobView) {
  return {
    name: job.name,
    kind: job.kind,
    schedule: job.schedule,
    params: job.params,
    notify: job.notify ?? null,
    enabled: job.enabled,
    next_slot: job.enabled ? (job.nextSlot ?? null) : null,
    due: job.due,
    last_slot: job.lastSlot ?? null,
    created_at: job.createdAt,
    created_by: job.createdBy,
    last_run: job.lastRun === undefined ? null : runJson(job.lastRun),
  };
}

function runJson(run: JobRun) {
  return {
    slot: run.slot,
    status: run.status,
    owner: run.owner,
    started_at: run.startedAt,
    finished_at: run.finishedAt ?? null,
    error: run.error ?? null,
    output: run.output ?? null,
  };
}

function reportJson(report: RunReport) {
  return { job: report.job, slot: report.slot, status: report.status, summary: report.summary ?? null, error: report.error ?? null, notified: report.notified ?? null };
}
