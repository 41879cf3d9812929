export { DIGEST_AUDIT_ACTION, runDigestOnce, type DigestOptions, type DigestResult } from './digest-job.js';
export { digestDetailMessages, digestSummaryMessage, type DigestSummaryInput, type SourceProblem } from './digest-message.js';
export { digestDiff, isEmptyDiff, type AssetFields, type FieldChange, type InventoryDiff } from './inventory-diff.js';
export { postMessageWithinRateLimit } from './post-message.js';
