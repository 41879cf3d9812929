import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import {
  CONFIG_TEMPLATE,
  MASK,
  integrationStatuses,
  isSecretPath,
  configSchema,
  maskedConfig,
  resolveConfigKey,
  setConfigValue,
  writeFileAtomic,
  type LoadedConfig,
} from '../../config/index.js';
import { DefenseClawError, InputError } from '../../core/errors/index.js';
import { stringify as toYaml } from 'yaml';
import type { CommandContext } from '../context.js';
import { printJson, printLine, printNote } from '../output.js';

/** `defenseclaw config …`: init, show, get, set, validate. */
export function configCommand(context: CommandContext): Command {
  const command = new Command('config').description('create, inspect and change config.yaml');

  command
    .command('init')
    .description('write a commented config.yaml (mode 0600) into the DefenseClaw home')
    .option('--force', 'overwrite an existing config.yaml (the old one is kept as config.yaml.bak)')
    .option('--json', 'print the result as JSON')
    .action((options: { force?: boolean; json?: boolean }) => {
      const runtime = context.runtime();
      const file = runtime.paths.configFile;
      const existed = existsSync(file);
      if (existed && options.force !== true) {
        throw new DefenseClawError(`${file} already exists; use --force to overwrite it`, { code: 'config_exists', exitCode: 2 });
      }
      let backup: string | undefined;
      if (existed) {
        // The old config may hold secrets: the backup is written atomically with mode 0600 too.
        backup = `${file}.bak`;
        writeFileAtomic(backup, readFileSync(file, 'utf8'));
      }
      writeFileAtomic(file, CONFIG_TEMPLATE);
      runtime.reloadConfig();
      const record = runtime.ledger().append({
        actor: runtime.actor,
        action: 'config.init',
        target: file,
        scope: 'admin',
        outcome: 'succeeded',
        details: { overwritten: existed, ...(backup === undefined ? {} : { backup }) },
      });
      if (options.json === true) printJson(context.io, { file, overwritten: existed, backup: backup ?? null, audit_seq: record.seq });
      else {
        printLine(context.io, `wrote ${file}${existed ? ` (previous config kept as ${backup})` : ''}`);
        printNote(context.io, 'next: put credentials in the environment (see .env.example), then run `defenseclaw status`');
      }
    });

  command
    .command('show')
    .description('print the effective config (defaults applied, ${VARS} resolved, secrets masked)')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const loaded = context.runtime().config();
      const masked = maskedConfig(loaded);
      if (options.json === true) printJson(context.io, masked);
      else {
        if (!loaded.exists) printNote(context.io, `# ${loaded.file} does not exist; showing defaults`);
        context.io.stdout.write(toYaml(masked));
      }
    });

  command
    .command('get')
    .description('print one value or section (short forms such as splunk.url accepted; secrets masked)')
    .argument('<key>', 'dotted key or section, e.g. cisco.region, splunk.url or splunk')
    .option('--json', 'print as JSON')
    .action((key: string, options: { json?: boolean }) => {
      const path = resolveConfigKey(key, { section: true });
      const loaded = context.runtime().config();
      const masked = maskedConfig(loaded);
      let value: unknown = masked;
      for (const part of path) value = value === null || typeof value !== 'object' ? undefined : (value as Record<string, unknown>)[part];
      if (options.json === true) printJson(context.io, { key: path.join('.'), value: value ?? null, secret: isSecretPath(configSchema, path) });
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) context.io.stdout.write(toYaml(value));
      else printLine(context.io, value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
    });

  command
    .command('set')
    .description('validate and set one value, keeping comments (short forms: splunk.url, crowdstrike.client_id, …)')
    .argument('<key>', 'dotted key, e.g. cisco.region, splunk.url, approvals.approvers')
    .argument('<value>', 'the value; lists as "a,b" or "[a, b]"; ${VAR} references are kept as written')
    .option('--json', 'print the change as JSON')
    .action((key: string, value: string, options: { json?: boolean }) => {
      const runtime = context.runtime();
      const change = setConfigValue({ file: runtime.paths.configFile, env: runtime.env, key, value });
      runtime.reloadConfig();
      const record = runtime.ledger().append({
        actor: runtime.actor,
        action: 'config.set',
        target: change.key,
        scope: 'admin',
        outcome: 'succeeded',
        details: { file: runtime.paths.configFile, previous: change.previous ?? null, value: change.next, secret: change.secret, created: change.created },
      });
      if (change.created) printNote(context.io, `wrote ${runtime.paths.configFile} from the \`config init\` template (there was none)`);
      if (options.json === true) printJson(context.io, { ...change, previous: change.previous ?? null, audit_seq: record.seq });
      else printLine(context.io, `${change.key} = ${formatValue(change.next)}`);
      if (change.secret && !value.includes('${')) {
        printNote(context.io, `note: ${change.key} is now stored in ${runtime.paths.configFile} (mode 0600); a \${VAR} reference keeps it out of the file`);
      }
    });

  command
    .command('validate')
    .description('check config.yaml: exit 0 if valid, 2 with one line per problem (file:line:col) if not')
    .option('--json', 'print the result as JSON')
    .action((options: { json?: boolean }) => {
      const runtime = context.runtime();
      let loaded: LoadedConfig;
      try {
        loaded = runtime.config();
      } catch (error) {
        // --json still gets a document to parse; the problems also go to stderr, exit 2.
        if (options.json === true && error instanceof InputError) {
          printJson(context.io, { file: runtime.paths.configFile, exists: existsSync(runtime.paths.configFile), valid: false, problems: error.problems });
        }
        throw error;
      }
      const unresolved = loaded.unresolved.map((entry) => ({ key: entry.path.join('.'), variables: entry.variables }));
      const notes = loaded.config.audit_all_actions ? [] : [AUDIT_ALL_ACTIONS_NOTE];
      if (options.json === true) {
        printJson(context.io, { file: loaded.file, exists: loaded.exists, valid: true, unresolved, notes, integrations: integrationStatuses(loaded) });
      } else {
        for (const note of notes) printNote(context.io, `note: ${note}`);
        printLine(context.io, `${loaded.file}: ${loaded.exists ? 'valid' : 'does not exist (defaults are valid)'}`);
        if (unresolved.length > 0) {
          printNote(context.io, `${unresolved.length} key(s) reference unset environment variables; they fail only when used:`);
          for (const entry of unresolved) printNote(context.io, `  ${entry.key}: ${entry.variables.join(', ')}`);
        }
      }
    });

  return command;
}

/** `audit_all_actions: false` is accepted (the seed has the key) but never turns auditing down. */
const AUDIT_ALL_ACTIONS_NOTE = 'audit_all_actions: false is not honoured: every tool call, allowed or not, is written to the audit ledger';

function formatValue(value: unknown): string {
  if (value === MASK) return MASK;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
