import { extname, resolve } from 'node:path';
import { Command } from 'commander';
import { writeFileAtomic } from '../../config/index.js';
import { InputError, UsageError, formatProblem, type InputProblem } from '../../core/errors/index.js';
import { evidenceText, policyDriftReport, policyRunHeadline, policyRunSummary, validatePolicyFile, type PolicyProgress, type PolicyRunResult } from '../../policy/index.js';
import type { CommandContext } from '../context.js';
import { oneLine } from '../investigation-text.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';
import { parsePositiveInteger } from '../time-options.js';

/** Policy names as files and `--policy` take them, or `all`. */
const POLICY_ARGUMENT = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * What `policy schedule` needs of the scheduler (`runtime.scheduler()`): add one persisted job.
 * It validates the schedule and the notify target itself (InputError, exit 2).
 */
export interface PolicyJobScheduler {
  add(job: { name: string; kind: 'policy'; schedule: string; params: { policy: string }; notify?: string; createdBy: string }): { name: string; schedule: string; notify: string | undefined };
}

/** `defenseclaw policy …`: list, validate, check, enforce, schedule, history, show. */
export function policyCommand(context: CommandContext): Command {
  const command = new Command('policy').description('hold the inventory to YAML policies: check, enforce (through the gateway), schedule');
  command.addCommand(listCommand(context));
  command.addCommand(validateCommand(context));
  command.addCommand(checkCommand(context));
  command.addCommand(enforceCommand(context));
  command.addCommand(scheduleCommand(context));
  command.addCommand(historyCommand(context));
  command.addCommand(showCommand(context));
  return command;
}

function listCommand(context: CommandContext): Command {
  return new Command('list')
    .description('the built-in policies and yours (config policy.directory), with their checks')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const entries = context.runtime().policies().library.list();
      if (options.json === true) {
        printJson(
          context.io,
          entries.map((entry) => ({
            name: entry.name,
            origin: entry.origin,
            file: entry.file,
            valid: entry.definition !== undefined,
            version: entry.definition?.version ?? null,
            description: entry.definition?.description ?? null,
            checks: entry.definition?.checks.map((check) => ({ id: check.id, title: check.title, severity: check.severity, cis: check.cis, remediation: check.remediation?.tool ?? null, live: check.live?.tool ?? null })) ?? [],
            problems: entry.problems.map(problemJson),
          })),
        );
        return;
      }
      if (entries.length === 0) {
        printNote(context.io, 'no policies');
        return;
      }
      context.io.stdout.write(
        renderTable(
          ['name', 'version', 'origin', 'checks', 'description'],
          entries.map((entry) => [entry.name, entry.definition?.version ?? 'INVALID', entry.origin, entry.definition?.checks.length ?? '-', entry.definition?.description ?? `${entry.problems.length} problem(s): defenseclaw policy validate ${entry.file}`]),
          80,
        ),
      );
    });
}

function validateCommand(context: CommandContext): Command {
  return new Command('validate')
    .description('check a policy file: schema, check ids, conditions, live and remediation tools and their params')
    .argument('<file>', 'the policy, e.g. policies/endpoint-hardening.yaml')
    .option('--json', 'print {valid, problems} as JSON (exit 2 still means invalid)')
    .action((file: string, options: { json?: boolean }) => {
      const validation = validatePolicyFile(file, context.runtime().tools(), { cwd: context.io.cwd });
      const { definition, problems } = validation;
      if (options.json === true) {
        printJson(context.io, {
          file,
          valid: definition !== undefined,
          problems: problems.map(problemJson),
          ...(definition === undefined ? {} : { policy: { name: definition.name, version: definition.version, checks: definition.checks.map((check) => check.id) } }),
        });
        if (definition === undefined) context.fail(2);
        return;
      }
      if (definition === undefined) throw new InputError(problems, { code: 'policy_invalid' });
      const remediations = definition.checks.filter((check) => check.remediation !== undefined).length;
      printLine(context.io, `ok: ${definition.name} v${definition.version}, ${definition.checks.length} check(s), ${remediations} with a remediation`);
    });
}

interface CheckOptions {
  policy?: string;
  all?: boolean;
  output?: string;
  json?: boolean;
}

