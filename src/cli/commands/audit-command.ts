import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import {
  CHECKPOINT_FORMAT,
  EXPORT_FORMATS,
  exportLedger,
  readCheckpointFile,
  toJsonRecord,
  type AuditRecord,
  type Checkpoint,
  type ExportFormat,
} from '../../audit/index.js';
import { writeFileAtomic } from '../../config/index.js';
import type { CommandContext } from '../context.js';
import { cannotWrite, checkExportTarget, hecDestination, openExportOutput } from '../export-output.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';
import { startProgress } from '../progress.js';
import { parsePositiveInteger, parseSince } from '../time-options.js';

/** `defenseclaw audit …`: show, verify, checkpoint, export. */
export function auditCommand(context: CommandContext): Command {
  const command = new Command('audit').description('read, verify and export the tamper-evident audit ledger');

  command
    .command('show')
    .description('list ledger records, newest last')
    .option('--last <n>', 'only the newest N matching records', '50')
    .option('--actor <actor>', 'only this actor, e.g. cli:alice or slack:U0123ABCD')
    .option('--tool <tool>', 'only this tool or target, e.g. secure_endpoint.isolate_host')
    .option('--action <action>', 'only this action, e.g. config.set')
    .option('--outcome <outcome>', 'only this outcome, e.g. denied')
    .option('--since <when>', 'only records newer than a duration (24h, 7d) or an ISO time')
    .option('--json', 'print as JSON')
    .action((options: { last: string; actor?: string; tool?: string; action?: string; outcome?: string; since?: string; json?: boolean }) => {
      const runtime = context.runtime();
      const last = parsePositiveInteger(options.last, '--last');
      const since = options.since === undefined ? undefined : parseSince(options.since, runtime.clock);
      const records: AuditRecord[] = runtime.databaseExists()
        ? runtime.ledger().query({
            last,
            ...(options.actor === undefined ? {} : { actor: options.actor }),
            ...(options.tool === undefined ? {} : { target: options.tool }),
            ...(options.action === undefined ? {} : { action: options.action }),
            ...(options.outcome === undefined ? {} : { outcome: options.outcome }),
            ...(since === undefined ? {} : { since }),
          })
        : [];
      if (options.json === true) {
        printJson(context.io, records.map(toJsonRecord));
        return;
      }
      if (records.length === 0) {
        printNote(context.io, 'no matching audit records');
        return;
      }
      context.io.stdout.write(
        renderTable(
          ['seq', 'time', 'actor', 'action', 'target', 'scope', 'outcome'],
          records.map((record) => [record.seq, record.time, record.actor, record.action, record.target, record.scope, record.outcome]),
        ),
      );
    });

  command
    .command('verify')
    .description('recompute the hash chain: exit 0 with row count and head hash, or 1 naming the first broken seq')
    .option('--from-checkpoint <file>', 'also check the chain against checkpoint(s) taken earlier (JSON or JSON lines)')
    .option('--json', 'print the result as JSON')
    .action((options: { fromCheckpoint?: string; json?: boolean }) => {
      const runtime = context.runtime();
      const checkpoints: Checkpoint[] = options.fromCheckpoint === undefined ? [] : readCheckpointFile(options.fromCheckpoint);
      if (!runtime.databaseExists() && checkpoints.length === 0) {
        if (options.json === true) printJson(context.io, { ok: true, rows: 0, head: null, problems: [], problem_count: 0, checkpoints_checked: 0 });
        else printLine(context.io, 'ok: the ledger is empty (no database yet)');
        return;
      }
      const ledger = runtime.ledger();
      const progress = startProgress(context.io, 'verifying', ledger.count(), options.json !== true);
      const result = ledger.verify({ checkpoints, onProgress: (rows) => progress.update(rows) });
      progress.stop();
      if (options.json === true) {
        printJson(context.io, {
          ok: result.ok,
          rows: result.rows,
          head: result.head,
          first_broken_seq: result.problems[0]?.seq ?? null,
          problems: result.problems,
          problem_count: result.problemCount,
          checkpoints_checked: result.checkpointsChecked,
        });
      } else if (result.ok) {
        printLine(context.io, `ok: ${result.rows} rows verified, head seq ${result.head?.seq ?? 0} hash ${result.head?.hash ?? '-'}`);
        if (checkpoints.length > 0) printLine(context.io, `ok: consistent with ${checkpoints.length} checkpoint(s)`);
      } else {
        const first = result.problems[0]!;
        context.io.stderr.write(`audit ledger BROKEN at seq ${first.seq} (${first.kind}): ${first.message}\n`);
        for (const problem of result.problems.slice(1)) context.io.stderr.write(`  also seq ${problem.seq} (${problem.kind}): ${problem.message}\n`);
        if (result.problemCount > result.problems.length) context.io.stderr.write(`  … ${result.problemCount - result.problems.length} more\n`);
        printLine(context.io, `${result.rows} rows read; ${result.problemCount} problem(s)`);
      }
      if (!result.ok) context.fail(1);
    });

  command
    .command('checkpoint')
    .description('record the head seq and hash; keep the file elsewhere so a rewritten chain is caught by verify')
    .option('--output <file>', 'write the checkpoint to this file instead of stdout')
    .option('--json', 'print the checkpoint as JSON (the default when writing to stdout)')
    .action((options: { output?: string; json?: boolean }) => {
      const runtime = context.runtime();
      const ledger = runtime.ledger();
      const head = ledger.head();
      const checkpoint: Checkpoint = {
        format: CHECKPOINT_FORMAT,
        seq: head?.seq ?? 0,
        hash: head?.hash ?? '0'.repeat(64),
        time: runtime.clock.now().toISOString(),
        database: runtime.paths.databaseFile,
      };
      const text = `${JSON.stringify(checkpoint)}\n`;
      if (options.output !== undefined) {
        try {
          writeFileAtomic(options.output, text, 0o644);
        } catch (error) {
          throw cannotWrite(options.output, error);
        }
      }
      ledger.append({
        actor: runtime.actor,
        action: 'audit.checkpoint',
        target: options.output ?? 'stdout',
        scope: 'admin',
        outcome: 'succeeded',
        details: { seq: checkpoint.seq, hash: checkpoint.hash },
      });
      if (options.output === undefined || options.json === true) printJson(context.io, checkpoint);
      else printLine(context.io, `checkpoint seq ${checkpoint.seq} hash ${checkpoint.hash} written to ${options.output}`);
    });

  command
    .command('export')
    .description('export the ledger as JSON lines, CSV, Splunk HEC envelopes or OCSF API Activity events')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('--output <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--destination <url>', 'send to a Splunk HTTP Event Collector (splunk-hec only; token: integrations.splunk.hec_token)')
    .option('--since <when>', 'only records newer than a duration (24h, 7d) or an ISO time')
    .option('--from-seq <seq>', 'only records with seq >= this (resume an interrupted export)')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { format: ExportFormat; output?: string; destination?: string; since?: string; fromSeq?: string; json?: boolean }) => {
      checkExportTarget(options);
      const runtime = context.runtime();
      const since = options.since === undefined ? undefined : parseSince(options.since, runtime.clock);
      const fromSeq = options.fromSeq === undefined ? undefined : parsePositiveInteger(options.fromSeq, '--from-seq');
      const splunk = runtime.config().config.integrations.splunk;
      const collector = options.destination === undefined ? undefined : hecDestination(options.destination, splunk.hec_token, runtime.fetch);
      const hec = collector?.sender;
      const destinationLabel = collector?.label ?? options.output ?? 'stdout';
      const output = openExportOutput(options.output, context.io.stdout);
      const ledger = runtime.ledger();
      const toStdout = options.output === undefined && hec === undefined;
      const progress = startProgress(context.io, 'exporting', ledger.count(), !toStdout);
      let outcome: 'succeeded' | 'failed' = 'failed';
      let records = 0;
      try {
        const result = await exportLedger({
          ledger,
          format: options.format,
          ...(since === undefined ? {} : { since }),
          ...(fromSeq === undefined ? {} : { fromSeq }),
          write: output.write,
          ...(hec === undefined ? {} : { hec }),
          ocsf: { productVersion: runtime.version, hostname: hostname() },
          hecEnvelope: { host: hostname(), index: splunk.index },
          onProgress: (count) => progress.update(count),
        });
        records = result.records;
        outcome = 'succeeded';
      } finally {
        progress.stop();
        await output.close();
        ledger.append({
          actor: runtime.actor,
          action: 'audit.export',
          target: destinationLabel,
          scope: 'admin',
          outcome,
          details: { format: options.format, records: hec?.sent ?? records, since: since ?? null, from_seq: fromSeq ?? null },
        });
      }
      const summary = { format: options.format, records, destination: destinationLabel, ...(hec === undefined ? {} : { batches: hec.batches }) };
      if (options.json === true && !toStdout) printJson(context.io, summary);
      else if (toStdout) printNote(context.io, `exported ${records} records (${options.format})`);
      else printLine(context.io, `exported ${records} records (${options.format}) to ${destinationLabel}`);
    });

  return command;
}

