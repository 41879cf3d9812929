import { Cron } from 'croner';
import { DefenseClawError, InputError } from '../../core/errors/index.js';
import type { SlackServices } from '../slack-services.js';
import { digestDetailMessages, digestSummaryMessage } from './digest-message.js';
import { diffInventories, type InventoryDiff } from './inventory-diff.js';
import {
  INVENTORY_SOURCES,
  mergeSources,
  readSnapshot,
  snapshotFile,
  takeInventorySnapshot,
  writeSnapshot,
  type InventorySource,
  type SourceProblem,
} from './inventory-snapshot.js';
import { postMessageWithinRateLimit } from './post-message.js';

export interface DigestOptions {
  /** Channel id (default: config slack.digest.channel, else slack.channel). */
  channel?: string;
  /** Default: DEFENSECLAW_HOME/digest/last-snapshot.json. */
  snapshotFile?: string;
  /** Default: Secure Endpoint computers and CrowdStrike devices. */
  sources?: readonly InventorySource[];
}

export interface DigestResult {
  channel: string;
  /** ts of the summary message (the thread's root). */
  ts: string;
  /** True when there was no previous snapshot: the summary records a baseline. */
  first: boolean;
  diff: InventoryDiff;
  /** Messages posted in the thread. */
  threadMessages: number;
  problems: SourceProblem[];
}

/**
 * One digest: read the inventory sources, compare with the previous digest's snapshot, post a
 * summary to the digest channel with the details in its thread, then keep the new snapshot.
 * The snapshot is written only after everything was posted, so a failed digest is repeated in
 * full by the next one.
 */
export async function runDigestOnce(services: SlackServices, options: DigestOptions = {}): Promise<DigestResult> {
  const { runtime } = services;
  const slack = runtime.config().config.slack;
  const channel = options.channel ?? slack.digest.channel ?? slack.channel;
  if (channel === undefined) throw new InputError({ path: 'slack.digest.channel', message: 'no channel for the digest: set slack.digest.channel (or slack.channel)' });
  const file = options.snapshotFile ?? snapshotFile(runtime);
  const previous = readSnapshot(file);
  const { snapshot, problems } = await takeInventorySnapshot(runtime, previous, options.sources ?? INVENTORY_SOURCES);
  if (Object.keys(snapshot.sources).length === 0) {
    throw new DefenseClawError(`no inventory source could be read: ${problems.map((problem) => `${problem.source}: ${problem.message}`).join('; ')}`, { code: 'digest_no_sources' });
  }

  const diff = diffInventories(previous === undefined ? new Map() : mergeSources(previous), mergeSources(snapshot));
  const sourceCounts = Object.fromEntries(Object.entries(snapshot.sources).map(([name, assets]) => [name, Object.keys(assets).length]));
  const summary = digestSummaryMessage({ diff, since: previous?.takenAt, sourceCounts, problems });
  const root = await postMessageWithinRateLimit(services.client, { channel, text: summary.text, blocks: summary.blocks, unfurl_links: false }, services.logger);
  if (root.ts === undefined) throw new DefenseClawError('chat.postMessage returned no ts for the digest', { code: 'slack_no_ts' });
  const rootChannel = root.channel ?? channel;
  const details = previous === undefined ? [] : digestDetailMessages(diff);
  for (const message of details) {
    await postMessageWithinRateLimit(services.client, { channel: rootChannel, thread_ts: root.ts, text: message.text, blocks: message.blocks }, services.logger);
  }
  writeSnapshot(file, snapshot);
  services.logger.info({ channel: rootChannel, added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, first: previous === undefined }, 'inventory digest posted');
  return { channel: rootChannel, ts: root.ts, first: previous === undefined, diff, threadMessages: details.length, problems };
}

/**
 * Runs the digest on config `slack.digest.cron` (croner syntax, local time zone; a run still in
 * progress makes the next tick skip). Returns the stop function; without a cron, does nothing.
 */
export function scheduleDigest(services: SlackServices, options: DigestOptions & { cron?: string } = {}): () => void {
  const pattern = options.cron ?? services.runtime.config().config.slack.digest.cron;
  if (pattern === undefined) {
    services.logger.info('inventory digest: no slack.digest.cron, not scheduled');
    return () => {};
  }
  let job: Cron;
  try {
    job = new Cron(
      pattern,
      {
        protect: true,
        catch: (error) => services.logger.error({ err: error }, 'inventory digest failed'),
      },
      async () => {
        await runDigestOnce(services, options);
      },
    );
  } catch (error) {
    throw new InputError({ path: 'slack.digest.cron', message: `invalid cron expression ${JSON.stringify(pattern)}: ${error instanceof Error ? error.message : String(error)}` });
  }
  services.logger.info({ cron: pattern, next: job.nextRun()?.toISOString() ?? null }, 'inventory digest scheduled');
  return () => job.stop();
}
