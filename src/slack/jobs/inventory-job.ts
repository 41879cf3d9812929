import { parseDuration } from '../../core/duration.js';
import { assetFieldRecord, scanCaller, type InventoryAsset, type InventoryService, type SnapshotSummary } from '../../inventory/index.js';
import { MAX_BLOCKS_PER_MESSAGE, escapeMrkdwn, sectionBlock, truncate } from '../blocks/block-limits.js';
import { chunkLines } from '../blocks/chunk-lines.js';
import { outcomeMessage, rootMessage, type Finding } from '../blocks/job-message-blocks.js';
import type { SlackMessage } from '../blocks/slack-message.js';
import { digestDetailMessages } from '../digest/digest-message.js';
import { digestDiff } from '../digest/inventory-diff.js';
import type { ThreadRef } from '../thread/thread-poster.js';
import { slackPrincipal, type JobContext, type JobOrigin } from './job-context.js';

/** Assets listed in a search thread; the rest are counted (the CLI lists them all). */
export const MAX_LISTED_ASSETS = 300;

const READ_ONLY_NOTE = 'Read-only: stored inventory snapshots, scanned again through the gateway (as you, read tools only) when the newest is older than inventory.scan_interval. The LLM was not used.';

/**
 * The newest snapshot, scanning first when there is none or it is older than
 * `inventory.scan_interval`. A failed scan falls back to the stored snapshot (said in `note`).
 */
async function freshSnapshot(context: JobContext, user: string, service: InventoryService): Promise<{ snapshot: SnapshotSummary; scanned: boolean; note?: string }> {
  const { runtime } = context;
  const latest = service.latestSnapshot();
  const maxAgeMs = parseDuration(runtime.config().config.inventory.scan_interval, 'inventory.scan_interval');
  if (latest !== undefined && runtime.clock.now().getTime() - Date.parse(latest.takenAt) <= maxAgeMs) return { snapshot: latest, scanned: false };
  const actor = slackPrincipal(user);
  try {
    const result = await service.scan({ caller: scanCaller({ kind: 'slack', actor, reason: 'slack: inventory (snapshot older than inventory.scan_interval)' }) });
    return { snapshot: result.snapshot, scanned: true };
  } catch (error) {
    if (latest === undefined) throw error;
    context.logger.warn({ err: error }, 'inventory scan for a slack command failed; using the stored snapshot');
    return { snapshot: latest, scanned: false, note: `A fresh scan failed (${(error as Error).message}); the stored snapshot of ${latest.takenAt} is used.` };
  }
}

function sourceFindings(snapshot: SnapshotSummary): Finding[] {
  return Object.entries(snapshot.sources).map(([source, status]) => ({
    label: source,
    status: status.error === undefined ? 'read' : status.count > 0 ? 'incomplete' : 'failed',
    summary: status.error === undefined ? `${status.count} records` : status.error,
  }));
}

/**
 * `/defenseclaw inventory diff [--since 24h]`: added, removed and changed assets between the newest
 * snapshot and the newest one at or before `since`, field by field, in a thread.
 */
export async function runInventoryDiffJob(context: JobContext, input: JobOrigin & { since: string }): Promise<ThreadRef> {
  const { runtime, poster } = context;
  const root = { title: `Inventory diff (since ${input.since})`, requester: input.user, notes: [READ_ONLY_NOTE] };
  const thread = await poster.postRoot(input.channel, rootMessage({ ...root, state: 'running' }));
  try {
    const service = runtime.inventory();
    const fresh = await freshSnapshot(context, input.user, service);
    const sinceIso = new Date(runtime.clock.now().getTime() - parseDuration(input.since, '--since')).toISOString();
    const result = service.diff({ since: sinceIso });
    const diff = digestDiff(result);
    for (const message of digestDetailMessages(diff)) await poster.reply(thread, message);
    const notes = [
      `Compared ${result.from.id} (${result.from.takenAt}) with ${result.to.id} (${result.to.takenAt})${fresh.scanned ? ', scanned just now' : ''}.`,
      ...(result.note === undefined ? [] : [result.note]),
      ...(fresh.note === undefined ? [] : [fresh.note]),
      ...(result.unverified.length === 0 ? [] : [`${result.unverified.length} asset(s) not compared: a source was not read in one of the two snapshots.`]),
    ];
    const headline = `${diff.added.length} added · ${diff.removed.length} removed · ${diff.changed.length} changed (${diff.totals.before} → ${diff.totals.after} assets)`;
    await poster.reply(thread, outcomeMessage({ state: 'succeeded', headline, findings: sourceFindings(result.to), notes }));
    await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state: 'succeeded' }));
  } catch (error) {
    await failed(context, thread, root, error);
  }
  return thread;
}

