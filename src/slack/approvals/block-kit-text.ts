import type { types as SlackTypes } from '@slack/bolt';

/** A block of a message we post (Block Kit, as @slack/types describes it). */
export type MessageBlock = SlackTypes.KnownBlock;

/** What chat.postMessage / chat.update receive from our builders: fallback text plus blocks. */
export interface SlackMessage {
  /** Notification and screen-reader fallback; kept short. */
  text: string;
  blocks: MessageBlock[];
}

/** Slack's limits for messages (reference §1.8), with headroom below the hard numbers. */
export const BLOCK_LIMITS = {
  /** Hard limit 50 blocks per message. */
  blocksPerMessage: 45,
  /** Hard limit 3,000 characters per section text. */
  sectionText: 2_900,
  /** Hard limit 2,000 characters per section field. */
  fieldText: 1_900,
  /** Hard limit 150 characters per header. */
  headerText: 150,
  /** Hard limit 75 characters per button label. */
  buttonText: 75,
  /** Slack rejects messages whose block text adds up to about 13k characters (msg_blocks_too_long). */
  messageCharacters: 10_000,
  /** Fallback text: truncated by Slack past 40,000; we keep notifications short. */
  fallbackText: 2_000,
} as const;

/**
 * Escapes the three characters Slack mrkdwn treats as control characters, so text from tools,
 * vendors or requesters cannot mention @channel, link, or mention users (`<!channel>`, `<@U…>`).
 */
export function escapeMrkdwn(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Cuts `value` to at most `maximum` characters, saying how much was cut. */
export function truncate(value: string, maximum: number): string {
  if (value.length <= maximum) return value;
  const note = `… [${value.length - maximum} more characters]`;
  if (maximum <= note.length) return value.slice(0, Math.max(0, maximum));
  return `${value.slice(0, maximum - note.length)}${note}`;
}

/**
 * A preformatted block of untrusted text: escaped, with backticks that would close the code
 * fence defused, and cut so the fenced result stays within `maximum` characters.
 */
export function codeBlock(value: string, maximum: number): string {
  const body = escapeMrkdwn(value).replaceAll('```', "`\u200b`\u200b`");
  return `\`\`\`${truncate(body, Math.max(1, maximum - 6))}\`\`\``;
}

/** A Slack user mention when `principal` is a Slack user id (optionally `slack:`-prefixed), else escaped text. */
export function principalText(principal: string): string {
  const id = principal.replace(/^slack:/, '');
  return /^[UW][A-Z0-9]{2,}$/.test(id) ? `<@${id}>` : `\`${escapeMrkdwn(principal)}\``;
}

/** Slack's date formatting with an ISO fallback for clients that cannot render it. */
export function slackDate(iso: string, format = '{date_short_pretty} {time}'): string {
  const milliseconds = Date.parse(iso);
  if (Number.isNaN(milliseconds)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(milliseconds / 1000)}^${format}|${new Date(milliseconds).toISOString()}>`;
}

/** A section with mrkdwn text, cut to the section limit. */
export function sectionBlock(text: string): MessageBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text === '' ? ' ' : text, BLOCK_LIMITS.sectionText) } };
}

/** A header with plain text, cut to the header limit. */
export function headerBlock(text: string): MessageBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, BLOCK_LIMITS.headerText), emoji: true } };
}

/** A context line (mrkdwn), cut to the section limit. */
export function contextBlock(text: string): MessageBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, BLOCK_LIMITS.sectionText) }] };
}

/** Characters of text a block carries (what counts toward Slack's per-message total). */
export function blockCharacters(block: MessageBlock): number {
  let total = 0;
  const visit = (value: unknown): void => {
    if (typeof value === 'string') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'text' && typeof child === 'string') total += child.length;
        else visit(child);
      }
    }
  };
  visit(block);
  return total;
}

/**
 * Lines joined into as few section texts as fit the section limit. A line longer than the
 * limit is cut rather than dropped.
 */
export function linesToSections(lines: readonly string[], maximum: number = BLOCK_LIMITS.sectionText): string[] {
  const sections: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, maximum);
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= maximum) current = `${current}\n${line}`;
    else {
      sections.push(current);
      current = line;
    }
  }
  if (current !== '') sections.push(current);
  return sections;
}

/** Blocks split into messages of at most `blocksPerMessage` blocks and `messageCharacters` characters. */
export function chunkBlocks(blocks: readonly MessageBlock[], limits: { blocksPerMessage?: number; messageCharacters?: number } = {}): MessageBlock[][] {
  const maximumBlocks = limits.blocksPerMessage ?? BLOCK_LIMITS.blocksPerMessage;
  const maximumCharacters = limits.messageCharacters ?? BLOCK_LIMITS.messageCharacters;
  const messages: MessageBlock[][] = [];
  let current: MessageBlock[] = [];
  let characters = 0;
  for (const block of blocks) {
    const size = blockCharacters(block);
    if (current.length > 0 && (current.length + 1 > maximumBlocks || characters + size > maximumCharacters)) {
      messages.push(current);
      current = [];
      characters = 0;
    }
    current.push(block);
    characters += size;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}
