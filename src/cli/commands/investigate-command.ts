import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors/index.js';
import type { Runtime } from '../../app/runtime.js';
import { profile, type Caller } from '../../gateway/caller.js';
import { investigateAsset, parseAssetId, replayInvestigation, type InvestigationProgress, type InvestigationResult } from '../../investigate/index.js';
import { renderInvestigationReport, reportFormatFromPath } from '../../reports/index.js';
import type { CommandContext } from '../context.js';
import { assetText, investigationText, oneLine } from '../investigation-text.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';

/** XDR incident ids as the lab and XDR use them; anything else is refused before any call. */
const ALERT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{2,127}$/;

interface InvestigateOptions {
  alertId?: string;
  enrich?: boolean;
  timeline?: boolean;
  llm: boolean;
  output?: string;
  window?: string;
  json?: boolean;
}

/** `defenseclaw investigate …`: one alert (LLM or deterministic), an asset, replay, list, show. */
export function investigateCommand(context: CommandContext): Command {
  const command = new Command('investigate')
    .description('investigate an XDR incident: timeline from every product, enrichment, findings and proposed actions (approval-gated)')
    .option('--alert-id <id>', 'the XDR incident, e.g. XDR-2026-001234')
    .option('--enrich', 'also print the enrichment (verdicts, asset records)')
    .option('--timeline', 'also print the timeline')
    .option('--no-llm', 'run the deterministic triage even when an API key is set')
    .option('--window <duration>', 'how far back every source is searched (default: config investigate.window)')
    .option('--output <file>', 'also write the report to FILE (.html, .json or .md)')
    .option('--json', 'print the result as JSON')
    .action(async (options: InvestigateOptions) => {
      if (options.alertId === undefined) throw new UsageError('investigate: --alert-id <id> is required (or a sub-command: asset, replay, list, show)');
      const runtime = context.runtime();
      const result = await runInvestigation(context, runtime, options.alertId, { noLlm: !options.llm, ...(options.window === undefined ? {} : { window: options.window }), quiet: options.json === true });
      const reportFile = writeReports(runtime, result, options.output, context.io.cwd);
      if (options.json === true) printJson(context.io, { ...result, report: reportFile });
      else {
        context.io.stdout.write(investigationText(result, { timeline: options.timeline === true, enrich: options.enrich === true }));
        printLine(context.io, `Report: ${reportFile.html}${reportFile.output === undefined ? '' : ` (and ${reportFile.output})`}`);
      }
      if (result.status === 'failed') context.fail(1);
    });
  command.addCommand(assetCommand(context));
  command.addCommand(replayCommand(context));
  command.addCommand(listCommand(context));
  command.addCommand(showCommand(context));
  return command;
}

/** Runs one investigation with progress lines on stderr (not with --json). Used by `demo` too. */
export async function runInvestigation(context: CommandContext, runtime: Runtime, alertId: string, options: { noLlm: boolean; window?: string; quiet: boolean }): Promise<InvestigationResult> {
  if (!ALERT_ID.test(alertId)) throw new UsageError(`--alert-id: "${oneLine(alertId)}" is not an incident id (letters, digits, . _ : -), e.g. XDR-2026-001234`);
  const windowHours = options.window === undefined ? undefined : parseDuration(options.window, '--window') / 3_600_000;
  const service = runtime.investigations();
  let tools = 0;
  const onProgress = (event: InvestigationProgress) => {
    if (options.quiet) return;
    switch (event.kind) {
      case 'started':
        printNote(context.io, `investigating ${event.alertId} as ${event.id} (${event.mode === 'llm' ? 'LLM' : `deterministic triage: the LLM is not used, ${event.llmNotUsedReason}`})`);
        break;
      case 'tool':
        tools += 1;
        break;
      case 'triaged':
        printNote(context.io, `read ${tools} sources: ${event.entries} timeline events, ${event.findings} findings${event.sourcesFailed === 0 ? '' : `, ${event.sourcesFailed} source(s) failed`}`);
        break;
      case 'model_turn':
        printNote(context.io, `model turn ${event.turn}: ${event.toolCalls.length === 0 ? event.stopReason : event.toolCalls.join(', ')}`);
        break;
      case 'proposal':
        printNote(context.io, `proposed ${event.proposal.tool}: ${event.proposal.outcome}${event.proposal.approvalId === undefined ? '' : ` (approval ${event.proposal.approvalId})`}`);
        break;
    }
  };
  return service.investigate({ alertId, requester: runtime.requester(), noLlm: options.noLlm, ...(windowHours === undefined ? {} : { windowHours }), onProgress });
}

/** Writes the HTML report to DEFENSECLAW_HOME/reports/<id>.html, and FILE in its format when asked. */
export function writeReports(runtime: Runtime, result: InvestigationResult, output: string | undefined, cwd = process.cwd()): { html: string; output?: string } {
  const format = output === undefined ? undefined : reportFormatFromPath(output);
  if (output !== undefined && format === undefined) throw new UsageError(`--output: "${output}" must end in .html, .json or .md`);
  const options = { version: runtime.version, generatedAt: runtime.clock.now().toISOString() };
  const html = join(runtime.paths.home, 'reports', `${result.id}.html`);
  writeReport(html, renderInvestigationReport(result, 'html', options));
  if (output === undefined || format === undefined) return { html };
  const target = resolve(cwd, output);
  writeReport(target, renderInvestigationReport(result, format, options));
  return { html, output: target };
}

function writeReport(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
}

