import { MAX_SECTION_TEXT, sectionBlock, truncate } from './block-limits.js';
import { chunkLines } from './chunk-lines.js';

/** What an ephemeral reply (an ack body or a response_url post) carries. */
export interface EphemeralReply {
  response_type: 'ephemeral';
  text: string;
  blocks?: ReturnType<typeof sectionBlock>[];
  replace_original?: boolean;
}

/** An ephemeral reply from lines of mrkdwn: up to 10 sections of 3,000 characters. */
export function ephemeralReply(text: string, lines?: readonly string[]): EphemeralReply {
  if (lines === undefined) return { response_type: 'ephemeral', text: truncate(text, MAX_SECTION_TEXT) };
  return { response_type: 'ephemeral', text: truncate(text, MAX_SECTION_TEXT), blocks: chunkLines(lines).slice(0, 10).map((chunk) => sectionBlock(chunk)) };
}
