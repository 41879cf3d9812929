import { MAX_BLOCKS_PER_MESSAGE, MAX_SECTION_TEXT, contextBlock, escapeMrkdwn, sectionBlock, type Block } from './block-limits.js';
import { chunkBlocks } from './chunk-blocks.js';
import type { SlackMessage } from './slack-message.js';

/** One line of a timeline: when, a status mark, and what happened (plain text, escaped here). */
export interface TimelineEntry {
  /** ISO-8601 time. */
  time: string;
  /** A short status glyph, e.g. `✓`, `✗`, `⏸`. */
  mark: string;
  text: string;
}

export interface TimelineOptions {
  title: string;
  /** At most this many messages; entries beyond them are counted in a closing note (default 5). */
  maxMessages?: number;
  /** Where the rest can be read, e.g. "the attached JSON report". */
  overflowHint?: string;
}

/** Characters kept of one entry's text, so one noisy entry cannot fill a whole block. */
const MAX_ENTRY_TEXT = 500;

export function timelineLine(entry: TimelineEntry): string {
  const time = entry.time.length >= 19 ? entry.time.slice(11, 19) : entry.time;
  const text = entry.text.length > MAX_ENTRY_TEXT ? `${entry.text.slice(0, MAX_ENTRY_TEXT - 1)}…` : entry.text;
  return `\`${time}\` ${entry.mark} ${escapeMrkdwn(text)}`;
}

/**
 * A timeline as thread messages: lines packed into sections of at most 3,000 characters, sections
 * into messages of at most 50 blocks (one context block per message names the part), and at most
 * `maxMessages` messages, the last one saying how many entries were left out.
 */
export function timelineMessages(entries: readonly TimelineEntry[], options: TimelineOptions): SlackMessage[] {
  const maxMessages = options.maxMessages ?? 5;
  if (entries.length === 0) return [{ text: `${options.title}: no events`, blocks: [contextBlock(`*${escapeMrkdwn(options.title)}*: no events`)] }];
  // Remember which entry each section ends at, so an overflow note can count what was left out.
  const sections: Array<{ text: string; lastEntry: number }> = [];
  let lines: string[] = [];
  let length = 0;
  entries.forEach((entry, index) => {
    const line = timelineLine(entry);
    if (lines.length > 0 && length + 1 + line.length > MAX_SECTION_TEXT) {
      sections.push({ text: lines.join('\n'), lastEntry: index - 1 });
      lines = [];
      length = 0;
    }
    lines.push(line);
    length += (lines.length === 1 ? 0 : 1) + line.length;
  });
  if (lines.length > 0) sections.push({ text: lines.join('\n'), lastEntry: entries.length - 1 });

  // One block per message is the part header; the last message may need one more for the overflow note.
  const perMessage = MAX_BLOCKS_PER_MESSAGE - 2;
  const groups = chunkBlocks(sections.map((section) => sectionBlock(section.text)), perMessage);
  const kept = groups.slice(0, maxMessages);
  const keptSections = kept.reduce((sum, group) => sum + group.length, 0);
  const omitted = entries.length - 1 - sections[keptSections - 1]!.lastEntry;
  return kept.map((group, index) => {
    const part = kept.length > 1 || omitted > 0 ? ` (${index + 1}/${kept.length})` : '';
    const blocks: Block[] = [contextBlock(`*${escapeMrkdwn(options.title)}*${part}: ${entries.length} event(s)`), ...group];
    if (index === kept.length - 1 && omitted > 0) {
      blocks.push(contextBlock(`${omitted} more event(s) not shown${options.overflowHint === undefined ? '' : `: see ${escapeMrkdwn(options.overflowHint)}`}`));
    }
    return { text: `${options.title}${part}`, blocks };
  });
}
