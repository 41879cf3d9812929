import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { AssetSource } from '../../connectors/model/index.js';
import { UsageError } from '../../core/errors/index.js';
import {
  INVENTORY_EXPORT_FORMATS,
  InventoryError,
  TAG_PATTERN,
  UNAVAILABLE_SOURCES,
  assetFieldRecord,
  sourceName,
  type AssetDetails,
  type InventoryAsset,
  type InventoryDiffResult,
  type InventoryExportFormat,
  type ScanResult,
  type SnapshotSummary,
} from '../../inventory/index.js';
import type { CommandContext } from '../context.js';
import { checkExportTarget, hecDestination, openExportOutput } from '../export-output.js';
import { oneLine } from '../investigation-text.js';
import { printJson, printLine, printNote, renderTable } from '../output.js';
import { startProgress } from '../progress.js';
import { parsePositiveInteger, parseSince } from '../time-options.js';

/** `defenseclaw inventory …`: scan, show, asset, search, tag, diff, export, snapshots. One function per sub-command. */
export function inventoryCommand(context: CommandContext): Command {
  const command = new Command('inventory').description('asset inventory: scan every source through the gateway, merge, snapshot, tag, diff and export');
  command.addCommand(scanCommand(context));
  command.addCommand(showCommand(context));
  command.addCommand(assetCommand(context));
  command.addCommand(searchCommand(context));
  command.addCommand(tagCommand(context));
  command.addCommand(diffCommand(context));
  command.addCommand(exportCommand(context));
  command.addCommand(snapshotsCommand(context));
  return command;
}

