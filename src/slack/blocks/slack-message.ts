import type { Block } from './block-limits.js';

/** One message as the poster sends it: the notification fallback text plus its blocks. */
export interface SlackMessage {
  /** Fallback text (notifications, screen readers); required by Slack when blocks are given. */
  text: string;
  blocks: Block[];
}