function checkCommand(context: CommandContext): Command {
  return new Command('check')
    .description('evaluate policies over the newest inventory snapshot (scanning first if there is none); exit 1 when a check fails')
    .argument('[resource]', 'only this asset: host name, FQDN or asset key (e.g. srv-db-01)')
    .option('--policy <name>', 'the policy to evaluate (see policy list)')
    .option('--all', 'evaluate every policy')
    .option('--output <file>', 'write the drift report (what changed since the previous run): .md or .json')
    .option('--json', 'print the run as JSON')
    .addHelpText('after', '\nExamples:\n  defenseclaw policy check srv-db-01 --policy endpoint-hardening\n  defenseclaw policy check --all --output drift.md')
    .action(async (resource: string | undefined, options: CheckOptions) => {
      const policy = policyOption(options);
      const format = outputFormat(options.output);
      const runtime = context.runtime();
      const result = await runtime.policies().check({ policy, ...(resource === undefined ? {} : { resource }), requester: runtime.requester(), onProgress: progress(context, options.json === true) });
      const file = format === undefined ? undefined : writeOutput(context, result, options.output!, format);
      if (options.json === true) printJson(context.io, { ...result, ...(file === undefined ? {} : { output: file }) });
      else {
        context.io.stdout.write(resource === undefined ? `${terminalText(policyRunSummary(result))}\n` : assetResultText(result));
        if (file !== undefined) printNote(context.io, `drift report: ${file}`);
      }
      if (result.totals.fail > 0 || result.totals.error > 0) context.fail(1);
    });
}

