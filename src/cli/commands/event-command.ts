import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { writeFileAtomic } from '../../config/index.js';
import { InputError, UsageError } from '../../core/errors/index.js';
import type { CorrelateReport, PivotReport, PushdownQuery, ReportedCorrelation, ReportedEvent, SourceReport } from '../../correlate/index.js';
import type { RuleText } from '../../correlate/rules/index.js';
import type { CommandContext } from '../context.js';
import { oneLine } from '../investigation-text.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';

interface CorrelateOptions {
  last?: string;
  sources?: string;
  rules?: string;
  output?: string;
  pushdown?: boolean;
  explain?: boolean;
  ioc?: string;
  iocType?: string;
  json?: boolean;
}

/** Events shown per correlation in text output (the JSON report has them all). */
const EVENTS_SHOWN = 12;
/** Timeline entries shown for a pivot in text output. */
const TIMELINE_SHOWN = 60;

/** `defenseclaw event …`: correlation over every product, and IOC pivots. */
export function eventCommand(context: CommandContext): Command {
  const command = new Command('event').description('correlate events across products with Sigma rules, or find every sighting of an indicator');
  command.addCommand(correlateCommand(context));
  return command;
}

function correlateCommand(context: CommandContext): Command {
  return new Command('correlate')
    .description('pull events of a window through the gateway, run the Sigma rules and print correlations; or, with --ioc, every sighting of an indicator as one timeline')
    .option('--last <duration>', 'the window back from now (default 4h; 7d with --ioc)')
    .option('--sources <list>', 'comma-separated: cisco-xdr, secure-endpoint, crowdstrike, splunk, sentinel, umbrella, secure-firewall (default: every configured one)')
    .option('--rules <list>', 'comma-separated rule files (rule list names or .yaml paths), rule ids or names; default: all')
    .option('--output <file>', 'also write the JSON report to FILE (.json)')
    .option('--pushdown', 'let Splunk and Sentinel filter and count (rules compiled to SPL and KQL) instead of pulling every event')
    .option('--explain', 'print the SPL and KQL; without --pushdown only print them, reading nothing')
    .option('--ioc <value>', 'pivot on an indicator instead: IP, domain, SHA-256, user or host')
    .option('--ioc-type <type>', 'ip, domain, sha256, user or host (ip, domain and sha256 are recognised without it)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  defenseclaw event correlate --last 4h --sources "cisco-xdr,crowdstrike,splunk" --output correlation.json',
        '  defenseclaw event correlate --last 24h --sources splunk,sentinel --pushdown --explain',
        '  defenseclaw event correlate --ioc 185.220.101.5 --ioc-type ip --last 7d',
      ].join('\n'),
    )
    .action(async (options: CorrelateOptions) => {
      const output = outputPath(options.output, context.io.cwd);
      const sources = options.sources === undefined ? undefined : [options.sources];
      if (options.ioc !== undefined) {
        if (options.rules !== undefined || options.pushdown === true || options.explain === true) throw new UsageError('event correlate --ioc: --rules, --pushdown and --explain apply to rule correlation, not to pivots');
        const report = await context.runtime().correlation().pivot({ ioc: options.ioc, ...(options.iocType === undefined ? {} : { type: options.iocType }), last: options.last ?? '7d', ...(sources === undefined ? {} : { sources }) });
        finish(context, report, output, options.json === true, pivotText(report), report.sources);
        return;
      }
      if (options.iocType !== undefined) throw new UsageError('event correlate: --ioc-type needs --ioc <value>');
      const rules = options.rules === undefined ? undefined : ruleSelectors(options.rules, context.io.cwd);
      const service = context.runtime().correlation();
      if (options.explain === true && options.pushdown !== true) {
        const explanation = service.explain({ ...(sources === undefined ? {} : { sources }), ...(rules === undefined ? {} : { rules }) });
        if (options.json === true) printJson(context.io, explanation);
        else context.io.stdout.write(explainText(explanation.queries, explanation.refused, false));
        return;
      }
      const report = await service.correlate({ last: options.last ?? '4h', ...(sources === undefined ? {} : { sources }), ...(rules === undefined ? {} : { rules }), pushdown: options.pushdown === true });
      const text = correlationText(report) + (options.explain === true && report.pushdown !== undefined ? explainText(report.pushdown.queries, report.pushdown.refused, true) : '');
      finish(context, report, output, options.json === true, text, report.sources);
    });
}

