import { demoCommand } from './commands/demo-command.js';
import { investigateCommand } from './commands/investigate-command.js';
import { Command } from 'commander';
import { agentCommand } from './commands/agent-command.js';
import { VERSION } from '../app/version.js';
import { approvalsCommand } from './commands/approvals-command.js';
import { auditCommand } from './commands/audit-command.js';
import { configCommand } from './commands/config-command.js';
import { doctorCommand } from './commands/doctor-command.js';
import { labCommand } from './commands/lab-command.js';
import { workflowCommand } from './commands/workflow-command.js';
import { statusCommand } from './commands/status-command.js';
import { slackCommand } from './commands/slack-command.js';
import { scheduleCommand } from './commands/schedule-command.js';
import { inventoryCommand } from './commands/inventory-command.js';
import { policyCommand } from './commands/policy-command.js';
import { reportCommand } from './commands/report-command.js';
import { ruleCommand } from './commands/rule-command.js';
import { eventCommand } from './commands/event-command.js';
import type { CommandContext } from './context.js';
import type { CliIo } from './io.js';
import { closest } from '../core/suggest.js';
import { UsageError } from '../core/errors/index.js';

/** Builds the `defenseclaw` command tree. Exits are turned into exceptions (see main.ts). */
export function buildProgram(io: CliIo, context: CommandContext): Command {
  const program = new Command('defenseclaw')
    .description('DefenseClaw: security chat-ops bot and CLI with approvals and a tamper-evident audit ledger')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--home <dir>', 'DefenseClaw home (default: $DEFENSECLAW_HOME or ~/.defenseclaw)')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's errors arrive as "error: …\n"; print them as one line with the program name.
      outputError: (text, write) => write(`defenseclaw: ${text.trim().split('\n').join(' ')}\n`),
    });
  program.addCommand(configCommand(context));
  program.addCommand(auditCommand(context));
  program.addCommand(approvalsCommand(context));
  program.addCommand(statusCommand(context));
  program.addCommand(doctorCommand(context));
  program.addCommand(labCommand(context));
  program.addCommand(workflowCommand(context));
  program.addCommand(agentCommand(context));
  program.addCommand(investigateCommand(context));
  program.addCommand(demoCommand(context));
  program.addCommand(slackCommand(context));
  program.addCommand(inventoryCommand(context));
  program.addCommand(scheduleCommand(context));
  program.addCommand(policyCommand(context));
  program.addCommand(reportCommand(context));
  program.addCommand(ruleCommand(context));
  program.addCommand(eventCommand(context));
  program
    .command('help')
    .description('show help for a command, e.g. `help audit verify`')
    .argument('[command...]', 'the command, with its sub-command')
    .action((names: string[]) => helpFor(program, names).outputHelp());
  applyToTree(program, (command) => {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    command.showSuggestionAfterError(true);
    // A command group called without a sub-command is a usage error (exit 2), after its help;
    // a group with an action of its own (`investigate --alert-id …`) keeps it.
    if (command.commands.length > 0 && command !== program && !hasOwnAction(command)) {
      command.allowExcessArguments(true).action((...parameters: unknown[]) => {
        const self = parameters.at(-1) as Command;
        const typed = self.args[0];
        if (typed === 'help') {
          // `audit help [verify]`, as git and npm accept it.
          helpFor(command, self.args.slice(1)).outputHelp();
          return;
        }
        if (typed !== undefined) {
          const names = command.commands.map((child) => child.name());
          const suggestion = closest(typed, names);
          throw new UsageError(`unknown command '${command.name()} ${typed}'${suggestion === undefined ? '' : ` (did you mean '${command.name()} ${suggestion}'?)`}`);
        }
        command.outputHelp({ error: true });
        throw new MissingSubcommand(command.name());
      });
    }
  });
  return program;
}

/** The command at `names` below `root` (`help audit verify`); an unknown name is a usage error. */
function helpFor(root: Command, names: readonly string[]): Command {
  let command = root;
  for (const name of names) {
    const child = command.commands.find((candidate) => candidate.name() === name || candidate.aliases().includes(name));
    if (child === undefined) {
      const path = [...commandPath(command), name].join(' ');
      const suggestion = closest(name, command.commands.map((candidate) => candidate.name()));
      throw new UsageError(`unknown command '${path}'${suggestion === undefined ? '' : ` (did you mean '${[...commandPath(command), suggestion].join(' ')}'?)`}`);
    }
    command = child;
  }
  return command;
}

function commandPath(command: Command): string[] {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent != null; current = current.parent) names.unshift(current.name());
  return names;
}

export class MissingSubcommand extends Error {
  constructor(readonly commandName: string) {
    super(`${commandName}: missing sub-command`);
  }
}

/** Commander keeps the action handler private; a group with one runs it when no sub-command is named. */
function hasOwnAction(command: Command): boolean {
  return (command as unknown as { _actionHandler?: unknown })._actionHandler != null;
}

function applyToTree(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const child of command.commands) applyToTree(child, apply);
}
