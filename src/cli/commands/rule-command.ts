import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors/index.js';
import { describeCondition, type SigmaRule } from '../../correlate/rules/index.js';
import type { RuleFile, RuleTestReport } from '../../correlate/index.js';
import type { CommandContext } from '../context.js';
import { oneLine } from '../investigation-text.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';

/** `defenseclaw rule …`: Sigma detection and correlation rules (built-in and yours). */
export function ruleCommand(context: CommandContext): Command {
  const command = new Command('rule').description('Sigma detection and correlation rules: the built-in ones and yours (DEFENSECLAW_HOME/rules)');
  command.addCommand(createCommand(context));
  command.addCommand(listCommand(context));
  command.addCommand(showCommand(context));
  command.addCommand(testCommand(context));
  return command;
}

interface CreateOptions {
  name?: string;
  description?: string;
  file?: string;
  replace?: boolean;
  json?: boolean;
}

function createCommand(context: CommandContext): Command {
  return new Command('create')
    .description('validate a Sigma rule file (exit 2 with file:line:col on any problem, nothing stored) and store it')
    .option('--name <name>', 'the stored rule name (lower-case letters, digits, - and _)')
    .option('--description <text>', 'what the rule finds, for rule list')
    .option('--file <file>', 'the Sigma YAML (detection and correlation rules, --- between documents)')
    .option('--replace', 'replace a stored rule of the same name')
    .option('--json', 'print the stored rule as JSON')
    .addHelpText('after', '\nExample:\n  defenseclaw rule create --name brute-force-vpn --description "VPN brute force" --file rules/brute-force-vpn.yaml')
    .action((options: CreateOptions) => {
      if (options.name === undefined || options.description === undefined || options.file === undefined) {
        throw new UsageError('rule create: --name <name>, --description <text> and --file <file.yaml> are required');
      }
      const text = readRuleFile(options.file, context.io.cwd);
      const runtime = context.runtime();
      const { stored, rules } = runtime.correlation().rules.create({
        name: options.name,
        description: options.description,
        text,
        file: options.file,
        createdBy: runtime.requester(),
        createdAt: runtime.clock.now().toISOString(),
        replace: options.replace === true,
      });
      if (options.json === true) {
        printJson(context.io, { name: stored.name, description: stored.description, file: stored.file, sha256: stored.sha256, createdBy: stored.createdBy, createdAt: stored.createdAt, rules: rules.map(ruleJson) });
        return;
      }
      printLine(context.io, `stored ${stored.name}: ${rules.length} rule(s) (${rules.map((rule) => rule.name ?? rule.id ?? rule.title).join(', ')}) in ${stored.file}`);
    });
}

function listCommand(context: CommandContext): Command {
  return new Command('list')
    .description('the built-in rule files and yours, with the rules each holds')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const loaded = context.runtime().correlation().rules.load();
      const rows = loaded.files.map((file) => ({ file, rules: file.rules.map((index) => loaded.collection.rules[index]!) }));
      if (options.json === true) {
        printJson(context.io, rows.map(({ file, rules }) => ({ ...fileJson(file), rules: rules.map(ruleJson) })));
        return;
      }
      if (rows.length === 0) {
        printNote(context.io, 'no rules');
        return;
      }
      context.io.stdout.write(
        renderTable(
          ['name', 'origin', 'rules', 'top rule', 'description'],
          rows.map(({ file, rules }) => {
            const top = rules.find((rule) => rule.kind === 'correlation' && !rules.some((other) => other.kind === 'correlation' && other.references.includes(loadedIndex(loaded.collection.rules, rule)))) ?? rules[0];
            return [file.name, file.origin, rules.length, top === undefined ? '' : `${top.name ?? top.id ?? top.title}${top.level === undefined ? '' : ` (${top.level})`}`, oneLine(file.description ?? top?.description ?? top?.title ?? '')];
          }),
          70,
        ),
      );
    });
}

function showCommand(context: CommandContext): Command {
  return new Command('show')
    .description('a rule file (by name) or one rule (by Sigma id, name or title): its rules and YAML')
    .argument('<id-or-name>', 'e.g. brute-force-then-login, brute_force_then_login or a rule id')
    .option('--json', 'print as JSON')
    .action((selector: string, options: { json?: boolean }) => {
      const library = context.runtime().correlation().rules;
      const loaded = library.load();
      const file = loaded.files.find((candidate) => candidate.name === selector);
      const index = file === undefined ? loaded.collection.rules.findIndex((rule) => rule.id === selector || rule.name === selector || rule.title === selector) : -1;
      const holder = file ?? (index >= 0 ? loaded.files.find((candidate) => candidate.rules.includes(index)) : undefined);
      if (holder === undefined) {
        throw new UsageError(`rule show: no rule file, id or name "${selector.slice(0, 80)}" (see defenseclaw rule list)`);
      }
      const rules = (file === undefined ? [index] : holder.rules).map((at) => loaded.collection.rules[at]!);
      if (options.json === true) {
        printJson(context.io, { ...fileJson(holder), rules: rules.map(ruleJson), text: holder.text });
        return;
      }
      printLine(context.io, `${holder.name} (${holder.origin}) · ${holder.file}`);
      if (holder.description !== undefined && holder.description !== '') printLine(context.io, `  ${oneLine(holder.description)}`);
      if (holder.createdBy !== undefined && holder.createdBy !== '') printLine(context.io, `  stored by ${holder.createdBy} at ${holder.createdAt ?? '?'}`);
      for (const rule of rules) printLine(context.io, ruleLine(rule));
      printLine(context.io);
      context.io.stdout.write(holder.text.endsWith('\n') ? holder.text : `${holder.text}\n`);
    });
}

