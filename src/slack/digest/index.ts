import type { App } from '@slack/bolt';
import type { SlackServices } from '../slack-services.js';
import { scheduleDigest } from './digest-job.js';

export { runDigestOnce, scheduleDigest, type DigestOptions, type DigestResult } from './digest-job.js';
export { digestDetailMessages, digestSummaryMessage, type DigestSummaryInput } from './digest-message.js';
export { diffInventories, isEmptyDiff, type FieldChange, type InventoryDiff } from './inventory-diff.js';
export {
  INVENTORY_SOURCES,
  assetFields,
  mergeSources,
  normaliseAssets,
  readSnapshot,
  snapshotFile,
  takeInventorySnapshot,
  writeSnapshot,
  type AssetFields,
  type InventorySnapshot,
  type InventorySource,
  type SourceProblem,
} from './inventory-snapshot.js';
export { postMessageWithinRateLimit } from './post-message.js';

/** The digest part of the bot, for SLACK_EXTENSIONS: schedules it on slack.digest.cron. Returns the stop function. */
export function registerSlackDigest(_app: App, services: SlackServices): () => void {
  return scheduleDigest(services);
}