/** `--source a,b --source c` → the values, in order. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter((part) => part !== '')];
}

function parseSources(values: readonly string[]): AssetSource[] | undefined {
  if (values.length === 0) return undefined;
  return values.map((value) => {
    const name = sourceName(value);
    if (name === undefined) throw new UsageError(`--source: "${oneLine(value)}" is not an asset source (secure-endpoint, crowdstrike, cisco-xdr)`);
    return name;
  });
}

function scanCommand(context: CommandContext): Command {
  return new Command('scan')
    .description('read every asset source through the gateway (read-only, in parallel), merge records of one machine, store a snapshot; exit 1 when a source failed')
    .option('--source <name>', 'only this source: secure-endpoint, crowdstrike (repeat or comma-separate)', collect, [] as string[])
    .option('--verbose', 'also print tools, durations, merge figures and tag rule results')
    .option('--json', 'print the result as JSON')
    .action(async (options: { source: string[]; verbose?: boolean; json?: boolean }) => {
      const sources = parseSources(options.source);
      const runtime = context.runtime();
      const service = runtime.inventory();
      const total = sources?.length ?? service.sourceNames().length;
      const progress = startProgress(context.io, 'scanning', total, options.json !== true);
      let finished = 0;
      let result: ScanResult;
      try {
        result = await service.scan({
          ...(sources === undefined ? {} : { sources }),
          onProgress: (event) => {
            if (event.kind === 'source_finished' || event.kind === 'source_skipped') progress.update((finished += 1));
            if (options.verbose === true && options.json !== true && event.kind === 'source_started') printNote(context.io, `reading ${event.source} (${event.tool})`);
          },
        });
      } catch (error) {
        progress.stop();
        if (error instanceof InventoryError) for (const [source, message] of Object.entries(error.sourceErrors)) printNote(context.io, `defenseclaw: inventory scan: ${source}: ${oneLine(message)}`);
        throw error;
      }
      progress.stop();
      if (options.json === true) printJson(context.io, result);
      else printScan(context, result, options.verbose === true);
      for (const [source, status] of Object.entries(result.snapshot.sources)) {
        if (status.error !== undefined) printNote(context.io, `defenseclaw: inventory scan: ${source}: ${oneLine(status.error)}`);
      }
      if (result.snapshot.status === 'partial') context.fail(1);
    });
}

function printScan(context: CommandContext, result: ScanResult, verbose: boolean): void {
  const { snapshot } = result;
  printLine(context.io, `snapshot ${snapshot.id} (${snapshot.status}): ${snapshot.assetCount} assets from ${result.records} records`);
  const rows = Object.entries(snapshot.sources).map(([source, status]) => [source, status.error === undefined ? 'ok' : status.count > 0 ? 'incomplete' : 'failed', status.count, `${status.durationMs} ms`, status.error === undefined ? '' : oneLine(status.error)]);
  for (const skipped of result.skipped) rows.push([skipped.source, 'skipped', 0, '', oneLine(skipped.reason)]);
  if (verbose) for (const [source, reason] of Object.entries(UNAVAILABLE_SOURCES)) rows.push([source, 'not scanned', 0, '', reason]);
  context.io.stdout.write(renderTable(['source', 'status', 'records', 'took', 'error'], rows, 100));
  if (verbose) {
    const multi = result.records - snapshot.assetCount;
    printLine(context.io, `merge: ${result.records} records → ${snapshot.assetCount} assets (${multi} records joined another source's record of the same machine)`);
    if (result.previous !== undefined) printLine(context.io, `keys carried over from ${result.previous.id} (${result.previous.takenAt})`);
    if (result.tagging !== undefined) {
      if ('error' in result.tagging) printLine(context.io, `tag rules not applied: ${result.tagging.error.split('\n')[0]}`);
      else printLine(context.io, `tag rules (${result.tagging.file}): ${result.tagging.rules} rules, +${result.tagging.added} −${result.tagging.removed} tags`);
    }
  }
}

function assetRow(asset: InventoryAsset): Array<string | undefined> {
  return [
    asset.key,
    oneLine(asset.hostname),
    oneLine([asset.os?.name, asset.os?.version].filter(Boolean).join(' ')),
    asset.ips.join(' '),
    Object.keys(asset.sources).sort().join(','),
    asset.lastSeen,
    oneLine(asset.tags.join(',')),
  ];
}

const ASSET_HEADERS = ['key', 'hostname', 'os', 'ips', 'sources', 'last seen', 'tags'];

function snapshotLine(snapshot: SnapshotSummary): string {
  return `snapshot ${snapshot.id} taken ${snapshot.takenAt} (${snapshot.status}): ${snapshot.assetCount} assets`;
}

function showCommand(context: CommandContext): Command {
  return new Command('show')
    .description('the assets of the newest snapshot, with their tags')
    .option('--limit <n>', 'most assets to print')
    .option('--json', 'print {snapshot, assets} as JSON')
    .action((options: { limit?: string; json?: boolean }) => {
      const limit = options.limit === undefined ? undefined : parsePositiveInteger(options.limit, '--limit');
      const { snapshot, assets } = context.runtime().inventory().assets();
      const shown = limit === undefined ? assets : assets.slice(0, limit);
      if (options.json === true) {
        printJson(context.io, { snapshot, assets: shown, total: assets.length });
        return;
      }
      printLine(context.io, snapshotLine(snapshot));
      context.io.stdout.write(renderTable(ASSET_HEADERS, shown.map(assetRow)));
      if (shown.length < assets.length) printNote(context.io, `${assets.length - shown.length} more (without --limit, or --json)`);
    });
}

function assetCommand(context: CommandContext): Command {
  return new Command('asset')
    .description('one asset of the newest snapshot: every field, each source\'s view, and where its tags come from')
    .argument('<id>', 'asset key (asset:ws-042), host name (short or FQDN), or <source>:<source id>')
    .option('--json', 'print as JSON')
    .action((id: string, options: { json?: boolean }) => {
      if (id.trim() === '' || id.length > 300) throw new UsageError('asset: <id> must be an asset key, a host name or <source>:<id>');
      const { snapshot, matches } = context.runtime().inventory().findAssets(id);
      if (options.json === true) printJson(context.io, { snapshot, assets: matches.map((match) => ({ ...match.asset, storedTags: match.storedTags })) });
      else if (matches.length > 0) for (const match of matches) context.io.stdout.write(assetText(match));
      if (matches.length === 0) throw new InventoryError(`no asset ${oneLine(id)} in snapshot ${snapshot.id} (try \`defenseclaw inventory search --query ${oneLine(id)}\`)`, { code: 'inventory_asset_not_found' });
    });
}

function assetText({ asset, storedTags }: AssetDetails): string {
  const lines = [`${asset.key}  ${oneLine(asset.hostname)}`];
  const field = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') lines.push(`  ${label.padEnd(11)}${oneLine(value)}`);
  };
  field('fqdn', asset.fqdn);
  field('os', [asset.os?.name, asset.os?.version, asset.os?.family === undefined ? undefined : `(${asset.os.family})`].filter(Boolean).join(' '));
  field('ips', asset.ips.join(', '));
  field('macs', asset.macs.join(', '));
  field('serial', asset.serial);
  field('cloud id', asset.cloudId);
  field('users', asset.users.join(', '));
  field('last seen', asset.lastSeen);
  field('isolation', asset.isolation);
  const origin = new Map(storedTags.map((row) => [row.tag, row.origin === 'rule' ? `rule ${row.rule ?? ''}`.trim() : 'by hand']));
  field('tags', asset.tags.map((tag) => `${tag}${origin.has(tag) ? ` (${origin.get(tag)})` : ''}`).join(', '));
  lines.push('  sources:');
  for (const [source, view] of Object.entries(asset.sources).sort(([a], [b]) => a.localeCompare(b))) {
    if (view === undefined) continue;
    const parts = [`id ${view.sourceId}`, view.lastSeen === undefined ? undefined : `seen ${view.lastSeen}`, view.agentVersion === undefined ? undefined : `agent ${view.agentVersion}`, view.isolation, view.tags === undefined ? undefined : `tags ${view.tags.join(',')}`, view.duplicateIds === undefined ? undefined : `duplicates ${view.duplicateIds.join(',')}`];
    lines.push(`    ${source.padEnd(16)}${oneLine(parts.filter(Boolean).join(' · '))}`);
  }
  return `${lines.join('\n')}\n`;
}

function searchCommand(context: CommandContext): Command {
  return new Command('search')
    .description('assets of the newest snapshot with a tag and/or matching text (host, IP, MAC, serial, OS, user, source id)')
    .option('--tag <tag>', 'only assets with this tag (source, rule or hand-set), e.g. production')
    .option('--query <text>', 'every word must appear in one of the asset\'s fields (case-insensitive)')
    .option('--json', 'print {snapshot, assets} as JSON')
    .action((options: { tag?: string; query?: string; json?: boolean }) => {
      if (options.tag === undefined && options.query === undefined) throw new UsageError('search: give --tag <tag>, --query <text>, or both');
      if (options.tag !== undefined && !TAG_PATTERN.test(options.tag.trim().toLowerCase())) throw new UsageError(`--tag: "${oneLine(options.tag)}" is not a tag (lower-case letters, digits and . _ : -)`);
      if (options.query !== undefined && (options.query.trim() === '' || options.query.length > 500)) throw new UsageError('--query: give 1 to 500 characters of text');
      const { snapshot, assets } = context
        .runtime()
        .inventory()
        .search({ ...(options.tag === undefined ? {} : { tag: options.tag }), ...(options.query === undefined ? {} : { text: options.query }) });
      if (options.json === true) {
        printJson(context.io, { snapshot, count: assets.length, assets });
        return;
      }
      printLine(context.io, `${assets.length} asset${assets.length === 1 ? '' : 's'} in ${snapshot.id} (${snapshot.takenAt})`);
      if (assets.length > 0) context.io.stdout.write(renderTable(ASSET_HEADERS, assets.map(assetRow)));
    });
}

function tagCommand(context: CommandContext): Command {
  return new Command('tag')
    .description('apply the tag rules (inventory.tag_rules_file) to the newest snapshot, or tag one asset by hand')
    .option('--rule <name>', '"auto" for every rule in the file, or one rule by name')
    .option('--asset <id>', 'the asset to tag by hand (key or host name)')
    .option('--add <tag>', 'with --asset: set this tag by hand')
    .option('--remove <tag>', 'with --asset: remove this tag')
    .option('--json', 'print the result as JSON')
    .action((options: { rule?: string; asset?: string; add?: string; remove?: string; json?: boolean }) => {
      const byHand = options.add !== undefined || options.remove !== undefined;
      if (options.rule !== undefined && (byHand || options.asset !== undefined)) throw new UsageError('--rule cannot be combined with --asset/--add/--remove');
      if (options.rule === undefined && !byHand) throw new UsageError('tag: give --rule auto (or a rule name), or --asset <id> with --add <tag> or --remove <tag>');
      const service = context.runtime().inventory();
      if (options.rule !== undefined) {
        const rule = options.rule.trim();
        if (rule === '') throw new UsageError('--rule: give "auto" or a rule name');
        const result = service.applyTagRules(rule === 'auto' ? {} : { rule });
        if (options.json === true) printJson(context.io, result);
        else {
          printLine(context.io, `applied ${result.rules} rule${result.rules === 1 ? '' : 's'} from ${result.file} to ${result.assetsEvaluated} assets of ${result.snapshotId}: +${result.added} −${result.removed} tags`);
          context.io.stdout.write(renderTable(['rule', 'assets'], Object.entries(result.matches)));
        }
        return;
      }
      if (options.asset === undefined) throw new UsageError('--add/--remove need --asset <id>');
      if (options.add !== undefined && options.remove !== undefined) throw new UsageError('--add and --remove cannot be used together');
      const result = options.add !== undefined ? service.addTag(options.asset, options.add) : service.removeTag(options.asset, options.remove!);
      const tag = (options.add ?? options.remove)!.trim().toLowerCase();
      if (options.json === true) printJson(context.io, { asset: result.asset.key, tag, action: options.add !== undefined ? 'add' : 'remove', changed: result.changed });
      else printLine(context.io, `${result.asset.key}: ${options.add !== undefined ? 'tagged' : 'untagged'} ${tag}${result.changed ? '' : ' (no change)'}`);
    });
}

function diffCommand(context: CommandContext): Command {
  return new Command('diff')
    .description('added, removed and changed assets (field by field) between the newest snapshot and the newest one at or before --since')
    .option('--since <when>', 'a duration back from now (24h, 7d) or an ISO-8601 time', '24h')
    .option('--json', 'print the diff as JSON')
    .action((options: { since: string; json?: boolean }) => {
      const runtime = context.runtime();
      const since = parseSince(options.since, runtime.clock);
      const diff = runtime.inventory().diff({ since });
      if (options.json === true) printJson(context.io, diff);
      else context.io.stdout.write(diffText(diff));
    });
}

/** The diff for a terminal: one line per added/removed asset, one per changed field. */
export function diffText(diff: InventoryDiffResult): string {
  const lines = [`inventory diff ${diff.from.id} (${diff.from.takenAt}) → ${diff.to.id} (${diff.to.takenAt}): ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`];
  if (diff.note !== undefined) lines.push(`note: ${diff.note}`);
  const describe = (asset: InventoryAsset) => {
    const fields = assetFieldRecord(asset);
    return oneLine([fields.os, fields.ips, fields.sources === undefined ? undefined : `[${fields.sources}]`].filter(Boolean).join(' · '));
  };
  if (diff.added.length > 0) lines.push('added:', ...diff.added.map((asset) => `  + ${oneLine(asset.hostname)}  ${describe(asset)}`));
  if (diff.removed.length > 0) lines.push('removed:', ...diff.removed.map((asset) => `  - ${oneLine(asset.hostname)}  ${describe(asset)}`));
  if (diff.changed.length > 0) {
    lines.push('changed:');
    for (const entry of diff.changed) {
      lines.push(`  ~ ${oneLine(entry.hostname)}${entry.partial === true ? ' (only sources read in both snapshots compared)' : ''}`);
      for (const change of entry.changes) lines.push(`      ${change.field}: ${change.before === null ? '(none)' : oneLine(change.before)} → ${change.after === null ? '(none)' : oneLine(change.after)}`);
    }
  }
  if (diff.unverified.length > 0) {
    lines.push('not compared (a source was not read in one snapshot):');
    for (const entry of diff.unverified) lines.push(`  ? ${oneLine(entry.hostname)}  looks ${entry.looksLike}; ${entry.unreadSources.join(', ')} not read`);
  }
  return `${lines.join('\n')}\n`;
}

