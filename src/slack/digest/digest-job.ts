import type { AssetSource } from '../../connectors/model/index.js';
import { DefenseClawError, InputError } from '../../core/errors/index.js';
import { InventoryError, scanCaller, type InventoryDiffResult, type SnapshotSummary } from '../../inventory/index.js';
import type { SlackServices } from '../slack-services.js';
import { digestDetailMessages, digestSummaryMessage, type SourceProblem } from './digest-message.js';
import { digestDiff, type InventoryDiff } from './inventory-diff.js';
import { postMessageWithinRateLimit } from './post-message.js';

/** The audit action that marks a posted digest; its `target` is the snapshot the digest showed. */
export const DIGEST_AUDIT_ACTION = 'inventory.digest';
const DIGEST_ACTOR = 'slack:digest';

export interface DigestOptions {
  /** Channel id (default: config slack.digest.channel, else slack.channel). */
  channel?: string;
  /** Default: every inventory source whose integration is configured. */
  sources?: readonly AssetSource[];
}

export interface DigestResult {
  channel: string;
  /** ts of the summary message (the thread's root). */
  ts: string;
  /** True when there was no earlier snapshot to compare with: the summary records a baseline. */
  first: boolean;
  diff: InventoryDiff;
  /** The stored snapshot this digest scanned, and the one it compared with. */
  snapshot: SnapshotSummary;
  previous?: SnapshotSummary;
  /** Messages posted in the thread. */
  threadMessages: number;
  problems: SourceProblem[];
}

/**
 * One digest: an inventory scan through the inventory service (stored as a snapshot like any
 * other), compared with the snapshot the previous digest showed (found through its audit record;
 * before the first digest, the newest earlier snapshot), then a summary in the digest channel
 * with the details in its thread. The digest's audit record is written only after everything was
 * posted, so a failed digest is repeated in full by the next one.
 */
export async function runDigestOnce(services: SlackServices, options: DigestOptions = {}): Promise<DigestResult> {
  const { runtime } = services;
  const slack = runtime.config().config.slack;
  const channel = options.channel ?? slack.digest.channel ?? slack.channel;
  if (channel === undefined) throw new InputError({ path: 'slack.digest.channel', message: 'no channel for the digest: set slack.digest.channel (or slack.channel)' });
  const inventory = runtime.inventory();
  const marked = lastDigestSnapshot(services);
  let scan;
  try {
    scan = await inventory.scan({ ...(options.sources === undefined ? {} : { sources: options.sources }), caller: scanCaller({ kind: 'slack', actor: DIGEST_ACTOR, reason: 'scheduled inventory digest' }) });
  } catch (error) {
    if (error instanceof InventoryError && error.code === 'inventory_no_sources') throw new DefenseClawError(error.message, { code: 'digest_no_sources', cause: error });
    throw error;
  }
  const { snapshot } = scan;
  const previous = marked ?? scan.previous;
  const compared: InventoryDiffResult | undefined = previous === undefined ? undefined : inventory.diffSnapshots(previous.id, snapshot.id);
  const diff: InventoryDiff = compared === undefined ? { added: [], removed: [], changed: [], totals: { before: 0, after: snapshot.assetCount } } : digestDiff(compared);
  const problems: SourceProblem[] = Object.entries(snapshot.sources).flatMap(([source, status]) => (status.error === undefined ? [] : [{ source, message: status.error }]));
  const sourceCounts = Object.fromEntries(Object.entries(snapshot.sources).map(([name, status]) => [name, status.count]));

  const summary = digestSummaryMessage({ diff, since: previous?.takenAt, sourceCounts, problems });
  const root = await postMessageWithinRateLimit(services.client, { channel, text: summary.text, blocks: summary.blocks, unfurl_links: false }, services.logger);
  if (root.ts === undefined) throw new DefenseClawError('chat.postMessage returned no ts for the digest', { code: 'slack_no_ts' });
  const rootChannel = root.channel ?? channel;
  const details = compared === undefined ? [] : digestDetailMessages(diff);
  for (const message of details) {
    await postMessageWithinRateLimit(services.client, { channel: rootChannel, thread_ts: root.ts, text: message.text, blocks: message.blocks }, services.logger);
  }
  runtime.ledger().append({
    actor: DIGEST_ACTOR,
    action: DIGEST_AUDIT_ACTION,
    target: snapshot.id,
    outcome: 'succeeded',
    details: { channel: rootChannel, ts: root.ts, previous: previous?.id ?? null, added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, unverified: compared?.unverified.length ?? 0 },
  });
  services.logger.info({ channel: rootChannel, snapshot: snapshot.id, added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, first: previous === undefined }, 'inventory digest posted');
  return {
    channel: rootChannel,
    ts: root.ts,
    first: previous === undefined,
    diff,
    snapshot,
    ...(previous === undefined ? {} : { previous }),
    threadMessages: details.length,
    problems,
  };
}

/** The snapshot the last posted digest showed, if it is still stored. */
function lastDigestSnapshot(services: SlackServices): SnapshotSummary | undefined {
  const [record] = services.runtime.ledger().query({ action: DIGEST_AUDIT_ACTION, outcome: 'succeeded', last: 1 });
  if (record?.target === undefined || record.target === null) return undefined;
  return services.runtime.inventory().snapshot(record.target);
}