function assetCommand(context: CommandContext): Command {
  return new Command('asset')
    .description('what every product says about one host: asset records and its events (read-only)')
    .requiredOption('--id <asset>', 'endpoint:<hostname> (or a bare hostname)')
    .option('--last <duration>', 'events of the last …', '72h')
    .option('--format <format>', 'json | table', 'table')
    .option('--json', 'same as --format json')
    .action(async (own: { id: string; last: string; format: string; json?: boolean }, self: Command) => {
      const options = withParentOptions(own, self);
      if (parseAssetId(options.id) === undefined) throw new UsageError(`--id: "${oneLine(options.id)}" is not an asset id such as endpoint:workstation-042`);
      if (options.format !== 'json' && options.format !== 'table') throw new UsageError(`--format: "${options.format}" must be json or table`);
      const windowHours = parseDuration(options.last, '--last') / 3_600_000;
      const runtime = context.runtime();
      const caller: Caller = { kind: 'cli', actor: runtime.actor, requester: runtime.requester(), permissions: profile('*', { read: true }), reason: `investigate asset ${options.id}` };
      const asset = await investigateAsset(runtime.gateway(), caller, options.id, { windowHours, now: runtime.clock.now() });
      if (options.json === true || options.format === 'json') printJson(context.io, asset);
      else context.io.stdout.write(assetText(asset));
      if (asset.sources.every((source) => !source.ok)) context.fail(1);
    });
}

function replayCommand(context: CommandContext): Command {
  return new Command('replay')
    .description('re-run a recorded investigation against its recorded model responses; exits 1 and lists every divergence')
    .argument('<id>', 'investigation id (see investigate list)')
    .option('--json', 'print as JSON')
    .action(async (id: string, own: { json?: boolean }, self: Command) => {
      const options = withParentOptions(own, self);
      const runtime = context.runtime();
      const report = await replayInvestigation(runtime.investigations(), id);
      if (options.json === true) printJson(context.io, { ...report, result: undefined });
      else {
        printLine(context.io, `Replay of ${report.investigationId} (${report.alertId}, ${report.mode}): ${report.reproduced ? 'reproduced' : `${report.divergences.length} divergence(s)`}`);
        printLine(context.io, `  model turns ${report.modelTurns.replayed}/${report.modelTurns.recorded}, tool calls ${report.toolCalls.replayed} (recorded ${report.toolCalls.recorded})`);
        for (const divergence of report.divergences) printLine(context.io, `  - ${divergence.kind} ${divergence.subject}: ${oneLine(divergence.detail)}`);
      }
      if (!report.reproduced) context.fail(1);
    });
}

function listCommand(context: CommandContext): Command {
  return new Command('list')
    .description('recent investigations with status and usage')
    .option('--alert-id <id>', 'only this incident')
    .option('--limit <n>', 'most rows', '20')
    .option('--json', 'print as JSON')
    .action((own: { alertId?: string; limit: string; json?: boolean }, self: Command) => {
      const options = withParentOptions(own, self);
      const runtime = context.runtime();
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: "${options.limit}" is not a positive whole number`);
      const rows = runtime.investigationStore().list({ limit, ...(options.alertId === undefined ? {} : { alertId: options.alertId }) });
      const plain = rows.map(({ result: _result, ...row }) => row);
      if (options.json === true) printJson(context.io, plain);
      else context.io.stdout.write(renderTable(['id', 'alert', 'mode', 'status', 'started', 'tokens in/out', 'est. cost'], plain.map((row) => [row.id, row.alertId, row.mode, row.status, row.startedAt, `${row.inputTokens + row.cacheCreationTokens + row.cacheReadTokens}/${row.outputTokens}`, `$${row.costUsd.toFixed(4)}`])));
    });
}

function showCommand(context: CommandContext): Command {
  return new Command('show')
    .description('print a stored investigation, or write its report with --output')
    .argument('<id>', 'investigation id')
    .option('--timeline', 'also print the timeline')
    .option('--enrich', 'also print the enrichment')
    .option('--output <file>', 'write the report to FILE (.html, .json or .md)')
    .option('--json', 'print as JSON')
    .action((id: string, own: { timeline?: boolean; enrich?: boolean; output?: string; json?: boolean }, self: Command) => {
      const options = withParentOptions(own, self);
      const runtime = context.runtime();
      const row = runtime.investigationStore().get(id);
      if (row === undefined || row.result === null) {
        throw new UsageError(`no finished investigation ${id} (see \`defenseclaw investigate list\`)`);
      }
      const result = JSON.parse(row.result) as InvestigationResult;
      const report = options.output === undefined ? undefined : writeReports(runtime, result, options.output, context.io.cwd);
      if (options.json === true) printJson(context.io, result);
      else context.io.stdout.write(investigationText(result, { timeline: options.timeline === true, enrich: options.enrich === true }));
      if (report?.output !== undefined && options.json !== true) printLine(context.io, `Report: ${report.output}`);
    });
}

/**
 * `investigate` and its sub-commands share option names (--json, --output, --alert-id, …) and
 * commander gives a shared option to the parent: take it from there when the sub-command's own is unset.
 */
function withParentOptions<Options extends object>(own: Options, self: Command): Options {
  const parent = (self.parent?.opts() ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...(own as Record<string, unknown>) };
  for (const key of ['json', 'output', 'timeline', 'enrich', 'alertId']) {
    if (merged[key] === undefined && parent[key] !== undefined) merged[key] = parent[key];
  }
  return merged as Options;
}
