import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { AGENT_NAME_PATTERN, AGENT_TYPES, agentScaffold, validateAgentFile, validateAgentText, type AgentType } from '../../agents/definition/index.js';
import { writeFileAtomic } from '../../config/index.js';
import { DefenseClawError, InputError, UsageError, formatProblem } from '../../core/errors/index.js';
import type { CommandContext } from '../context.js';
import { problemJson } from '../problem-json.js';
import { agentListCommand, agentLogsCommand, agentResumeCommand, agentRunCommand } from './agent-run-commands.js';
import { isWorkflowFile } from '../../agents/workflow/validate-workflow.js';
import { validateWorkflow } from './workflow-command.js';
import { printJson, printLine, printNote } from '../output.js';

/** Agent files are not secret: readable by the team, like any source file. */
const AGENT_FILE_MODE = 0o644;

/** `defenseclaw agent …`: YAML agents. Each sub-command is built by its own function below. */
export function agentCommand(context: CommandContext): Command {
  const command = new Command('agent').description('write, check and run deterministic YAML agents');
  command.addCommand(agentValidateCommand(context));
  command.addCommand(agentNewCommand(context));
  command.addCommand(agentListCommand(context));
  command.addCommand(agentRunCommand(context));
  command.addCommand(agentResumeCommand(context));
  command.addCommand(agentLogsCommand(context));
  return command;
}

/** `agent validate <file>`: exit 0 with a summary, or 2 with every problem at its file:line:col. */
function agentValidateCommand(context: CommandContext): Command {
  return new Command('validate')
    .description('check an agent file (.yaml or .yml): schema, tools, permissions, conditions, templates and params')
    .argument('<file>', 'the agent definition, e.g. agents/phishing-triage.yaml')
    .option('--json', 'print {valid, problems} as JSON (exit 2 still means invalid)')
    .action((file: string, options: { json?: boolean }) => {
      // A workflow file (it has a trigger) is checked as one rather than refused key by key.
      if (isWorkflowFile(resolve(context.io.cwd, file))) {
        validateWorkflow(context, file, options);
        return;
      }
      const validation = validateAgentFile(file, context.runtime().tools(), { cwd: context.io.cwd });
      const { definition, problems, notes } = validation;
      if (options.json === true) {
        printJson(context.io, {
          file,
          valid: definition !== undefined,
          problems: problems.map(problemJson),
          notes: notes.map(problemJson),
          ...(definition === undefined ? {} : { agent: { name: definition.name, version: definition.version, steps: definition.steps.length, tools: definition.tools } }),
        });
        if (definition === undefined) context.fail(2);
        return;
      }
      for (const note of notes) printNote(context.io, `note: ${formatProblem(note)}`);
      if (definition === undefined) throw new InputError(problems, { code: 'agent_invalid' });
      const steps = `${definition.steps.length} step${definition.steps.length === 1 ? '' : 's'}`;
      printLine(context.io, `ok: ${definition.name} v${definition.version}, ${steps}, tools: ${definition.tools.join(', ')}`);
    });
}

/** `agent new`: writes a valid, read-first scaffold of one kind of agent. */
function agentNewCommand(context: CommandContext): Command {
  return new Command('new')
    .description('write a new agent definition (read steps first; write/execute steps gated by approval)')
    .requiredOption('--name <name>', 'agent name: lower-case letters, digits and - (e.g. phishing-triage)')
    .addOption(new Option('--type <type>', 'what the agent does').choices(AGENT_TYPES).makeOptionMandatory())
    .option('--output <file>', 'where to write it (default: $DEFENSECLAW_HOME/agents/<name>.yaml)')
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print the result as JSON')
    .action((options: { name: string; type: AgentType; output?: string; force?: boolean; json?: boolean }) => {
      if (!AGENT_NAME_PATTERN.test(options.name)) {
        throw new UsageError(`--name: "${options.name}" must be lower-case letters, digits and -, starting with a letter (e.g. phishing-triage)`);
      }
      const runtime = context.runtime();
      const file = options.output === undefined ? join(runtime.paths.home, 'agents', `${options.name}.yaml`) : resolve(context.io.cwd, options.output);
      const existed = existsSync(file);
      if (existed && options.force !== true) {
        throw new DefenseClawError(`${file} already exists; use --force to overwrite it`, { code: 'agent_exists', exitCode: 2 });
      }
      const text = agentScaffold(options.name, options.type);
      // The scaffold names catalog tools; if the catalog changed under it, say so instead of writing a broken file.
      const check = validateAgentText(text, file, runtime.tools());
      if (check.definition === undefined) {
        throw new DefenseClawError(`the ${options.type} scaffold no longer validates: ${check.problems.map(formatProblem).join('; ')}`, { code: 'agent_scaffold_invalid' });
      }
      writeFileAtomic(file, text, AGENT_FILE_MODE);
      if (options.json === true) {
        printJson(context.io, { file, name: options.name, type: options.type, overwritten: existed });
        return;
      }
      printLine(context.io, `wrote ${file} (${options.type} agent ${options.name}${existed ? ', overwritten' : ''})`);
      printNote(context.io, `next: edit it, then run \`defenseclaw agent validate ${file}\``);
    });
}