interface EnforceOptions {
  policy?: string;
  resource?: string;
  autoRemediate?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

function enforceCommand(context: CommandContext): Command {
  return new Command('enforce')
    .description('check, then send the remediation of every failing asset to the gateway (guards, approvals and audit apply); exit 1 when a remediation failed')
    .option('--policy <name>', 'the policy to enforce, or all')
    .option('--resource <asset>', 'only this asset: host name, FQDN or asset key')
    .option('--auto-remediate', "run remediations as the policy allows (requires_approval, catalog default, runtime) instead of asking an approver for each")
    .option('--dry-run', 'send remediations as dry runs: list and audit what would change, change nothing')
    .option('--json', 'print the run as JSON')
    .action(async (options: EnforceOptions) => {
      if (options.policy === undefined) throw new UsageError('policy enforce: --policy <name> is required (or --policy all)');
      const policy = policyName(options.policy);
      const runtime = context.runtime();
      const result = await runtime.policies().enforce({
        policy,
        ...(options.resource === undefined ? {} : { resource: options.resource }),
        autoRemediate: options.autoRemediate === true,
        dryRun: options.dryRun === true,
        requester: runtime.requester(),
        onProgress: progress(context, options.json === true),
      });
      if (options.json === true) printJson(context.io, result);
      else context.io.stdout.write(terminalText(enforcementText(result)));
      const broken = result.results.some((item) => item.remediation !== undefined && ['failed', 'error', 'invalid'].includes(item.remediation.outcome));
      if (broken || result.status === 'failed') context.fail(1);
    });
}

interface ScheduleOptions {
  policy?: string;
  cron?: string;
  notify?: string;
  name?: string;
  json?: boolean;
}

function scheduleCommand(context: CommandContext): Command {
  return new Command('schedule')
    .description('check a policy (or all) on a cron schedule and tell the result to a Slack channel or an e-mail address')
    .option('--policy <name>', 'the policy, or all')
    .option('--cron <expression>', 'five-field cron in local time, e.g. "0 6 * * *"')
    .option('--notify <target>', 'a Slack channel (#soc or C0123ABCD) or an e-mail address')
    .option('--name <name>', 'the job name (default policy:<policy>)')
    .option('--json', 'print the job as JSON')
    .action((options: ScheduleOptions) => {
      if (options.policy === undefined || options.cron === undefined) throw new UsageError('policy schedule: --policy <name|all> and --cron "<expression>" are required');
      const policy = policyName(options.policy);
      const runtime = context.runtime();
      // An unknown or invalid policy is refused now, not at 6 a.m.
      runtime.policies().library.resolve(policy);
      const scheduler: PolicyJobScheduler = runtime.scheduler();
      const job = scheduler.add({
        name: options.name ?? `policy:${policy}`,
        kind: 'policy',
        schedule: options.cron,
        params: { policy },
        ...(options.notify === undefined ? {} : { notify: options.notify }),
        createdBy: runtime.requester(),
      });
      if (options.json === true) printJson(context.io, job);
      else printLine(context.io, `scheduled ${job.name}: policy check ${policy} at "${job.schedule}"${job.notify === undefined ? '' : `, results to ${job.notify}`}`);
    });
}

function historyCommand(context: CommandContext): Command {
  return new Command('history')
    .description('stored policy runs, newest first')
    .option('--policy <name>', 'only runs of this policy (or all)')
    .option('--limit <n>', 'at most N runs', '20')
    .option('--json', 'print as JSON')
    .action((options: { policy?: string; limit: string; json?: boolean }) => {
      const limit = parsePositiveInteger(options.limit, '--limit');
      const runtime = context.runtime();
      const runs = runtime.databaseExists() ? runtime.policies().runs({ ...(options.policy === undefined ? {} : { policy: policyName(options.policy) }), limit }) : [];
      if (options.json === true) {
        printJson(context.io, runs);
        return;
      }
      if (runs.length === 0) {
        printNote(context.io, 'no policy runs');
        return;
      }
      context.io.stdout.write(renderTable(['run', 'policy', 'mode', 'status', 'started', 'requester'], runs.map((run) => [run.id, run.policy, `${run.mode}${run.dryRun ? ' (dry run)' : ''}`, run.status, run.startedAt, run.requester])));
    });
}

function showCommand(context: CommandContext): Command {
  return new Command('show')
    .description('one stored policy run: summary, or every result with --json')
    .argument('<run>', 'run id (see policy history)')
    .option('--json', 'print as JSON')
    .action((id: string, options: { json?: boolean }) => {
      const runtime = context.runtime();
      const run = runtime.databaseExists() ? runtime.policies().run(id) : undefined;
      if (run === undefined) throw new UsageError(`no finished policy run ${JSON.stringify(oneLine(id).slice(0, 80))} (see defenseclaw policy history)`);
      if (options.json === true) printJson(context.io, run);
      else context.io.stdout.write(`${terminalText(policyRunSummary(run))}\n`);
    });
}

function policyOption(options: { policy?: string; all?: boolean }): string {
  if (options.all === true && options.policy !== undefined && options.policy !== 'all') throw new UsageError('give either --policy <name> or --all, not both');
  if (options.all === true) return 'all';
  if (options.policy === undefined) throw new UsageError('policy check: --policy <name> or --all is required');
  return policyName(options.policy);
}

function policyName(text: string): string {
  if (!POLICY_ARGUMENT.test(text)) throw new UsageError(`--policy: "${oneLine(text).slice(0, 80)}" is not a policy name (lower-case letters, digits and -) or all`);
  return text;
}

type OutputFormat = 'json' | 'md';

function outputFormat(file: string | undefined): OutputFormat | undefined {
  if (file === undefined) return undefined;
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.md' || extension === '.markdown' || extension === '.txt') return 'md';
  throw new UsageError(`--output: "${file}" must end in .md or .json`);
}

function writeOutput(context: CommandContext, result: PolicyRunResult, file: string, format: OutputFormat): string {
  const target = resolve(context.io.cwd, file);
  const text = format === 'json' ? `${JSON.stringify({ schema: 'defenseclaw.policy-drift/v1', run: { ...result, results: undefined, drift: undefined }, drift: result.drift ?? null, failures: result.results.filter((item) => item.status !== 'pass') }, null, 2)}\n` : policyDriftReport(result);
  // Host names and evidence: readable by the owner only, like the reports and the database.
  writeFileAtomic(target, text, 0o600);
  return target;
}

/** Progress on stderr, one line per phase (not with --json). */
function progress(context: CommandContext, quiet: boolean): ((event: PolicyProgress) => void) | undefined {
  if (quiet) return undefined;
  return (event) => {
    if (event.kind === 'scanning') printNote(context.io, 'no inventory snapshot yet: scanning the inventory first');
    else if (event.kind === 'evaluating') printNote(context.io, `run ${event.runId}: ${event.checks} check(s) of ${event.policies.join(', ')} on ${event.assets} asset(s)`);
    else printNote(context.io, `${event.count} remediation(s) to the gateway`);
  };
}

/** One asset's results, every check, with evidence. */
function assetResultText(result: PolicyRunResult): string {
  const rows = result.results.map((item) => [`${item.policy}/${item.checkId}`, item.severity, item.status.toUpperCase(), oneLine(evidenceText(item.evidence))]);
  const skipped = result.checks.filter((check) => check.skipped > 0).map((check) => `${check.policy}/${check.checkId}`);
  return [
    terminalText(policyRunHeadline(result)),
    rows.length === 0 ? 'No check applies to this asset.' : renderTable(['check', 'severity', 'status', 'evidence'], rows, 100).trimEnd(),
    ...(skipped.length === 0 ? [] : [`Not applicable: ${skipped.join(', ')}`]),
    '',
  ].join('\n');
}

function enforcementText(result: PolicyRunResult): string {
  const rows = result.results
    .filter((item) => item.remediation !== undefined)
    .map((item) => {
      const remediation = item.remediation!;
      const detail = remediation.approvalId ?? remediation.reason ?? (remediation.wouldRequireApproval === undefined ? '' : remediation.wouldRequireApproval ? 'would wait for approval' : 'would run');
      return [oneLine(item.hostname), `${item.policy}/${item.checkId}`, remediation.tool, remediation.outcome, oneLine(detail)];
    });
  return [policyRunSummary(result), '', rows.length === 0 ? 'No remediation was needed.' : renderTable(['asset', 'check', 'tool', 'outcome', 'approval / reason'], rows, 90).trimEnd(), ''].join('\n');
}

/** Multi-line text with product values in it, without control characters (no escape sequences reach the terminal). */
function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

function problemJson(problem: InputProblem) {
  return { file: problem.file ?? null, line: problem.line ?? null, column: problem.column ?? null, path: problem.path ?? null, message: problem.message, text: formatProblem(problem) };
}