/** Prints, writes the report, and sets the exit code: 1 when no source answered. */
function finish(context: CommandContext, report: CorrelateReport | PivotReport, output: string | undefined, json: boolean, text: string, sources: readonly SourceReport[]): void {
  if (output !== undefined) writeFileAtomic(output, `${JSON.stringify(report, null, 2)}\n`);
  if (json) printJson(context.io, output === undefined ? report : { ...report, output });
  else {
    context.io.stdout.write(text);
    if (output !== undefined) printNote(context.io, `report: ${output}`);
  }
  for (const source of sources.filter((candidate) => !candidate.ok)) printNote(context.io, `defenseclaw: ${source.source} ${source.tool} (${source.subject}): ${oneLine(source.error ?? source.outcome)}`);
  if (sources.length > 0 && sources.every((source) => !source.ok)) context.fail(1);
}

function outputPath(output: string | undefined, cwd: string): string | undefined {
  if (output === undefined) return undefined;
  if (!/\.json$/i.test(output)) throw new UsageError(`--output: "${output}" must end in .json`);
  return resolve(cwd, output);
}

/** `--rules a,b`: YAML paths are read as extra rule files; anything else names rules. */
function ruleSelectors(list: string, cwd: string): Array<string | RuleText> {
  const entries = list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new UsageError('--rules: name at least one rule file, id or name');
  return entries.map((entry) => {
    if (!/\.ya?ml$/i.test(entry)) return entry;
    try {
      return { text: readFileSync(resolve(cwd, entry), 'utf8'), file: entry };
    } catch (error) {
      throw new InputError({ file: entry, message: `cannot read rule file: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}` }, { code: 'file_unreadable' });
    }
  });
}

function correlationText(report: CorrelateReport): string {
  const lines: string[] = [];
  const bySource = Object.entries(report.events.bySource).sort(([a], [b]) => a.localeCompare(b)).map(([source, count]) => `${source} ${count}`).join(', ');
  lines.push(`${report.window.from} → ${report.window.to} (last ${report.window.last}) · ${report.events.events} event(s) from ${report.events.reports} product report(s)${bySource === '' ? '' : ` · ${bySource}`}`);
  if (report.partial) lines.push('partial: some source failed or was cut (see below)');
  lines.push(`${report.correlations.length} correlation(s), ${report.detections.length} detection(s) from ${report.rules.length} rule(s)`);
  for (const correlation of report.correlations) lines.push('', ...correlationLines(correlation));
  if (report.detections.length > 0) {
    lines.push('', 'Detections:');
    for (const detection of report.detections.slice(0, 50)) lines.push(`  ${shortTime(detection.time)} ${detection.rule.name ?? detection.rule.id ?? detection.rule.title}: ${eventLine(detection.event)}`);
    if (report.detections.length > 50) lines.push(`  … ${report.detections.length - 50} more (--json or --output for all)`);
  }
  return `${lines.map(oneLine).join('\n')}\n`;
}