function exportCommand(context: CommandContext): Command {
  return new Command('export')
    .description('export the newest snapshot as RFC 4180 CSV, JSON or Splunk HEC envelopes')
    .addOption(new Option('--format <format>', 'output format').choices([...INVENTORY_EXPORT_FORMATS]).makeOptionMandatory())
    .option('--output <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--destination <url>', 'send to a Splunk HTTP Event Collector in batches (splunk-hec only; token: integrations.splunk.hec_token)')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { format: InventoryExportFormat; output?: string; destination?: string; json?: boolean }) => {
      checkExportTarget(options);
      const runtime = context.runtime();
      const service = runtime.inventory();
      const splunk = runtime.config().config.integrations.splunk;
      const collector = options.destination === undefined ? undefined : hecDestination(options.destination, splunk.hec_token, runtime.fetch);
      const hec = collector?.sender;
      const destination = collector?.label ?? (options.output === undefined ? 'stdout' : resolve(context.io.cwd, options.output));
      // Fails before the file is created when there is nothing to export.
      const latest = service.latestSnapshot();
      if (latest === undefined) throw new InventoryError('no inventory snapshot yet: run `defenseclaw inventory scan` first', { code: 'inventory_no_snapshot' });
      const output = openExportOutput(options.output === undefined ? undefined : destination, context.io.stdout);
      let result: Awaited<ReturnType<typeof service.export>>;
      try {
        result = await service.export({
          format: options.format,
          write: output.write,
          destination,
          snapshotId: latest.id,
          ...(hec === undefined ? {} : { hec }),
          hecEnvelope: { host: hostname(), index: splunk.index },
        });
      } finally {
        await output.close();
      }
      const summary = { format: options.format, records: result.records, snapshot: result.snapshot.id, destination, ...(hec === undefined ? {} : { batches: hec.batches }) };
      const toStdout = options.output === undefined && hec === undefined;
      if (options.json === true && !toStdout) printJson(context.io, summary);
      else if (toStdout) printNote(context.io, `exported ${result.records} assets of ${result.snapshot.id} (${options.format})`);
      else printLine(context.io, `exported ${result.records} assets of ${result.snapshot.id} (${options.format}) to ${destination}`);
    });
}

function snapshotsCommand(context: CommandContext): Command {
  return new Command('snapshots')
    .description('recent snapshots: when, complete or partial, assets, and each source\'s count or error')
    .option('--limit <n>', 'most snapshots', '20')
    .option('--json', 'print as JSON')
    .action((options: { limit: string; json?: boolean }) => {
      const limit = parsePositiveInteger(options.limit, '--limit');
      const snapshots = context.runtime().inventory().snapshots(limit);
      if (options.json === true) {
        printJson(context.io, snapshots);
        return;
      }
      const sources = (snapshot: SnapshotSummary) =>
        Object.entries(snapshot.sources)
          .map(([name, status]) => `${name} ${status.count}${status.error === undefined ? '' : ' (error)'}`)
          .join(', ');
      context.io.stdout.write(renderTable(['id', 'taken', 'status', 'assets', 'sources'], snapshots.map((snapshot) => [snapshot.id, snapshot.takenAt, snapshot.status, snapshot.assetCount, sources(snapshot)]), 100));
    });
}
