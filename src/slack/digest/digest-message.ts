import {
  BLOCK_LIMITS,
  chunkBlocks,
  contextBlock,
  escapeMrkdwn,
  headerBlock,
  linesToSections,
  sectionBlock,
  slackDate,
  truncate,
  type MessageBlock,
  type SlackMessage,
} from '../approvals/block-kit-text.js';
import type { AssetFields, InventoryDiff } from './inventory-diff.js';

/** A source that could not be read (fully) this time, and why. */
export interface SourceProblem {
  source: string;
  message: string;
}

export interface DigestSummaryInput {
  diff: InventoryDiff;
  /** When the previous digest read the sources (undefined: this is the first digest). */
  since: string | undefined;
  /** Source name → assets it reported now. */
  sourceCounts: Record<string, number>;
  problems: readonly SourceProblem[];
}

/** Host names named in the summary before "and N more". */
const NAMES_IN_SUMMARY = 8;
/** A field value longer than this is cut in the details. */
const MAX_VALUE = 300;

/** The channel message: counts, a few names, and where the details are. */
export function digestSummaryMessage(input: DigestSummaryInput): SlackMessage {
  const { diff } = input;
  const blocks: MessageBlock[] = [headerBlock('Inventory digest')];
  const sources = Object.entries(input.sourceCounts)
    .map(([name, count]) => `${escapeMrkdwn(name)} ${count}`)
    .join(' · ');
  let text: string;
  if (input.since === undefined) {
    text = `Inventory baseline recorded: ${diff.totals.after} assets. The next digest shows what changed.`;
    blocks.push(sectionBlock(`*Baseline recorded:* ${diff.totals.after} assets. The next digest shows what was added, removed and changed.`));
  } else if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
    text = `Inventory digest: no changes since ${input.since} (${diff.totals.after} assets).`;
    blocks.push(sectionBlock(`*No changes* since ${slackDate(input.since)} (${diff.totals.after} assets).`));
  } else {
    text = `Inventory digest: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed since ${input.since}.`;
    blocks.push(
      sectionBlock(
        `*${diff.added.length} added · ${diff.removed.length} removed · ${diff.changed.length} changed* since ${slackDate(input.since)} (${diff.totals.before} → ${diff.totals.after} assets)`,
      ),
    );
    const lines = [
      namesLine('Added', diff.added.map((entry) => entry.hostname)),
      namesLine('Removed', diff.removed.map((entry) => entry.hostname)),
      namesLine('Changed', diff.changed.map((entry) => entry.hostname)),
    ].filter((line): line is string => line !== undefined);
    blocks.push(sectionBlock(lines.join('\n')));
    blocks.push(contextBlock('Field-level details are in the thread.'));
  }
  if (sources !== '') blocks.push(contextBlock(`Sources: ${sources}`));
  for (const problem of input.problems) {
    blocks.push(contextBlock(`:warning: ${escapeMrkdwn(problem.source)} could not be read (${escapeMrkdwn(truncate(problem.message, 300))}); its hosts were not counted as added or removed.`));
  }
  return { text: truncate(text, BLOCK_LIMITS.fallbackText), blocks: blocks.slice(0, BLOCK_LIMITS.blocksPerMessage) };
}

/**
 * The thread under the summary: every added, removed and changed host, changes field by field
 * (before → after), split across as many messages as Slack's limits need.
 */
export function digestDetailMessages(diff: InventoryDiff): SlackMessage[] {
  const blocks: MessageBlock[] = [];
  const section = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    for (const text of linesToSections([`*${title}*`, ...lines])) blocks.push(sectionBlock(text));
  };
  section(
    `Added (${diff.added.length})`,
    diff.added.map((entry) => `• \`${escapeMrkdwn(entry.hostname)}\` ${describe(entry.fields)}`),
  );
  section(
    `Removed (${diff.removed.length})`,
    diff.removed.map((entry) => `• \`${escapeMrkdwn(entry.hostname)}\` ${describe(entry.fields)}`),
  );
  section(
    `Changed (${diff.changed.length})`,
    diff.changed.flatMap((entry) => [
      `• \`${escapeMrkdwn(entry.hostname)}\``,
      ...entry.changes.map((change) => `    \`${escapeMrkdwn(change.field)}\`: ${value(change.before)} → ${value(change.after)}`),
    ]),
  );
  const chunks = chunkBlocks(blocks);
  return chunks.map((chunk, index) => ({
    text: `Inventory digest details${chunks.length > 1 ? ` (${index + 1}/${chunks.length})` : ''}`,
    blocks: chunk,
  }));
}

function namesLine(label: string, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const shown = names.slice(0, NAMES_IN_SUMMARY).map((name) => `\`${escapeMrkdwn(name)}\``);
  const more = names.length > NAMES_IN_SUMMARY ? ` and ${names.length - NAMES_IN_SUMMARY} more` : '';
  return `*${label}:* ${shown.join(', ')}${more}`;
}

/** "— Windows 11 10.0.22631 · 10.1.2.3 · in crowdstrike, secure-endpoint" from an asset's fields. */
function describe(fields: AssetFields): string {
  // Inventory fields are `os`, `ips`, `sources`; older per-source digests used `<source>.os`.
  const pick = (name: string) => fields[name] ?? Object.entries(fields).find(([field]) => field.endsWith(`.${name}`))?.[1];
  const sources = fields.sources !== undefined ? fields.sources.split(', ') : [...new Set(Object.keys(fields).filter((field) => field.includes('.')).map((field) => field.split('.')[0]!))].sort();
  const parts = [pick('os'), pick('ips'), sources.length === 0 ? undefined : `in ${sources.join(', ')}`].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? '' : `— ${escapeMrkdwn(truncate(parts.join(' · '), MAX_VALUE))}`;
}

function value(text: string | null): string {
  return text === null ? '_(none)_' : `\`${escapeMrkdwn(truncate(text, MAX_VALUE))}\``;
}