function correlationLines(correlation: ReportedCorrelation): string[] {
  const { rule } = correlation;
  const group = Object.entries(correlation.group).map(([key, value]) => `${key}=${String(value)}`).join(' ');
  const entities = (['hosts', 'users', 'ips', 'domains', 'hashes'] as const)
    .filter((key) => correlation.entities[key].length > 0)
    .map((key) => `${key}: ${correlation.entities[key].slice(0, 8).join(', ')}`)
    .join(' · ');
  const lines = [
    `${(rule.level ?? 'none').toUpperCase()} ${rule.name ?? rule.id ?? rule.title} — ${rule.title} [${rule.type ?? rule.kind}]`,
    `  group: ${group || '(none)'}`,
    `  window: ${correlation.window.start} → ${correlation.window.end} (${correlation.window.timespan}) · ${correlation.events.length} event(s) · sources: ${correlation.sources.join(', ')}`,
    ...(entities === '' ? [] : [`  ${entities}`]),
  ];
  const shown = correlation.events.length > EVENTS_SHOWN ? [...correlation.events.slice(0, EVENTS_SHOWN - 2), ...correlation.events.slice(-2)] : correlation.events;
  shown.forEach((event, index) => {
    if (correlation.events.length > EVENTS_SHOWN && index === EVENTS_SHOWN - 2) lines.push(`    … ${correlation.events.length - EVENTS_SHOWN} more`);
    lines.push(`    ${shortTime(event.time)} ${eventLine(event)}`);
  });
  return lines;
}

function eventLine(event: ReportedEvent): string {
  const flow = event.src?.ip !== undefined || event.dst?.host !== undefined || event.dst?.ip !== undefined ? ` ${event.src?.ip ?? event.src?.host ?? '?'} → ${event.dst?.host ?? event.dst?.ip ?? event.dst?.domain ?? '?'}` : '';
  return `${event.class}${event.outcome === undefined ? '' : ` ${event.outcome}`}${flow}${event.user === undefined ? '' : ` user ${event.user}`} · ${event.title} [${event.sources.join(', ')}]`;
}

function pivotText(report: PivotReport): string {
  const lines = [
    `${report.indicator.value} (${report.indicator.type}) · ${report.window.from} → ${report.window.to} (last ${report.window.last}) · ${report.sightings} sighting(s) in ${report.products.length} product(s)`,
  ];
  if (report.partial) lines.push('partial: some source failed or was cut (see below)');
  const text = lines.map(oneLine).join('\n');
  const products = report.products.length === 0 ? '' : `\n${renderTable(['product', 'sightings', 'first', 'last'], report.products.map((product) => [product.product, product.sightings, product.first, product.last]))}`;
  const shown = report.timeline.slice(0, TIMELINE_SHOWN);
  const timeline = shown.length === 0 ? '' : `\n${renderTable(['time', 'class', 'severity', 'sources', 'what'], shown.map((entry) => [entry.time, entry.class, entry.severity, entry.sources.join(', '), oneLine(entry.title)]), 90)}`;
  const more = report.timeline.length > shown.length ? `… ${report.timeline.length - shown.length} more timeline entries (--json or --output for all)\n` : '';
  return `${text}\n${products}${timeline}${more}`;
}

function explainText(queries: readonly PushdownQuery[], refused: ReadonlyArray<{ table: string; rule: string; reason: string }>, ran: boolean): string {
  const lines = ['', ran ? 'Push-down queries run:' : 'Push-down queries (not run):'];
  for (const query of queries) {
    const figures = query.ok === undefined ? '' : query.ok ? ` · ${query.rows ?? 0} row(s)${query.events === undefined ? '' : `, ${query.events} event(s)`}` : ` · failed: ${query.error ?? query.outcome ?? ''}`;
    lines.push('', `[${query.stage}] ${query.siem} ${query.table} (${query.tool}) for ${query.rules.join(', ')}${figures}`);
    lines.push(`  ${query.query}`);
    for (const note of query.notes) lines.push(`  note: ${note}`);
  }
  for (const entry of refused) lines.push('', `not pushed down to ${entry.table}: ${entry.rule}: ${entry.reason}`);
  return `${lines.map((line) => line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')).join('\n')}\n`;
}

function shortTime(iso: string): string {
  return iso.length >= 19 ? iso.slice(0, 19).replace('T', ' ') : iso;
}