/** `/defenseclaw inventory search --tag <tag>`: the assets of the newest snapshot with that tag, in a thread. */
export async function runInventorySearchJob(context: JobContext, input: JobOrigin & { tag: string }): Promise<ThreadRef> {
  const { runtime, poster } = context;
  const root = { title: `Inventory search: tag ${input.tag}`, requester: input.user, notes: [READ_ONLY_NOTE] };
  const thread = await poster.postRoot(input.channel, rootMessage({ ...root, state: 'running' }));
  try {
    const service = runtime.inventory();
    const fresh = await freshSnapshot(context, input.user, service);
    const { snapshot, assets } = service.search({ tag: input.tag });
    for (const message of assetListMessages(assets, input.tag)) await poster.reply(thread, message);
    const notes = [`Snapshot ${snapshot.id} (${snapshot.takenAt}, ${snapshot.status})${fresh.scanned ? ', scanned just now' : ''}.`, ...(fresh.note === undefined ? [] : [fresh.note])];
    await poster.reply(thread, outcomeMessage({ state: 'succeeded', headline: `${assets.length} asset${assets.length === 1 ? '' : 's'} tagged ${input.tag} of ${snapshot.assetCount}`, findings: sourceFindings(snapshot), notes }));
    await poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state: 'succeeded' }));
  } catch (error) {
    await failed(context, thread, root, error);
  }
  return thread;
}

/** The assets as lines (`host` — OS · IPs · tags), in as many messages as Slack's limits need. */
export function assetListMessages(assets: readonly InventoryAsset[], tag: string): SlackMessage[] {
  if (assets.length === 0) return [{ text: `No asset is tagged ${tag}`, blocks: [sectionBlock(`No asset in the newest snapshot is tagged \`${escapeMrkdwn(tag)}\`.`)] }];
  const listed = assets.slice(0, MAX_LISTED_ASSETS).map((asset) => {
    const fields = assetFieldRecord(asset);
    const parts = [fields.os, fields.ips, fields.tags === undefined ? undefined : `tags ${fields.tags}`].filter((part): part is string => part !== undefined);
    return `• \`${escapeMrkdwn(truncate(asset.hostname, 100))}\` ${escapeMrkdwn(truncate(parts.join(' · '), 300))}`;
  });
  if (assets.length > MAX_LISTED_ASSETS) listed.push(`…and ${assets.length - MAX_LISTED_ASSETS} more: \`defenseclaw inventory search --tag ${escapeMrkdwn(tag)}\` lists them all.`);
  const sections = chunkLines(listed).map((chunk) => sectionBlock(chunk));
  const messages: SlackMessage[] = [];
  for (let index = 0; index < sections.length; index += MAX_BLOCKS_PER_MESSAGE) {
    messages.push({ text: `Assets tagged ${tag}${sections.length > MAX_BLOCKS_PER_MESSAGE ? ` (${index / MAX_BLOCKS_PER_MESSAGE + 1})` : ''}`, blocks: sections.slice(index, index + MAX_BLOCKS_PER_MESSAGE) });
  }
  return messages;
}

async function failed(context: JobContext, thread: ThreadRef, root: { title: string; requester: string; notes: string[] }, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  context.logger.warn({ err: error }, 'inventory slack job failed');
  await context.poster.reply(thread, outcomeMessage({ state: 'failed', headline: truncate(message.split('\n')[0] ?? message, 500), findings: [] }));
  await context.poster.update(thread.channel, thread.ts, () => rootMessage({ ...root, state: 'failed' }));
}
