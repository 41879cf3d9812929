import { statSync } from 'node:fs';
import { Command } from 'commander';
import { integrationStatuses, type IntegrationStatus } from '../../config/index.js';
import { isDefenseClawError } from '../../core/errors/index.js';
import type { InvestigationTotals } from '../../store/index.js';
import type { CommandContext } from '../context.js';
import { formatBytes, printJson, printLine, printNote } from '../output.js';

/** `defenseclaw status`: what is here and what is configured (no network; that is `doctor`). */
export function statusCommand(context: CommandContext): Command {
  return new Command('status')
    .description('version, home, database, audit ledger head and which integrations are configured')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const runtime = context.runtime();
      const { paths } = runtime;
      let configState: { file: string; exists: boolean; valid: boolean; problems: string[] };
      let integrations: IntegrationStatus[] = [];
      try {
        const loaded = runtime.config();
        configState = { file: paths.configFile, exists: loaded.exists, valid: true, problems: [] };
        integrations = integrationStatuses(loaded);
      } catch (error) {
        if (!isDefenseClawError(error)) throw error;
        configState = { file: paths.configFile, exists: true, valid: false, problems: error.lines() };
      }
      const databaseExists = runtime.databaseExists();
      const database = {
        path: paths.databaseFile,
        exists: databaseExists,
        size_bytes: databaseExists ? databaseSize(paths.databaseFile) : 0,
      };
      const head = databaseExists ? runtime.ledger().head() : undefined;
      const health = new Map((databaseExists ? runtime.integrationHealth().list() : []).map((row) => [row.integration, row]));
      const withHealth = integrations.map((integration) => {
        const last = health.get(integration.name);
        return { ...integration, health: last === undefined ? null : { status: last.status, reason: last.reason, checked_at: last.checkedAt } };
      });
      const since = new Date(runtime.clock.now().getTime() - 86_400_000).toISOString();
      const investigations = databaseExists ? runtime.investigationStore().totals(since) : { count: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0 };
      const ledger = { rows: databaseExists ? runtime.ledger().count() : 0, head_seq: head?.seq ?? null, head_hash: head?.hash ?? null };
      // A broken config.yaml is bad input (exit 2, one line per problem on stderr); the rest of the status still prints.
      if (!configState.valid) {
        for (const line of configState.problems) printNote(context.io, `defenseclaw: ${line}`);
        context.fail(2);
      }
      if (options.json === true) {
        printJson(context.io, { version: runtime.version, home: paths.home, config: configState, database, ledger, investigations_24h: investigations, integrations: withHealth });
        return;
      }
      printLine(context.io, `DefenseClaw ${runtime.version}`);
      printLine(context.io, `home          ${paths.home}`);
      printLine(
        context.io,
        `config        ${paths.configFile} (${!configState.exists ? 'not created: defaults; run `defenseclaw config init`' : configState.valid ? 'valid' : `INVALID: ${configState.problems.length} problem(s); run \`defenseclaw config validate\``})`,
      );
      printLine(context.io, `database      ${paths.databaseFile} (${databaseExists ? formatBytes(database.size_bytes) : 'not created yet'})`);
      printLine(context.io, `audit ledger  ${ledger.rows} rows${head === undefined ? '' : `, head seq ${head.seq} ${head.hash}`}`);
      printLine(context.io, `investigations ${investigationLine(investigations)}`);
      if (integrations.length > 0) {
        printLine(context.io, 'integrations');
        const width = Math.max(...integrations.map((integration) => integration.name.length));
        for (const integration of withHealth) {
          const state = !integration.enabled
            ? 'disabled (not in cisco.products)'
            : integration.configured
              ? 'configured'
              : `not configured (missing ${integration.missing.join(', ')})`;
          const last = integration.health === null || !integration.configured ? '' : `; last doctor ${integration.health.checked_at}: ${integration.health.status}${integration.health.status === 'pass' ? '' : ` (${integration.health.reason})`}`;
          printLine(context.io, `  ${integration.name.padEnd(width)}  ${state}${last}`);
        }
      }
    });
}

/** The database plus its WAL and shared-memory files: what it really takes on disk. */
function databaseSize(file: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(file + suffix).size;
    } catch {
      // The WAL and shm files exist only while a connection is open.
    }
  }
  return total;
}

/** Last 24 h of investigations: count, tokens (cache share) and estimated cost. */
function investigationLine(totals: InvestigationTotals): string {
  if (totals.count === 0) return 'none in the last 24 h';
  const input = totals.inputTokens + totals.cacheCreationTokens + totals.cacheReadTokens;
  const share = input === 0 ? 0 : Math.round((totals.cacheReadTokens / input) * 100);
  return `${totals.count} in the last 24 h; LLM tokens ${input} in (${share}% from cache) / ${totals.outputTokens} out, est. $${totals.costUsd.toFixed(4)}`;
}