function testCommand(context: CommandContext): Command {
  return new Command('test')
    .description('run a rule file over events from a JSONL file (flat {"time","fields"} lines or SecurityEvents): what it detects and correlates')
    .argument('<file>', 'the Sigma YAML to test')
    .option('--events <file>', 'JSONL events, one per line')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  defenseclaw rule test rules/brute-force-then-login.yaml --events logons.jsonl')
    .action((file: string, options: { events?: string; json?: boolean }) => {
      if (options.events === undefined) throw new UsageError('rule test: --events <file.jsonl> is required');
      const rule = { text: readRuleFile(file, context.io.cwd), file };
      const events = { text: readInput(options.events, context.io.cwd, '--events'), file: options.events };
      const report = context.runtime().correlation().testRule(rule, events);
      if (options.json === true) printJson(context.io, report);
      else context.io.stdout.write(testText(report));
    });
}

function testText(report: RuleTestReport): string {
  const lines = [`${report.file}: ${report.rules.length} rule(s) over ${report.events} event(s): ${report.correlations.length} correlation(s), ${report.detections.length} detection(s)`];
  for (const correlation of report.correlations) {
    lines.push(`${(correlation.rule.level ?? 'none').toUpperCase()} ${correlation.rule.name ?? correlation.rule.id ?? correlation.rule.title} [${correlation.rule.type ?? 'correlation'}] ${Object.entries(correlation.group).map(([key, value]) => `${key}=${String(value)}`).join(' ')}`);
    lines.push(`  ${correlation.count} · window ${correlation.window.start} → ${correlation.window.end} (${correlation.window.timespan}) · lines ${correlation.events.map((event) => event.line).join(', ')}`);
  }
  for (const detection of report.detections.slice(0, 200)) lines.push(`detection ${detection.rule.name ?? detection.rule.id ?? detection.rule.title} at ${detection.time} (line ${detection.event.line})`);
  if (report.detections.length > 200) lines.push(`… ${report.detections.length - 200} more detection(s) (--json lists them all)`);
  return `${lines.map(oneLine).join('\n')}\n`;
}

function ruleLine(rule: SigmaRule): string {
  const label = rule.name ?? rule.id ?? rule.title;
  const detail =
    rule.kind === 'correlation'
      ? `${rule.type} of ${rule.rules.join(', ')} by ${rule.groupBy.join(', ') || '(no group)'} within ${rule.timespan}${Object.keys(rule.condition).length === 0 ? '' : ` (${describeCondition(rule.condition)})`}`
      : `detection${rule.logsource.category === undefined ? '' : ` (${rule.logsource.category})`}`;
  return oneLine(`  ${label}${rule.level === undefined ? '' : ` [${rule.level}]`}: ${rule.title} — ${detail}`);
}

function ruleJson(rule: SigmaRule) {
  return {
    title: rule.title,
    id: rule.id ?? null,
    name: rule.name ?? null,
    kind: rule.kind,
    type: rule.kind === 'correlation' ? rule.type : null,
    level: rule.level ?? null,
    description: rule.description ?? null,
    tags: rule.tags,
    location: rule.location,
    ...(rule.kind === 'correlation' ? { rules: rule.rules, groupBy: rule.groupBy, timespan: rule.timespan, condition: rule.condition } : { logsource: rule.logsource }),
  };
}

function fileJson(file: RuleFile) {
  return { name: file.name, origin: file.origin, file: file.file, description: file.description ?? null, createdBy: file.createdBy ?? null, createdAt: file.createdAt ?? null };
}

function loadedIndex(rules: readonly SigmaRule[], rule: SigmaRule): number {
  return rules.indexOf(rule);
}

function readRuleFile(file: string, cwd: string): string {
  if (!/\.ya?ml$/i.test(file)) throw new UsageError(`"${file}" is not a YAML file (.yaml or .yml)`);
  return readInput(file, cwd, 'rule file');
}

function readInput(file: string, cwd: string, what: string): string {
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({ file, message: `cannot read ${what}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}` }, { code: 'file_unreadable' });
  }
}
