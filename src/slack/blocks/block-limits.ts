import type { KnownBlock } from '@slack/web-api';

/** Slack's message limits (reference §1.8); the lab's fake Slack enforces the same numbers. */
export const MAX_BLOCKS_PER_MESSAGE = 50;
/** `section.text` and each text object: 3,000 characters. */
export const MAX_SECTION_TEXT = 3000;
export const MAX_HEADER_TEXT = 150;
/** The fallback `text` of a message (notifications); Slack truncates past 40,000, we stay far below. */
export const MAX_FALLBACK_TEXT = 3000;

export type Block = KnownBlock;

/** Cuts `text` to at most `limit` characters, ending with an ellipsis when it was cut. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, Math.max(0, limit - 1))}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function sectionBlock(markdown: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(markdown === '' ? ' ' : markdown, MAX_SECTION_TEXT) } };
}

export function contextBlock(markdown: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(markdown === '' ? ' ' : markdown, MAX_SECTION_TEXT) }] };
}

export function headerBlock(plain: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(plain, MAX_HEADER_TEXT) } };
}
